/**
 * Support bundles in PostgreSQL (`support_bundles`): the index entry as jsonb (the file index's
 * schema), the bundle as bytea, so a bundle received by one node is read by any other. The
 * per-cabinet bound is applied under a transaction-scoped advisory lock on the cabinet, so two
 * nodes receiving uploads of one cabinet at once cannot both leave it over the bound.
 */
import type pg from 'pg';
import type { SupportBundleArchive } from '../stores.js';
import { supportBundleEntrySchema, type SupportBundleEntry } from '../supportBundleRecords.js';
import type { Database } from './pool.js';
import { recordKey, rowRecord } from './rowCheck.js';

async function lockCabinet(client: pg.PoolClient, cabinetId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`support-bundles:${cabinetId}`]);
}

function fromRow(row: { record: unknown }): SupportBundleEntry {
  return rowRecord(supportBundleEntrySchema, 'support_bundles', recordKey(row.record, 'id'), row.record);
}

export class PostgresSupportBundleArchive implements SupportBundleArchive {
  constructor(private readonly db: Database) {}

  keep(entry: SupportBundleEntry, bytes: Buffer, maxPerCabinet: number): Promise<SupportBundleEntry> {
    const valid = supportBundleEntrySchema.parse(entry);
    return this.db.transaction(async (client) => {
      await lockCabinet(client, valid.cabinetId);
      const kept = await client.query<{ record: unknown }>(
        'SELECT record FROM support_bundles WHERE cabinet_id = $1 AND sha256 = $2 AND expires_at > $3 LIMIT 1',
        [valid.cabinetId, valid.sha256, valid.receivedAt],
      );
      if (kept.rows[0]) return fromRow(kept.rows[0]);
      // The cabinet's oldest beyond the bound, the new one counted: dropped in this transaction.
      await client.query(
        `DELETE FROM support_bundles WHERE id IN (
           SELECT id FROM support_bundles WHERE cabinet_id = $1
           ORDER BY record->>'receivedAt' DESC, id OFFSET $2)`,
        [valid.cabinetId, Math.max(0, maxPerCabinet - 1)],
      );
      await client.query(
        `INSERT INTO support_bundles (id, cabinet_id, appliance_id, expires_at, sha256, record, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [valid.id, valid.cabinetId, valid.applianceId, valid.expiresAt, valid.sha256, JSON.stringify(valid), bytes],
      );
      return valid;
    });
  }

  async list(cabinetId: string, now: Date): Promise<SupportBundleEntry[]> {
    const { rows } = await this.db.query<{ record: unknown }>(
      `SELECT record FROM support_bundles WHERE cabinet_id = $1 AND expires_at > $2 ORDER BY record->>'receivedAt' DESC, id`,
      [cabinetId, now.toISOString()],
    );
    return rows.map(fromRow);
  }

  async read(cabinetId: string, id: string, now: Date): Promise<{ entry: SupportBundleEntry; bytes: Buffer } | undefined> {
    // The id is a uuid column: anything else is simply not one of the cabinet's bundles.
    if (!supportBundleEntrySchema.shape.id.safeParse(id).success) return undefined;
    const { rows } = await this.db.query<{ record: unknown; content: Buffer }>(
      'SELECT record, content FROM support_bundles WHERE cabinet_id = $1 AND id = $2 AND expires_at > $3',
      [cabinetId, id, now.toISOString()],
    );
    return rows[0] ? { entry: fromRow(rows[0]), bytes: rows[0].content } : undefined;
  }

  async prune(now: Date): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM support_bundles WHERE expires_at <= $1', [now.toISOString()]);
    return rowCount ?? 0;
  }
}
