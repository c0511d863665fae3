/**
 * Cabinets and enrollment on PostgreSQL with several nodes (issue 20): a cabinet reads back whole
 * (plan history, enrollment codes), its history only grows, and a one-time enrollment code used on
 * two nodes at the same moment enrolls one appliance — the other is refused, nothing half-made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresCabinetStore } from '../../../control-plane/src/storage/postgres/cabinetStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { applianceRecord, cabinetRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
let cluster: PostgresCluster;
let nodeA: Database;
let nodeB: Database;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('cabinets');
  nodeA = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  nodeB = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  await migrate(nodeA);
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await cluster?.destroy();
});

const hash = (n: number) => n.toString(16).padStart(64, '0');
// Codes issued on 1 March 2026 09:00 UTC are valid 7 days: until 8 March 09:00.
const DURING = new Date('2026-03-02T10:00:00.000Z');

describe('cabinet store on PostgreSQL', () => {
  it('reads back a cabinet whole, and refuses a second one with its id', async () => {
    const store = new PostgresCabinetStore(nodeA);
    await store.create(cabinetRecord('dupont', hash(1)));
    expect(await new PostgresCabinetStore(nodeB).get('dupont')).toEqual(cabinetRecord('dupont', hash(1)));
    await expect(store.create(cabinetRecord('dupont', hash(2)))).rejects.toMatchObject({ code: 'already_exists' });
    expect((await store.list()).map((c) => c.id)).toEqual(['dupont']);
  });

  it('appends plan history and supersedes codes in one change; a history never shrinks', async () => {
    const store = new PostgresCabinetStore(nodeA);
    await store.create(cabinetRecord('martin', hash(10)));
    await store.update('martin', (c) => {
      c.plan = 'premium';
      c.licenseRevision += 1;
      c.planHistory.push({
        effectiveAt: '2026-03-03T09:00:00.000Z',
        plan: 'premium',
        overrides: {},
        status: 'active',
        by: 'admin@vendor.example',
      });
      c.enrollmentCodes[0]!.supersededAt = '2026-03-03T09:00:00.000Z';
      c.enrollmentCodes.push({
        hash: hash(11),
        issuedAt: '2026-03-03T09:00:00.000Z',
        expiresAt: '2026-03-10T09:00:00.000Z',
        usedAt: null,
        applianceId: null,
        supersededAt: null,
      });
    });
    const after = (await new PostgresCabinetStore(nodeB).get('martin'))!;
    expect(after.planHistory.map((h) => h.plan)).toEqual(['essentiel', 'premium']);
    expect(after.enrollmentCodes.map((c) => [c.hash, c.supersededAt])).toEqual([
      [hash(10), '2026-03-03T09:00:00.000Z'],
      [hash(11), null],
    ]);
    await expect(store.update('martin', (c) => void c.planHistory.pop())).rejects.toThrow(/only grows/);
    expect((await store.get('martin'))!.planHistory).toHaveLength(2);
    await expect(store.update('ghost', () => undefined)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('enrolls once when two nodes use the same code at the same moment', async () => {
    await new PostgresCabinetStore(nodeA).create(cabinetRecord('bernard', hash(20)));
    let n = 0;
    const enrollOn = (db: Database) =>
      new PostgresCabinetStore(db).enroll(
        hash(20),
        DURING,
        (cabinetId) => `${cabinetId}-${++n}`,
        async (cabinet, id) => applianceRecord(id, cabinet.id),
      );
    const results = await Promise.allSettled([enrollOn(nodeA), enrollOn(nodeB)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)).toEqual([
      'enrollment_code_used',
    ]);
    const winner = ok[0]!.value.appliance.id;
    const cabinet = (await new PostgresCabinetStore(nodeB).get('bernard'))!;
    expect(cabinet.applianceId).toBe(winner);
    expect(cabinet.enrollmentCodes[0]).toMatchObject({ usedAt: DURING.toISOString(), applianceId: winner });
    expect((await new PostgresApplianceStore(nodeB).list()).filter((a) => a.cabinetId === 'bernard').map((a) => a.id)).toEqual([winner]);
  });

  it('re-enrolling with a new code revokes the previous appliance in the same transaction', async () => {
    const store = new PostgresCabinetStore(nodeA);
    await store.create(cabinetRecord('petit', hash(30)));
    const build = async (cabinet: { id: string }, id: string) => applianceRecord(id, cabinet.id);
    const first = await store.enroll(hash(30), DURING, () => 'petit-old', build);
    await store.update('petit', (c) =>
      c.enrollmentCodes.push({
        hash: hash(31),
        issuedAt: DURING.toISOString(),
        expiresAt: '2026-03-09T10:00:00.000Z',
        usedAt: null,
        applianceId: null,
        supersededAt: null,
      }),
    );
    const later = new Date('2026-03-04T10:00:00.000Z');
    await store.enroll(hash(31), later, () => 'petit-new', build);
    const appliances = new PostgresApplianceStore(nodeB);
    expect((await appliances.get(first.appliance.id))!.revokedAt).toBe(later.toISOString());
    expect((await appliances.get('petit-new'))!.revokedAt).toBeNull();
    expect((await store.get('petit'))!.applianceId).toBe('petit-new');
  });

  it('refuses an unknown, expired or suspended-cabinet code, leaving the code unused and nothing created', async () => {
    const store = new PostgresCabinetStore(nodeA);
    const build = async (cabinet: { id: string }, id: string) => applianceRecord(id, cabinet.id);
    await expect(store.enroll(hash(999), DURING, () => 'x-1', build)).rejects.toMatchObject({ code: 'invalid_enrollment_code' });
    await store.create(cabinetRecord('leroy', hash(40)));
    // 8 March 2026 09:00 UTC is the expiry itself: from then on the code is refused.
    await expect(store.enroll(hash(40), new Date('2026-03-08T09:00:00.000Z'), () => 'leroy-1', build)).rejects.toMatchObject({
      code: 'enrollment_code_expired',
    });
    await store.update('leroy', (c) => void (c.status = 'suspended'));
    await expect(store.enroll(hash(40), DURING, () => 'leroy-2', build)).rejects.toMatchObject({ code: 'cabinet_not_active' });
    expect((await store.get('leroy'))!.enrollmentCodes[0]).toMatchObject({ usedAt: null, applianceId: null });
    expect(await new PostgresApplianceStore(nodeA).get('leroy-2')).toBeUndefined();
  });

  it("shows in a node's cached listing each write another node makes to any of the three tables, and hands out copies", async () => {
    const url = await cluster.createDatabase('cabinet_listing');
    const [a, b] = [url, url].map((u) => openDatabase({ url: u, poolSize: 2, connectTimeoutMs: 120_000 }, log));
    try {
      await migrate(a!);
      const [storeA, storeB] = [new PostgresCabinetStore(a!), new PostgresCabinetStore(b!)];
      await storeB.create(cabinetRecord('dupont', hash(30)));
      await storeB.create(cabinetRecord('martin', hash(31)));
      expect((await storeA.list()).map((c) => c.name)).toEqual(['Cabinet dupont', 'Cabinet martin']);
      // The cabinet row alone.
      await storeB.update('dupont', (c) => {
        c.name = 'Dupont & Associés';
      });
      expect((await storeA.list())[0]!.name).toBe('Dupont & Associés');
      // A plan history row alone, then an enrollment code's alone, each written outside the store.
      await b!.query(`INSERT INTO cabinet_plan_history (cabinet_id, position, effective_at, record) VALUES ('martin', 1, $1, $2)`, [
        '2026-03-03T09:00:00.000Z',
        JSON.stringify({
          effectiveAt: '2026-03-03T09:00:00.000Z',
          plan: 'premium',
          overrides: {},
          status: 'active',
          by: 'admin@vendor.example',
        }),
      ]);
      expect((await storeA.list())[1]!.planHistory.map((h) => h.plan)).toEqual(['essentiel', 'premium']);
      await b!.query(`UPDATE enrollment_codes SET superseded_at = $2 WHERE hash = $1`, [hash(31), '2026-03-03T09:00:00.000Z']);
      expect((await storeA.list())[1]!.enrollmentCodes[0]!.supersededAt).toBe('2026-03-03T09:00:00.000Z');
      // A cabinet deleted with its rows.
      for (const table of ['cabinet_plan_history', 'enrollment_codes']) await b!.query(`DELETE FROM ${table} WHERE cabinet_id = 'dupont'`);
      await b!.query(`DELETE FROM cabinets WHERE id = 'dupont'`);
      const listed = await storeA.list();
      expect(listed.map((c) => c.id)).toEqual(['martin']);
      expect(listed).toEqual(await storeB.list());
      // A caller may change what it is given (as with the files' copies): the next listing is unchanged.
      listed[0]!.name = 'changed by a reader';
      listed[0]!.planHistory.pop();
      expect(await storeA.list()).toEqual(await storeB.list());
    } finally {
      await a!.close();
      await b!.close();
    }
  });
});
