/**
 * `ApplianceStore.update` and the fleet's listing, one contract over DATA_DIR's files and over
 * PostgreSQL (docs/control-plane-postgres.md, "Appliances on ApplianceStore"): a change runs under
 * the appliance's lock, so changes made at once from two nodes are all kept, and a license renewal
 * (the heartbeat reply's change) racing a heartbeat keeps both. "Two nodes" are two pools on one
 * database; on the files, where one process owns a DATA_DIR, two stores over its one registry.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { createClock } from '../../../control-plane/src/clock.js';
import { ApplianceRegistry } from '../../../control-plane/src/domain/appliances.js';
import { replaceLicense } from '../../../control-plane/src/domain/licenseConformity.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import { EmbeddedApplianceStore } from '../../../control-plane/src/storage/embedded/applianceStore.js';
import { EmbeddedHeartbeatStore } from '../../../control-plane/src/storage/embedded/heartbeatStore.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresHeartbeatStore } from '../../../control-plane/src/storage/postgres/heartbeatStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { ApplianceRecord } from '../../../control-plane/src/storage/records.js';
import type { ApplianceStore, HeartbeatEntry } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { lockWaiters, usePostgres } from '../../support/postgresPools.js';
import { applianceRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();

/** A fresh database with the cabinets the appliances belong to (their foreign key). */
async function freshDatabaseUrl(): Promise<string> {
  const url = await pg.cluster.createDatabase('appliance');
  const db = pool(url);
  await migrate(db);
  await db.query(
    `INSERT INTO cabinets (id, status, license_revision, record) VALUES ('dupont', 'active', 1, '{}'), ('martin', 'active', 1, '{}')`,
  );
  return url;
}

const pool = (url: string): Database => pg.pool(url, 8);

async function openRegistry(dir: string): Promise<ApplianceRegistry> {
  return ApplianceRegistry.open(dir, log, await RecordQuarantine.open(dir, createClock(0), log));
}

/** Two nodes' appliance stores on one state. */
const backends: [string, () => Promise<[ApplianceStore, ApplianceStore]>][] = [
  [
    'embedded files',
    async () => {
      const registry = await openRegistry(tempDir('cp-appliance-'));
      return [new EmbeddedApplianceStore(registry), new EmbeddedApplianceStore(registry)];
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await freshDatabaseUrl();
      return [new PostgresApplianceStore(pool(url)), new PostgresApplianceStore(pool(url))];
    },
  ],
];

/** A license as the vendor would issue it next (only what the store keeps; nothing here verifies it). */
function renewed(previous: ApplianceRecord['license'], n: number): ApplianceRecord['license'] {
  return { ...previous, jws: `h.renewed-${n}.s`, jti: `${previous.jti}-r${n}`, iat: previous.iat + n, exp: previous.exp + n };
}

