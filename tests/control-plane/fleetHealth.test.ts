/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Fleet health over HTTP: statuses from real signed heartbeats, the filters, sorts and pages of
 * GET /api/v1/fleet, the alerts the periodic check records, and the history rings — then the same
 * data directory under a clock moved forward (CLOCK_OFFSET_SECONDS), where silence makes
 * appliances stale and offline and the hourly ring rolls over.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAppliance, api, createAdminToken, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { waitFor } from '../support/waitFor.js';

const INTERVAL = 60;
const ENV = {
  HEARTBEAT_INTERVAL_SECONDS: String(INTERVAL),
  FLEET_CHECK_INTERVAL_SECONDS: '1',
  LATEST_APPLIANCE_VERSION: '1.2.0',
  CHECKPOINT_INTERVAL_SECONDS: '1',
};

/** Waits for the periodic fleet check (every second here) to have recorded what the test expects. */
const eventually = <T>(read: () => Promise<T>, ok: (value: T) => boolean) => waitFor(read, ok, { what: 'the fleet check' });

describe('fleet health over HTTP', () => {
  const dataDir = `${tempDir('cp-fleet-')}/data`;
  let cp: TestControlPlane;
  let token: string;
  const appliances: Record<string, FakeAppliance> = {};
  let beatDay = '';
  /** Just before the heartbeat that made bernard critical: its alert cannot be older. */
  let bernardCriticalSentAt = 0;

  const fleet = async (query = '') => (await api(cp.url, token, 'GET', `/api/v1/fleet${query}`)).body;
  const beat = (cabinetId: string, health: Record<string, unknown> = {}, usage: Record<string, unknown> = {}) => {
    const a = appliances[cabinetId]!;
    const base = a.payload();
    return a
      .sign({
        ...base,
        usage: { ...base.usage, ...usage },
        health: { ...base.health, version: '1.2.0', lastBackupAt: new Date().toISOString(), ...health },
      })
      .then((jws) => a.send(jws));
  };

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    token = await createAdminToken(dataDir, 'ops@vendor.test');
    cp = await startControlPlane(dataDir, ENV);
    for (const [id, plan] of [
      ['dupont', 'professional'],
      ['martin', 'starter'],
      ['bernard', 'enterprise'],
    ] as const) {
      const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan });
      appliances[id] = new FakeAppliance(cp.url);
      expect((await appliances[id].enroll(created.body.enrollmentCode)).status).toBe(201);
    }
    // The fleet check has seen each appliance enrolled and silent (pending) before any heartbeat:
    // every change the tests below make is then a transition from a status the monitor recorded.
    await eventually(
      fleet,
      (body) => body.appliances?.length === 3 && body.appliances.every((a: any) => a.status === 'pending' && a.statusSince !== null),
    );
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives each appliance its status from its latest heartbeat, with the reasons', async () => {
    expect((await beat('dupont')).status).toBe(202);
    expect((await beat('martin', { diskFreeRatio: 0.1 })).status).toBe(202);
    bernardCriticalSentAt = Date.now();
    expect((await beat('bernard', { diskFreeRatio: 0.03 })).status).toBe(202);
    const body = await fleet();
    expect(body.appliances.map((a: any) => [a.cabinetId, a.status])).toEqual([
      ['bernard', 'critical'],
      ['martin', 'warning'],
      ['dupont', 'healthy'],
    ]);
    expect(body.appliances[0].reasons).toEqual([
      expect.objectContaining({ code: 'disk_critical', level: 'critical', message: 'disk free 3 %, below 5 %' }),
    ]);
    expect(body.counts).toEqual({ healthy: 1, pending: 0, warning: 1, critical: 1, stale: 0, offline: 0 });
    expect(body.latestVersion).toBe('1.2.0');
  });

  it('filters by status and plan, sorts, and pages on the server', async () => {
    expect((await fleet('?status=warning')).appliances.map((a: any) => a.cabinetId)).toEqual(['martin']);
    expect((await fleet('?plan=enterprise')).appliances.map((a: any) => a.cabinetId)).toEqual(['bernard']);
    expect((await fleet('?plan=enterprise&status=healthy')).total).toBe(0);
    expect((await fleet('?sort=cabinet')).appliances.map((a: any) => a.cabinetId)).toEqual(['bernard', 'dupont', 'martin']);
    expect((await fleet('?sort=plan')).appliances.map((a: any) => a.plan)).toEqual(['enterprise', 'professional', 'starter']);
    const second = await fleet('?sort=cabinet&perPage=2&page=2');
    expect(second).toMatchObject({ total: 3, page: 2, perPage: 2, pages: 2 });
    expect(second.appliances.map((a: any) => a.cabinetId)).toEqual(['martin']);
  });

  it('refuses a filter it does not know, naming the field and the values it takes', async () => {
    const res = await api(cp.url, token, 'GET', '/api/v1/fleet?status=green');
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('query.status: must be one of healthy, pending, warning, critical, stale, offline');
    expect((await api(cp.url, token, 'GET', '/api/v1/fleet?perPage=5000')).body.message).toBe('query.perPage: must be at most 1000');
    expect((await api(cp.url, token, 'GET', '/api/v1/fleet?colour=red')).status).toBe(400);
  });

  it('records what changed and since when as alerts', async () => {
    const alerts = await eventually(
      async () => (await api(cp.url, token, 'GET', '/api/v1/alerts')).body.alerts as any[],
      (list) => list.length >= 2,
    );
    const seenAt = Date.now();
    const bernard = alerts.find((a) => a.cabinetId === 'bernard');
    // The monitor had recorded bernard pending (beforeAll): the alert is the change from there.
    expect(bernard).toMatchObject({ from: 'pending', to: 'critical', raised: ['disk_critical'], cleared: ['pending'] });
    // Noticed by a check after the heartbeat was sent, and before the alert was read back.
    expect(Date.parse(bernard.at)).toBeGreaterThanOrEqual(bernardCriticalSentAt);
    expect(Date.parse(bernard.at)).toBeLessThanOrEqual(seenAt);
    expect(alerts.some((a) => a.cabinetId === 'dupont')).toBe(false);

    // Bernard frees disk space but starts logging errors: critical still, for another reason.
    await beat('bernard', { diskFreeRatio: 0.5, errors24h: 0 });
    await beat('bernard', { diskFreeRatio: 0.5, errors24h: 7 });
    const changed = await eventually(
      async () => (await api(cp.url, token, 'GET', '/api/v1/alerts?cabinetId=bernard')).body.alerts as any[],
      (list) => list[0]?.raised.includes('errors_rising'),
    );
    expect(changed[0]).toMatchObject({ from: 'critical', to: 'critical', raised: ['errors_rising'], cleared: ['disk_critical'] });
    expect(changed[0].reasons[0].message).toBe('errors over 24 h rose from 0 to 7');
    const fleetNow = await fleet('?plan=enterprise');
    expect(fleetNow.appliances[0].statusSince).toBe(bernard.at);

    await beat('bernard', { diskFreeRatio: 0.5, errors24h: 7 });
    const healed = await eventually(
      async () => (await api(cp.url, token, 'GET', '/api/v1/alerts?cabinetId=bernard&limit=1')).body.alerts as any[],
      (list) => list[0]?.to === 'healthy',
    );
    expect(healed).toEqual([expect.objectContaining({ from: 'critical', to: 'healthy', cleared: ['errors_rising'], reasons: [] })]);
    expect((await api(cp.url, token, 'GET', '/api/v1/alerts?status=purple')).body.message).toBe(
      'query.status: must be one of healthy, pending, warning, critical, stale, offline',
    );
  });

  it('keeps 24 hourly and 30 daily points of usage and resources per appliance', async () => {
    const id = appliances.dupont!.applianceId;
    await beat('dupont', { cpuLoad: 0.5 }, { casesOpen: 42 });
    const res = await api(cp.url, token, 'GET', `/api/v1/fleet/${id}/history`);
    expect(res.status).toBe(200);
    expect(res.body.hourly).toHaveLength(24);
    expect(res.body.daily).toHaveLength(30);
    // Both heartbeats fall in this hour unless the test straddles an hour: count over the last two.
    const lastTwo = res.body.hourly.slice(-2);
    expect(lastTwo.reduce((n: number, p: any) => n + p.heartbeats, 0)).toBe(2);
    const hour = res.body.hourly.at(-1);
    expect(hour.casesOpen).toBe(42);
    if (hour.heartbeats === 2) expect(hour.cpuLoad).toBeCloseTo((0.1 + 0.5) / 2);
    expect(res.body.daily.at(-1).casesOpen).toBe(42);
    beatDay = res.body.daily.at(-1).start;
    expect((await api(cp.url, token, 'GET', '/api/v1/fleet/no-such-appliance/history')).status).toBe(404);
  });

  it('marks silent appliances stale after 3 intervals and offline after 24 h, and rolls the hourly ring over', async () => {
    await cp.stop();
    cp = await startControlPlane(dataDir, { ...ENV, CLOCK_OFFSET_SECONDS: String(3 * INTERVAL + 5) });
    const stale = await fleet();
    expect(stale.counts).toMatchObject({ stale: 3, healthy: 0 });
    expect(stale.appliances[0].reasons.find((r: any) => r.code === 'stale')).toBeTruthy();
    const alerts = (await api(cp.url, token, 'GET', '/api/v1/alerts?status=stale')).body.alerts as any[];
    expect(alerts.map((a) => a.cabinetId).sort()).toEqual(['bernard', 'dupont', 'martin']);

    await cp.stop();
    cp = await startControlPlane(dataDir, { ...ENV, CLOCK_OFFSET_SECONDS: String(25 * 3600) });
    expect((await fleet()).counts).toMatchObject({ offline: 3 });
    const history = (await api(cp.url, token, 'GET', `/api/v1/fleet/${appliances.dupont!.applianceId}/history`)).body;
    expect(history.hourly.every((p: any) => p.heartbeats === 0)).toBe(true);
    // 25 h later the day of the heartbeats is one or two days back; it is still in the daily ring.
    expect(history.daily.find((p: any) => p.start === beatDay)).toMatchObject({ casesOpen: 42 });
    expect(history.daily.at(-1).heartbeats).toBe(0);
  });
});
