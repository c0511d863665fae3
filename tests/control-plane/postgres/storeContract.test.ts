/**
 * One contract, two implementations: the storage seam's appliance store and job leases behave the
 * same over DATA_DIR's files and over PostgreSQL (docs/control-plane-postgres.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { createClock } from '../../../control-plane/src/clock.js';
import { ApplianceRegistry } from '../../../control-plane/src/domain/appliances.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import { EmbeddedApplianceStore } from '../../../control-plane/src/storage/embedded/applianceStore.js';
import { EmbeddedJobLeases } from '../../../control-plane/src/storage/embedded/jobLeases.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresJobLeases } from '../../../control-plane/src/storage/postgres/jobLeases.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { ApplianceStore } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { applianceRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
let cluster: PostgresCluster;
const databases: Database[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  for (const db of databases) await db.close();
  await cluster?.destroy();
});

async function freshDatabase(): Promise<Database> {
  const db = openDatabase({ url: await cluster.createDatabase('store'), poolSize: 8, connectTimeoutMs: 120_000 }, log);
  databases.push(db);
  await migrate(db);
  // The cabinets the appliances belong to (their foreign key); the cabinet store comes next.
  await db.query(
    `INSERT INTO cabinets (id, status, license_revision, record) VALUES ('dupont', 'active', 1, '{}'), ('martin', 'active', 1, '{}')`,
  );
  return db;
}

const backends: [string, () => Promise<ApplianceStore>][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-store-');
      const quarantine = await RecordQuarantine.open(dir, createClock(0), log);
      return new EmbeddedApplianceStore(await ApplianceRegistry.open(dir, log, quarantine));
    },
  ],
  ['PostgreSQL', async () => new PostgresApplianceStore(await freshDatabase())],
];

describe.each(backends)('appliance store (%s)', (_name, open) => {
  it('creates, reads back and lists what it was given', async () => {
    const store = await open();
    await store.create(applianceRecord('app-b', 'martin'));
    await store.create(applianceRecord('app-a', 'dupont'));
    expect(await store.get('app-a')).toEqual(applianceRecord('app-a', 'dupont'));
    expect(await store.get('nope')).toBeUndefined();
    expect((await store.list()).map((a) => a.id).sort()).toEqual(['app-a', 'app-b']);
  });

  it('refuses a second appliance with the same id, keeping the first', async () => {
    const store = await open();
    await store.create(applianceRecord('app-a', 'dupont'));
    await expect(store.create(applianceRecord('app-a', 'martin'))).rejects.toMatchObject({ code: 'already_exists' });
    expect((await store.get('app-a'))!.cabinetId).toBe('dupont');
  });

  it('hands out copies: changing what was read changes nothing stored', async () => {
    const store = await open();
    await store.create(applianceRecord('app-a', 'dupont'));
    const read = (await store.get('app-a'))!;
    read.lastSeq = 99;
    expect((await store.get('app-a'))!.lastSeq).toBe(0);
  });

  it('revokes once, keeping the first date; an unknown id is not_found', async () => {
    const store = await open();
    await store.create(applianceRecord('app-a', 'dupont'));
    await store.revoke('app-a', new Date('2026-03-02T10:00:00.000Z'));
    await store.revoke('app-a', new Date('2026-03-05T10:00:00.000Z'));
    expect((await store.get('app-a'))!.revokedAt).toBe('2026-03-02T10:00:00.000Z');
    await expect(store.revoke('ghost', new Date())).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('job leases', () => {
  it('with the embedded files, the one process always holds them', async () => {
    const leases = new EmbeddedJobLeases();
    expect(await leases.acquire('fleet-check', 'node-a', 60_000, new Date())).toBe(true);
  });

  it('on PostgreSQL, one node at a time: renewed by its holder, taken over only once expired or released', async () => {
    const db = await freshDatabase();
    const [a, b] = [new PostgresJobLeases(db), new PostgresJobLeases(db)];
    const t0 = new Date('2026-03-01T12:00:00.000Z');
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    // Both nodes try at once: exactly one gets it.
    const first = await Promise.all([a.acquire('fleet-check', 'node-a', 60_000, t0), b.acquire('fleet-check', 'node-b', 60_000, t0)]);
    expect(first.filter(Boolean)).toHaveLength(1);
    const [holder, holderName, other, otherName] = first[0] ? [a, 'node-a', b, 'node-b'] : [b, 'node-b', a, 'node-a'];
    // 30 s in: the holder renews (to 90 s), the other is still refused.
    expect(await holder.acquire('fleet-check', holderName, 60_000, at(30))).toBe(true);
    expect(await other.acquire('fleet-check', otherName, 60_000, at(30))).toBe(false);
    // 89 s: the renewed lease still runs; 90 s: it has expired (the holder died), the other takes over.
    expect(await other.acquire('fleet-check', otherName, 60_000, at(89))).toBe(false);
    expect(await other.acquire('fleet-check', otherName, 60_000, at(90))).toBe(true);
    expect(await holder.acquire('fleet-check', holderName, 60_000, at(91))).toBe(false);
    // Released on shutdown: free at once, without waiting for the expiry.
    await other.release('fleet-check', otherName);
    expect(await holder.acquire('fleet-check', holderName, 60_000, at(92))).toBe(true);
    // Another job is another lease.
    expect(await other.acquire('relances', otherName, 60_000, at(92))).toBe(true);
  });
});
