/**
 * Upgrade requests in PostgreSQL (`upgrade_requests`): the record as jsonb, validated by the file's
 * schema in and out. "Once" is the database's: the nonce is the primary key, and the open-request
 * bound is counted under a transaction-scoped advisory lock on the appliance, so two nodes
 * receiving requests of one appliance at once count one after the other.
 */
import type pg from 'pg';
import type { UpgradeRequestStore } from '../stores.js';
import { upgradeRequestRecordSchema, type UpgradeRequestRecord, type UpgradeRequestStatus } from '../upgradeRequestRecords.js';
import type { Database } from './pool.js';
import { recordKey, rowRecord } from './rowCheck.js';

/**
 * The appliance's lock: an advisory lock rather than its `appliances` row, so that the count does
 * not depend on the appliance store having moved first; namespaced so it cannot collide with
 * another aggregate's lock on the same id.
 */
async function lockAppliance(client: pg.PoolClient, applianceId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`upgrade-requests:${applianceId}`]);
}

function fromRow(row: { record: unknown }): UpgradeRequestRecord {
  return rowRecord(upgradeRequestRecordSchema, 'upgrade_requests', recordKey(row.record, 'id'), row.record);
}

export class PostgresUpgradeRequestStore implements UpgradeRequestStore {
  constructor(private readonly db: Database) {}

  add(record: UpgradeRequestRecord, admit: (openOfAppliance: number) => void): Promise<'added' | 'replayed'> {
    const valid = upgradeRequestRecordSchema.parse(record);
    return this.db.transaction(async (client) => {
      await lockAppliance(client, valid.applianceId);
      const seen = await client.query('SELECT 1 FROM upgrade_requests WHERE id = $1', [valid.id]);
      if (seen.rowCount) return 'replayed';
      const { rows } = await client.query<{ open: number }>(
        "SELECT count(*)::int AS open FROM upgrade_requests WHERE appliance_id = $1 AND status = 'open'",
        [valid.applianceId],
      );
      admit(rows[0]!.open);
      // The key decides in the end: a copy carrying another appliance's id cannot pass the lock's read.
      const inserted = await client.query(
        `INSERT INTO upgrade_requests (id, appliance_id, cabinet_id, status, record) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING`,
        [valid.id, valid.applianceId, valid.cabinetId, valid.status, JSON.stringify(valid)],
      );
      return inserted.rowCount === 1 ? 'added' : 'replayed';
    });
  }

  async list(filter: { status: UpgradeRequestStatus | 'all'; cabinetId?: string }): Promise<UpgradeRequestRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>(
      `SELECT record FROM upgrade_requests
       WHERE ($1 = 'all' OR status = $1) AND ($2::text IS NULL OR cabinet_id = $2)
       ORDER BY record->>'receivedAt' DESC, id`,
      [filter.status, filter.cabinetId ?? null],
    );
    return rows.map(fromRow);
  }

  markHandled(id: string, by: string, now: Date): Promise<UpgradeRequestRecord | undefined> {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM upgrade_requests WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) return undefined;
      const record = fromRow(rows[0]);
      if (record.status === 'handled') return record;
      record.status = 'handled';
      record.handledAt = now.toISOString();
      record.handledBy = by;
      await client.query("UPDATE upgrade_requests SET status = 'handled', record = $2 WHERE id = $1", [id, JSON.stringify(record)]);
      return record;
    });
  }
}