describe.each(backends)('appliance store update (%s)', (_name, open) => {
  it('changes the record, commits it and hands back a copy', async () => {
    const [a, b] = await open();
    await a.create(applianceRecord('app-a', 'dupont'));
    const updated = await a.update('app-a', (r) => {
      r.readsOffers = true;
      r.licenseOffers = 2;
    });
    expect(updated).toMatchObject({ id: 'app-a', readsOffers: true, licenseOffers: 2 });
    updated.licenseOffers = 99;
    expect(await b.get('app-a')).toMatchObject({ readsOffers: true, licenseOffers: 2 });
  });

  it('leaves the record unchanged when the change refuses half-way, and refuses an unknown id', async () => {
    const [a, b] = await open();
    await a.create(applianceRecord('app-a', 'dupont'));
    const refused = a.update('app-a', (r) => {
      r.licenseOffers = 5;
      throw new Error('refused after a first edit');
    });
    await expect(refused).rejects.toThrow('refused after a first edit');
    expect((await b.get('app-a'))!.licenseOffers).toBe(0);
    await expect(a.update('nope', () => {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(a.update('app-a', (r) => (r.id = 'app-z'))).rejects.toThrow(/id/);
    expect(await b.get('app-z')).toBeUndefined();
  });

  it('keeps every change made at once from two nodes (each runs on the other’s result)', async () => {
    const [a, b] = await open();
    await a.create(applianceRecord('app-a', 'dupont'));
    // 40 increments, half on each node, all started before any is committed: a store that read
    // without the lock would write some over others and end below 40.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).update('app-a', (r) => {
          r.licenseOffers += 1;
          r.previousLicenseIds = [...r.previousLicenseIds, `jti-${i}`];
        }),
      ),
    );
    const record = (await a.get('app-a'))!;
    expect(record.licenseOffers).toBe(40);
    expect([...record.previousLicenseIds].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `jti-${i}`).sort());
  });

  it('renews a license once when two nodes renew from the same reading', async () => {
    const [a, b] = await open();
    await a.create(applianceRecord('app-a', 'dupont'));
    const basedOn = (await a.get('app-a'))!.license;
    // heartbeatReply.ts's rule: the new license replaces the one it was issued after, or nothing.
    const renew = (store: ApplianceStore, n: number) =>
      store.update('app-a', (r) => {
        if (r.license.jti === basedOn.jti) replaceLicense(r, renewed(basedOn, n));
      });
    await Promise.all([renew(a, 1), renew(b, 2)]);
    const record = (await b.get('app-a'))!;
    expect([`${basedOn.jti}-r1`, `${basedOn.jti}-r2`]).toContain(record.license.jti);
    expect(record.previousLicenseIds).toEqual([basedOn.jti]);
  });

  it('lists every appliance by id, revoked ones included, the same on both nodes', async () => {
    const [a, b] = await open();
    for (const [id, cabinet] of [
      ['app-c', 'martin'],
      ['app-a', 'dupont'],
      ['app-b', 'dupont'],
    ] as const)
      await a.create(applianceRecord(id, cabinet));
    await b.revoke('app-a', new Date('2026-03-02T10:00:00.000Z'));
    await b.update('app-c', (r) => {
      r.lastSeq = 7;
      r.lastHeartbeatAt = '2026-03-02T11:00:00.000Z';
    });
    const listed = await a.list();
    expect(listed.map((r) => r.id)).toEqual(['app-a', 'app-b', 'app-c']);
    expect(listed[0]!.revokedAt).toBe('2026-03-02T10:00:00.000Z');
    expect(listed[2]).toMatchObject({ lastSeq: 7, lastHeartbeatAt: '2026-03-02T11:00:00.000Z' });
    expect(await b.list()).toEqual(listed);
  });
});

it('lists the same fleet on both backends', async () => {
  const registry = await openRegistry(tempDir('cp-appliance-'));
  const stores = [new EmbeddedApplianceStore(registry), new PostgresApplianceStore(pool(await freshDatabaseUrl()))];
  for (const store of stores) {
    for (let i = 0; i < 30; i++)
      await store.create(applianceRecord(`app-${String((i * 7) % 30).padStart(2, '0')}`, i % 3 ? 'dupont' : 'martin'));
    await store.revoke('app-04', new Date('2026-03-05T08:00:00.000Z'));
    await store.update('app-11', (r) => replaceLicense(r, renewed(r.license, 1)));
  }
  const [files, database] = await Promise.all(stores.map((s) => s.list()));
  expect(files).toHaveLength(30);
  // A listing has no history rings (ApplianceStore.list); the embedded store's live records keep
  // theirs, which no reader of a listing may use — the type has none.
  expect(database).toEqual(files!.map(({ history: _history, ...listing }: Partial<ApplianceRecord>) => listing));
});

it('PostgreSQL: lists appliances without their history rings, which get still reads', async () => {
  const store = new PostgresApplianceStore(pool(await freshDatabaseUrl()));
  await store.create(applianceRecord('app-a', 'dupont'));
  await store.update('app-a', (r) => {
    r.history.hourly[3] = { ...HOURLY_BUCKET, index: 3 };
  });
  const [listed] = await store.list();
  expect(listed).toMatchObject({ id: 'app-a', cabinetId: 'dupont' });
  expect(listed).not.toHaveProperty('history');
  expect((await store.get('app-a'))!.history.hourly[3]).toEqual({ ...HOURLY_BUCKET, index: 3 });
});

