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

/** A listing record as this node last read it, with the row's `xmin` at that reading. */
interface ListedAppliance {
  version: string;
  listing: ApplianceListing;
}

/**
 * A row's record without its rings, checked against the schema, then frozen: the same object is
 * handed to every later listing, so no reader may change it (ApplianceStore.list: to read only).
 */
function listingFrom(record: unknown): ApplianceListing {
  // The rings stay in the database (see ApplianceStore.list); the schema's default fills them
  // while the row is checked, and they are dropped again so no reader takes them for real ones.
  const { history: _history, ...listing } = applianceFromRow({ record });
  return deepFreeze(listing);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

export class PostgresApplianceStore implements ApplianceStore {
  /** This node's listing cache, by id; replaced whole by each listing, so deleted rows leave it. */
  private listed = new Map<string, ListedAppliance>();

  constructor(private readonly db: Database) {}

  async get(id: string): Promise<ApplianceRecord | undefined> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM appliances WHERE id = $1', [id]);
    return rows[0] ? applianceFromRow(rows[0]) : undefined;
  }

  /**
   * The listing, cached on this node by the row's `xmin` — the transaction that last wrote it,
   * which every INSERT and UPDATE moves, whichever node or tool makes it. One query reads every
   * id with its `xmin` and the record only of the rows this node has not seen at that version:
   * at 10 000 appliances, fetching and checking every record against the schema was most of a
   * fleet page's second (docs/performance.md, "Control plane on PostgreSQL"). So another node's
   * heartbeat shows in the next listing, and a deleted row drops out of it. (An `xmin` repeats only
   * after 2^32 transactions: a row left unchanged that long while this process ran and then
   * changed by the transaction with the same number would be missed; the process would have to
   * run through four billion writes.)
   */
  async list(): Promise<ApplianceListing[]> {
    // The entries the query is built from: a listing running at once on this node may replace
    // `listed` meanwhile, and a row withheld at a version is one of these.
    const known = this.listed;
    const { rows } = await this.db.query<{ id: string; version: string; record: unknown }>(
      `SELECT a.id, a.xmin::text AS version,
              CASE WHEN k.version IS DISTINCT FROM a.xmin::text THEN a.record - 'history' END AS record
         FROM appliances a LEFT JOIN unnest($1::text[], $2::text[]) AS k(id, version) ON k.id = a.id
        ORDER BY a.id`,
      [[...known.keys()], [...known.values()].map((entry) => entry.version)],
    );
    const listed = new Map<string, ListedAppliance>();
    for (const row of rows)
      listed.set(row.id, row.record === null ? known.get(row.id)! : { version: row.version, listing: listingFrom(row.record) });
    this.listed = listed;
    return [...listed.values()].map((entry) => entry.listing);
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
