/** The vendor's own plans in PostgreSQL: one row each, the record as jsonb. */
import { ControlPlaneError } from '../../errors.js';
import { planRecordSchema, type PlanRecord } from '../records.js';
import type { PlanStore } from '../stores.js';
import type { Database } from './pool.js';
import { recordKey, rowRecord } from './rowCheck.js';
import { isUniqueViolation } from './sqlErrors.js';

export class PostgresPlanStore implements PlanStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<PlanRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>(`SELECT record FROM plans ORDER BY record->>'createdAt', id`);
    return rows.map((r) => rowRecord(planRecordSchema, 'plans', recordKey(r.record, 'id'), r.record));
  }

  async get(id: string): Promise<PlanRecord | undefined> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM plans WHERE id = $1', [id]);
    return rows[0] && rowRecord(planRecordSchema, 'plans', id, rows[0].record);
  }

  async create(plan: PlanRecord): Promise<void> {
    const valid = planRecordSchema.parse(plan);
    try {
      await this.db.query('INSERT INTO plans (id, record) VALUES ($1, $2)', [valid.id, JSON.stringify(valid)]);
    } catch (err) {
      if (isUniqueViolation(err, 'plans_pkey'))
        throw new ControlPlaneError('already_exists', `plan "${valid.id}" already exists: choose another id`, { id: valid.id });
      throw err;
    }
  }
}
