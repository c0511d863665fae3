/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Issue 17 on the control plane: a cabinet with no off-site copy for 3 days is flagged. Real
 * signed heartbeats (v2 carries `health.lastOffsiteBackupAt`, v1 does not) against a control
 * plane whose clock is moved 4 days past the enrollments (CLOCK_OFFSET_SECONDS); the alert the
 * periodic check records is raised once and cleared by a fresh copy; the fleet page, the cabinet
 * page and the alerts page say it in French.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatPayload } from '@iamanager/protocol';
import { FakeAppliance, api, createAdminToken, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { waitFor } from '../support/waitFor.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 4 days after the enrollments: past the 72 h an appliance gets to make its first off-site copy. */
const OFFSET_SECONDS = 4 * 24 * 3600;
// The fake appliance runs 1.0.0: made the latest, so no version_behind sits beside the off-site reasons.
const ENV = { FLEET_CHECK_INTERVAL_SECONDS: '1', CHECKPOINT_INTERVAL_SECONDS: '1', LATEST_APPLIANCE_VERSION: '1.0.0' };
const PASSWORD = 'correct horse battery staple';

/** The control plane's "now" (the real clock moved by OFFSET_SECONDS), read when a heartbeat is signed. */
const cpNow = () => Date.now() + OFFSET_SECONDS * 1000;
const cpAgo = (ms: number) => new Date(cpNow() - ms).toISOString();

/** Logs in to the dashboard and keeps its cookies, enough to read pages. */
async function dashboard(base: string) {
  const cookies = new Map<string, string>();
  const request = async (method: string, path: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = {};
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      if (value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return { status: res.status, text: await res.text() };
  };
  const login = await request('GET', '/connexion');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1];
  if (!csrf) throw new Error(`no CSRF token on /connexion (status ${login.status})`);
  const posted = await request('POST', '/connexion', { _csrf: csrf, email: 'ops@vendor.test', password: PASSWORD });
  if (posted.status !== 303 && posted.status !== 302) throw new Error(`login failed with ${posted.status}`);
  return (path: string) => request('GET', path);
}

describe('fleet flag for a cabinet without an off-site copy (issue 17)', () => {
  const dataDir = `${tempDir('cp-offsite-')}/data`;
  let cp: TestControlPlane;
  let token: string;
  const appliances: Record<string, FakeAppliance> = {};

  const alertsOf = async (cabinetId: string) =>
    (await api(cp.url, token, 'GET', `/api/v1/alerts?cabinetId=${cabinetId}`)).body.alerts as any[];
  const entryOf = async (cabinetId: string) =>
    ((await api(cp.url, token, 'GET', '/api/v1/fleet?sort=cabinet')).body.appliances as any[]).find((a) => a.cabinetId === cabinetId);

  /** A heartbeat signed at the control plane's moved time; v2 unless `lastOffsiteBackupAt` is left out. */
  const beat = async (cabinetId: string, health: Record<string, unknown>, version: 1 | 2 = 2) => {
    const a = appliances[cabinetId]!;
    const now = cpNow();
    const base = a.payload({ iat: Math.floor(now / 1000), month: new Date(now).toISOString().slice(0, 7) });
    const jti = (JSON.parse(Buffer.from(a.license.split('.')[1]!, 'base64url').toString('utf8')) as { jti: string }).jti;
    const payload =
      version === 1
        ? { ...base, health: { ...base.health, ...health } }
        : // An empty audit log (64 zeros, length 0) on every beat: nothing for the audit anchors to hold against it.
          ({
            ...base,
            v: 2,
            licenseId: jti,
            audit: { head: '0'.repeat(64), length: 0 },
            health: { ...base.health, ...health },
          } as HeartbeatPayload);
    const res = await a.send(await a.sign(payload));
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    token = await createAdminToken(dataDir, 'ops@vendor.test');
    cp = await startControlPlane(dataDir, ENV);
    for (const id of ['dupont', 'martin', 'durand']) {
      const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan: 'professional' });
      appliances[id] = new FakeAppliance(cp.url);
      expect((await appliances[id].enroll(created.body.enrollmentCode)).status).toBe(201);
    }
    await cp.stop();
    // Same data, 4 days later: every appliance enrolled more than 72 h ago, silent since (offline).
    cp = await startControlPlane(dataDir, { ...ENV, CLOCK_OFFSET_SECONDS: String(OFFSET_SECONDS) });
    for (const a of Object.values(appliances)) a.url = cp.url;
    await waitFor(
      async () => (await api(cp.url, token, 'GET', '/api/v1/alerts?status=offline')).body.alerts as any[],
      (list) => list.length === 3,
      { what: 'the fleet check recording the three silent appliances offline' },
    );
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('flags an appliance whose last off-site copy is older than 3 days, once', async () => {
    // 72 h and one hour before the control plane's now: strictly older than 3 days.
    const old = cpAgo(3 * DAY + HOUR);
    await beat('dupont', { lastBackupAt: cpAgo(HOUR), lastOffsiteBackupAt: old });
    const raised = await waitFor(
      () => alertsOf('dupont'),
      (list) => list[0]?.to === 'warning',
      { what: "dupont's off-site alert" },
    );
    expect(raised[0]).toMatchObject({ from: 'offline', to: 'warning', raised: ['offsite_old'], cleared: ['offline'] });
    expect(raised[0].reasons).toEqual([
      expect.objectContaining({
        code: 'offsite_old',
        level: 'warning',
        message: `last off-site copy on ${old}, more than 72 h ago`,
        value: old,
      }),
    ]);
    // The flag holds since the copy turned 72 h old: the copy's time plus 72 h.
    expect(raised[0].reasons[0].since).toBe(new Date(Date.parse(old) + 3 * DAY).toISOString());
    expect((await entryOf('dupont')).status).toBe('warning');

    // The same old copy reported again is no news. The check that records durand's low disk
    // (sent after it) has seen dupont's repeat too, so waiting for it is waiting for that check.
    await beat('dupont', { lastBackupAt: cpAgo(HOUR), lastOffsiteBackupAt: old });
    await beat('durand', { lastBackupAt: cpAgo(HOUR), diskFreeRatio: 0.1 }, 1);
    await waitFor(
      () => alertsOf('durand'),
      (list) => list[0]?.raised.includes('disk_low'),
      { what: "durand's low-disk alert" },
    );
    expect((await alertsOf('dupont')).filter((a) => a.raised.includes('offsite_old'))).toHaveLength(1);
  });

  it('flags an appliance that reports no off-site copy at all while its backups run', async () => {
    await beat('martin', { lastBackupAt: cpAgo(HOUR), lastOffsiteBackupAt: null });
    const raised = await waitFor(
      () => alertsOf('martin'),
      (list) => list[0]?.to === 'warning',
      { what: "martin's off-site alert" },
    );
    expect(raised[0]).toMatchObject({ to: 'warning', raised: ['offsite_never'] });
    expect(raised[0].reasons[0].message).toBe('no off-site copy reported while backups run, enrolled more than 72 h ago');
  });

  it('never flags an appliance sending v1 heartbeats: they carry no off-site field', async () => {
    const durand = await entryOf('durand');
    expect('lastOffsiteBackupAt' in durand.health).toBe(false);
    expect(durand.reasons.map((r: any) => r.code)).toEqual(['disk_low']);
  });

  it('shows the flag on the fleet page, the cabinet page and the alerts page', async () => {
    const page = await dashboard(cp.url);
    const fleet = await page('/?sort=cabinet');
    expect(fleet.status).toBe(200);
    expect(fleet.text).toContain('Dernière copie hors site le');
    expect(fleet.text).toContain('(plus de 3 jours)');
    expect(fleet.text).toContain('Aucune copie hors site alors que les sauvegardes tournent');
    const martin = await page('/cabinets/martin');
    expect(martin.text).toContain('Aucune copie hors site alors que les sauvegardes tournent');
    expect(martin.text).toContain('hors site : aucune copie');
    const dupont = await page('/cabinets/dupont');
    expect(dupont.text).toContain('Dernière copie hors site le');
    expect(dupont.text).toContain('hors site : il y a 3 j');
    // A v1 appliance says nothing of off-site copies: the cabinet page does not invent one.
    expect((await page('/cabinets/durand')).text).not.toContain('hors site');
    const alerts = await page('/alertes');
    expect(alerts.text).toContain('apparu : copie hors site ancienne');
    expect(alerts.text).toContain('apparu : aucune copie hors site');
  });

  it('clears the flag when a fresh off-site copy is reported', async () => {
    await beat('dupont', { lastBackupAt: cpAgo(HOUR), lastOffsiteBackupAt: cpAgo(HOUR) });
    const cleared = await waitFor(
      () => alertsOf('dupont'),
      (list) => list[0]?.to === 'healthy',
      { what: "dupont's off-site alert clearing" },
    );
    expect(cleared[0]).toMatchObject({ from: 'warning', to: 'healthy', raised: [], cleared: ['offsite_old'], reasons: [] });
    await beat('martin', { lastBackupAt: cpAgo(HOUR), lastOffsiteBackupAt: cpAgo(HOUR) });
    await waitFor(
      () => alertsOf('martin'),
      (list) => list[0]?.cleared.includes('offsite_never'),
      { what: "martin's off-site alert clearing" },
    );
    expect((await entryOf('martin')).status).toBe('healthy');
  });
});
