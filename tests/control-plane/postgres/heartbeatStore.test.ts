/**
 * Heartbeats on PostgreSQL with several nodes (issue 20): two pools on one database stand for two
 * control-plane nodes. 200 appliances send their heartbeats to one node while the retry of each
 * reaches the other at the same moment: every sequence is recorded and applied exactly once, the
 * other copy refused as `replayed_sequence`. A refusal leaves nothing behind; the database going
 * away answers `database_unavailable`, and the same pool recovers when it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresHeartbeatStore } from '../../../control-plane/src/storage/postgres/heartbeatStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { ApplianceRecord } from '../../../control-plane/src/storage/records.js';
import type { HeartbeatEntry } from '../../../control-plane/src/storage/stores.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { applianceRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
let cluster: PostgresCluster;
let nodeA: Database;
let nodeB: Database;

const APPLIANCES = 200;
const HEARTBEATS_EACH = 3;

// Connections are waited for as long as a loaded CI machine needs: a pool timing out is what the
// outage test provokes on purpose (with the server stopped), never what these tests measure.
beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('heartbeats');
  nodeA = openDatabase({ url, poolSize: 10, connectTimeoutMs: 120_000 }, log);
  nodeB = openDatabase({ url, poolSize: 10, connectTimeoutMs: 120_000 }, log);
  await migrate(nodeA);
  await nodeA.query(`INSERT INTO cabinets (id, status, license_revision, record) VALUES ('dupont', 'active', 1, '{}')`);
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await cluster?.destroy();
});

/** What the domain does with an admitted heartbeat, reduced to what these tests observe. */
function admit(entry: HeartbeatEntry, admitted: string[]) {
  return (record: ApplianceRecord) => {
    if (entry.seq <= record.lastSeq) throw Object.assign(new Error('stale'), { code: 'replayed_sequence' });
    record.lastSeq = entry.seq;
    record.lastHeartbeatAt = entry.receivedAt;
    admitted.push(`${entry.applianceId}#${entry.seq}`);
  };
}

function entry(applianceId: string, seq: number): HeartbeatEntry {
  return {
    applianceId,
    seq,
    receivedAt: new Date(Date.UTC(2026, 2, 1, 12, 0, seq)).toISOString(),
    jws: `jws-${applianceId}-${seq}`,
    usageReport: false,
  };
}

describe('heartbeats on two nodes sharing one database', () => {
  it(`counts each of ${APPLIANCES} appliances' heartbeats once when every one is retried on the other node at once`, async () => {
    const appliances = new PostgresApplianceStore(nodeA);
    const ids = Array.from({ length: APPLIANCES }, (_, i) => `app-${String(i).padStart(3, '0')}`);
    for (const id of ids) await appliances.create(applianceRecord(id, 'dupont'));
    const [storeA, storeB] = [new PostgresHeartbeatStore(nodeA), new PostgresHeartbeatStore(nodeB)];
    const admitted: string[] = [];
    const outcomes = await Promise.all(
      ids.map(async (id, i) => {
        const results: string[] = [];
        for (let seq = 1; seq <= HEARTBEATS_EACH; seq++) {
          // Half the appliances send to A first, half to B; the copy to the other node races it.
          const [first, retry] = i % 2 === 0 ? [storeA, storeB] : [storeB, storeA];
          const sent = await Promise.allSettled([
            first.record(entry(id, seq), admit(entry(id, seq), admitted)),
            retry.record(entry(id, seq), admit(entry(id, seq), admitted)),
          ]);
          results.push(
            sent
              .map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as { code?: string }).code))
              .sort()
              .join('+'),
          );
        }
        return results;
      }),
    );
    // Each heartbeat: one copy recorded, the other refused as a replay (by the key, or by the seq check).
    expect(new Set(outcomes.flat())).toEqual(new Set(['ok+replayed_sequence']));
    expect(admitted).toHaveLength(APPLIANCES * HEARTBEATS_EACH);
    expect(new Set(admitted).size).toBe(APPLIANCES * HEARTBEATS_EACH);
    const { rows } = await nodeB.query<{ n: number; appliances: number; max: number; min: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT appliance_id)::int AS appliances, max(seq)::int AS max, min(seq)::int AS min FROM heartbeats`,
    );
    expect(rows[0]).toEqual({ n: APPLIANCES * HEARTBEATS_EACH, appliances: APPLIANCES, max: HEARTBEATS_EACH, min: 1 });
    // Every node reads the same committed state.
    for (const record of await new PostgresApplianceStore(nodeB).list()) expect(record.lastSeq).toBe(HEARTBEATS_EACH);
  });

  it('keeps nothing of a refused heartbeat: the same sequence is accepted once the refusal no longer holds', async () => {
    await new PostgresApplianceStore(nodeA).create(applianceRecord('app-refused', 'dupont'));
    const store = new PostgresHeartbeatStore(nodeA);
    const refuse = () => {
      throw Object.assign(new Error('usage above the plan'), { code: 'implausible_usage' });
    };
    await expect(store.record(entry('app-refused', 1), refuse)).rejects.toMatchObject({ code: 'implausible_usage' });
    expect(await store.count('app-refused')).toBe(0);
    const admitted: string[] = [];
    const record = await store.record(entry('app-refused', 1), admit(entry('app-refused', 1), admitted));
    expect(record.lastSeq).toBe(1);
    expect(await store.count('app-refused')).toBe(1);
  });

  it('refuses an unknown appliance and a decision that did not move lastSeq, recording nothing', async () => {
    const store = new PostgresHeartbeatStore(nodeA);
    await expect(store.record(entry('ghost', 1), () => undefined)).rejects.toMatchObject({ code: 'not_found' });
    await new PostgresApplianceStore(nodeA).create(applianceRecord('app-lazy', 'dupont'));
    await expect(store.record(entry('app-lazy', 1), () => undefined)).rejects.toThrow(/left lastSeq at 0/);
    expect(await store.count('app-lazy')).toBe(0);
  });

  it('answers database_unavailable while PostgreSQL is away, and the same pool recovers when it is back', async () => {
    await new PostgresApplianceStore(nodeA).create(applianceRecord('app-outage', 'dupont'));
    const store = new PostgresHeartbeatStore(nodeA);
    const admitted: string[] = [];
    await store.record(entry('app-outage', 1), admit(entry('app-outage', 1), admitted));
    await cluster.stop();
    try {
      await expect(store.record(entry('app-outage', 2), admit(entry('app-outage', 2), admitted))).rejects.toMatchObject({
        code: 'database_unavailable',
        message: expect.stringMatching(/PostgreSQL at 127\.0\.0\.1:\d+\/heartbeats_\d+_\d+\) cannot be reached/),
      });
    } finally {
      await cluster.start();
    }
    const record = await store.record(entry('app-outage', 2), admit(entry('app-outage', 2), admitted));
    expect(record.lastSeq).toBe(2);
    expect(admitted).toEqual(['app-outage#1', 'app-outage#2']);
  });
});
