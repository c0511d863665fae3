/**
 * Heartbeats in PostgreSQL: the heartbeat journal's job done by the database. One transaction per
 * heartbeat: the appliance row is locked (it must exist: the heartbeat's foreign key), then the
 * row (appliance_id, seq) is inserted with ON CONFLICT DO NOTHING — the primary key, not a read of
 * what was recorded, is what counts a sequence once: a retry that reached another node finds the
 * committed row and is refused. Then the domain decides on the locked record and both rows commit
 * together; the caller is answered after the commit.
 */
import { NotFoundError } from '@iamanager/protocol';
import { ControlPlaneError } from '../../errors.js';
import type { ApplianceRecord } from '../records.js';
import type { HeartbeatDecision, HeartbeatEntry, HeartbeatStore } from '../stores.js';
import { applianceFromRow, saveAppliance } from './applianceStore.js';
import type { Database } from './pool.js';

export class PostgresHeartbeatStore implements HeartbeatStore {
  constructor(private readonly db: Database) {}

  record(entry: HeartbeatEntry, decide: HeartbeatDecision): Promise<ApplianceRecord> {
    return this.db.transaction(async (client) => {
      // The appliance must exist (foreign key) before the insert says anything about the sequence.
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM appliances WHERE id = $1 FOR UPDATE', [
        entry.applianceId,
      ]);
      if (!rows[0]) throw new NotFoundError('appliance', entry.applianceId);
      const inserted = await client.query(
        `INSERT INTO heartbeats (appliance_id, seq, received_at, usage_report, jws) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (appliance_id, seq) DO NOTHING`,
        [entry.applianceId, entry.seq, entry.receivedAt, entry.usageReport, entry.jws],
      );
      const record = applianceFromRow(rows[0]);
      if (inserted.rowCount === 0) {
        throw new ControlPlaneError('replayed_sequence', `seq ${entry.seq} was already recorded for this appliance`, {
          lastSeq: record.lastSeq,
        });
      }
      // Its undo is not needed: a failure from here on rolls the transaction back.
      decide(record);
      if (record.lastSeq !== entry.seq) {
        // The domain must move lastSeq to what it accepted, or the next heartbeat's check is wrong.
        throw new Error(`heartbeat store: decide() left lastSeq at ${record.lastSeq}, not at the recorded seq ${entry.seq}`);
      }
      await saveAppliance(client, record);
      return record;
    });
  }

  async count(applianceId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM heartbeats WHERE appliance_id = $1', [applianceId]);
    return rows[0]!.n;
  }
}