it("PostgreSQL: a node's cached listing shows every write made since on another node, and only those are read again", async () => {
  const url = await freshDatabaseUrl();
  const [a, b] = [new PostgresApplianceStore(pool(url)), new PostgresApplianceStore(pool(url))];
  for (const id of ['app-a', 'app-b', 'app-c', 'app-d']) await a.create(applianceRecord(id, 'dupont'));
  const first = await a.list();
  // Each kind of write another node makes: a heartbeat, an update, a revocation, a creation, and a
  // row deleted outside the stores.
  await new PostgresHeartbeatStore(pool(url)).record(heartbeat('app-a', 1), applyHeartbeat(heartbeat('app-a', 1)));
  await b.update('app-b', (r) => {
    r.readsOffers = true;
  });
  await b.revoke('app-c', new Date('2026-03-02T10:00:00.000Z'));
  await b.create(applianceRecord('app-e', 'martin'));
  await pool(url).query(`DELETE FROM appliances WHERE id = 'app-d'`);
  const second = await a.list();
  expect(second.map((r) => r.id)).toEqual(['app-a', 'app-b', 'app-c', 'app-e']);
  expect(second[0]).toMatchObject({ lastSeq: 1, lastHeartbeatAt: heartbeat('app-a', 1).receivedAt });
  expect(second[1]).toMatchObject({ readsOffers: true });
  expect(second[2]!.revokedAt).toBe('2026-03-02T10:00:00.000Z');
  expect(second).toEqual(await new PostgresApplianceStore(pool(url)).list());
  // Unchanged rows come from the cache (the same objects), changed ones are read again.
  const third = await a.list();
  third.forEach((listing, i) => expect(listing).toBe(second[i]));
  second.slice(0, 3).forEach((listing, i) => expect(listing).not.toBe(first[i]));
});

it('PostgreSQL: a cached listing cannot be changed by its reader', async () => {
  const store = new PostgresApplianceStore(pool(await freshDatabaseUrl()));
  await store.create(applianceRecord('app-a', 'dupont'));
  const [listed] = await store.list();
  const cabinetId = listed!.cabinetId;
  const jti = listed!.license.jti;
  expect(() => Object.assign(listed!, { cabinetId: 'martin' })).toThrow(TypeError);
  expect(() => Object.assign(listed!.license, { jti: 'forged' })).toThrow(TypeError);
  const [again] = await store.list();
  expect(again).toMatchObject({ cabinetId, license: { jti } });
});

const HOURLY_BUCKET = {
  index: 0,
  heartbeats: 4,
  cpuLoadSum: 0.8,
  memoryUsedSum: 2,
  diskFreeRatioMin: 0.4,
  errors24hMax: 1,
  analysesUsed: 10,
  usersActive: 3,
  casesOpen: 200,
  storageBytes: 5e8,
};

/** A heartbeat as the stores take it; its decision moves the sequence as the domain's does. */
function heartbeat(applianceId: string, seq: number): HeartbeatEntry {
  return { applianceId, seq, receivedAt: `2026-03-02T10:00:${String(seq).padStart(2, '0')}.000Z`, jws: `seq-${seq}`, usageReport: false };
}
const applyHeartbeat = (entry: HeartbeatEntry) => (r: ApplianceRecord) => {
  const previous = { lastSeq: r.lastSeq, lastHeartbeatAt: r.lastHeartbeatAt };
  r.lastSeq = entry.seq;
  r.lastHeartbeatAt = entry.receivedAt;
  return () => Object.assign(r, previous);
};

