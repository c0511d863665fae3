/**
 * Appliances in PostgreSQL: the record as jsonb (validated by the same schema as DATA_DIR's files),
 * with the columns the database orders, joins or constrains by kept in step with it.
 */
import { NotFoundError } from '@iamanager/protocol';
import { ControlPlaneError } from '../../errors.js';
import type pg from 'pg';
import { applianceRecordSchema, type ApplianceRecord } from '../records.js';
import type { ApplianceListing, ApplianceStore } from '../stores.js';
import type { Database } from './pool.js';
import { recordKey, rowRecord } from './rowCheck.js';
import { isUniqueViolation } from './sqlErrors.js';

/** The columns that mirror the record, in the order `applianceValues` gives them. */
export const APPLIANCE_COLUMNS = 'id, cabinet_id, last_seq, last_heartbeat_at, revoked_at, record';

export function applianceValues(record: ApplianceRecord): unknown[] {
  return [record.id, record.cabinetId, record.lastSeq, record.lastHeartbeatAt, record.revokedAt, JSON.stringify(record)];
}

export function applianceFromRow(row: { record: unknown }): ApplianceRecord {
  return rowRecord(applianceRecordSchema, 'appliances', recordKey(row.record, 'id'), row.record);
}

/** Writes a record's new state back, columns and jsonb together. */
export async function saveAppliance(client: pg.PoolClient, record: ApplianceRecord): Promise<void> {
  await client.query(
    'UPDATE appliances SET cabinet_id = $2, last_seq = $3, last_heartbeat_at = $4, revoked_at = $5, record = $6 WHERE id = $1',
    applianceValues(record),
  );
}

export class PostgresApplianceStore implements ApplianceStore {
  constructor(private readonly db: Database) {}

  async get(id: string): Promise<ApplianceRecord | undefined> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM appliances WHERE id = $1', [id]);
    return rows[0] ? applianceFromRow(rows[0]) : undefined;
  }

  async list(): Promise<ApplianceListing[]> {
    // The rings stay in the database (see ApplianceStore.list); the schema's default fills them
    // while the row is checked, and they are dropped again so no reader takes them for real ones.
    const { rows } = await this.db.query<{ record: unknown }>("SELECT record - 'history' AS record FROM appliances ORDER BY id");
    return rows.map((row) => {
      const { history: _history, ...listing } = applianceFromRow(row);
      return listing;
    });
  }

  async create(record: ApplianceRecord): Promise<void> {
    const valid = applianceRecordSchema.parse(record);
    try {
      await this.db.query(`INSERT INTO appliances (${APPLIANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, applianceValues(valid));
    } catch (err) {
      if (isUniqueViolation(err, 'appliances_pkey'))
        throw new ControlPlaneError('already_exists', `"${record.id}" already exists`, { id: record.id });
      throw err;
    }
  }

  async revoke(id: string, now: Date): Promise<void> {
    await this.db.transaction(async (client) => {
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM appliances WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) throw new NotFoundError('appliance', id);
      const record = applianceFromRow(rows[0]);
      if (record.revokedAt) return;
      record.revokedAt = now.toISOString();
      await saveAppliance(client, record);
    });
  }

  // The row lock is the one HeartbeatStore.record takes: a heartbeat and this change on two nodes
  // run one after the other, each on the other's committed result.
  async update(id: string, change: (appliance: ApplianceRecord) => void): Promise<ApplianceRecord> {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM appliances WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) throw new NotFoundError('appliance', id);
      const record = applianceFromRow(rows[0]);
      change(record);
      if (record.id !== id) throw new Error(`appliance update: the change moved the record's id from ${id} to ${record.id}`);
      const valid = applianceRecordSchema.parse(record);
      await saveAppliance(client, valid);
      return valid;
    });
  }
}