it('PostgreSQL: a license renewal racing a heartbeat on another node keeps both', async () => {
  const url = await freshDatabaseUrl();
  const [nodeA, nodeB, holder] = [pool(url), pool(url), pool(url)];
  await new PostgresApplianceStore(nodeA).create(applianceRecord('app-a', 'dupont'));
  const basedOn = (await new PostgresApplianceStore(nodeA).get('app-a'))!.license;
  let both: Promise<[ApplianceRecord, ApplianceRecord]> | undefined;
  // A third connection holds the row until both nodes are waiting for it: both then run on the
  // same committed state, so a store reading without the lock would lose one of the two changes.
  await holder.transaction(async (client) => {
    await client.query(`SELECT 1 FROM appliances WHERE id = 'app-a' FOR UPDATE`);
    both = Promise.all([
      new PostgresHeartbeatStore(nodeA).record(heartbeat('app-a', 1), applyHeartbeat(heartbeat('app-a', 1))),
      new PostgresApplianceStore(nodeB).update('app-a', (r) => {
        if (r.license.jti === basedOn.jti) replaceLicense(r, renewed(basedOn, 1));
      }),
    ]);
    await lockWaiters(holder, 2, 'both nodes waiting on the appliance row');
    // Awaited below, once the holder has committed; a refusal meanwhile is not left unhandled.
    both.catch(() => {});
  });
  await both;
  const record = (await new PostgresApplianceStore(nodeA).get('app-a'))!;
  expect(record).toMatchObject({ lastSeq: 1, lastHeartbeatAt: heartbeat('app-a', 1).receivedAt });
  expect(record.license.jti).toBe(`${basedOn.jti}-r1`);
  expect(record.previousLicenseIds).toEqual([basedOn.jti]);
  expect(await new PostgresHeartbeatStore(nodeB).count('app-a')).toBe(1);
});

it('files: a renewal between heartbeats and checkpoints keeps both, on disk after a restart', async () => {
  const dir = tempDir('cp-appliance-');
  const replay = (r: ApplianceRecord, at: string, jws: string) => {
    const seq = Number(jws.slice('seq-'.length));
    if (seq <= r.lastSeq) return false;
    Object.assign(r, { lastSeq: seq, lastHeartbeatAt: at });
    return true;
  };
  const open = async () => {
    const registry = await openRegistry(dir);
    const heartbeats = await EmbeddedHeartbeatStore.open(dir, registry, replay, { checkpointIntervalSeconds: 3600 }, log);
    return { appliances: new EmbeddedApplianceStore(registry), heartbeats };
  };
  const first = await open();
  await first.appliances.create(applianceRecord('app-a', 'dupont'));
  const basedOn = (await first.appliances.get('app-a'))!.license;
  // The renewal is made while the heartbeat's journal append is still in flight, then a second
  // heartbeat, a checkpoint, and a second renewal after it: none may write over another.
  const hb1 = first.heartbeats.record(heartbeat('app-a', 1), applyHeartbeat(heartbeat('app-a', 1)));
  await first.appliances.update('app-a', (r) => replaceLicense(r, renewed(basedOn, 1)));
  await hb1;
  await first.heartbeats.record(heartbeat('app-a', 2), applyHeartbeat(heartbeat('app-a', 2)));
  await first.heartbeats.checkpoint();
  await first.appliances.update('app-a', (r) => (r.readsOffers = true));
  await first.heartbeats.record(heartbeat('app-a', 3), applyHeartbeat(heartbeat('app-a', 3)));
  const expected = {
    lastSeq: 3,
    lastHeartbeatAt: heartbeat('app-a', 3).receivedAt,
    readsOffers: true,
    license: renewed(basedOn, 1),
    previousLicenseIds: [basedOn.jti],
  };
  expect(await first.appliances.get('app-a')).toMatchObject(expected);
  // No close: the third heartbeat is only in the journal, as after a crash.
  const second = await open();
  expect(await second.appliances.get('app-a')).toMatchObject(expected);
  await second.heartbeats.close();
  const third = await open();
  expect(await third.appliances.get('app-a')).toMatchObject(expected);
  await third.heartbeats.close();
});
