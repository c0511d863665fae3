/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * The appliance core against the real control plane, over HTTP: setup (enroll, first admin), users
 * up to the plan limit, usage, heartbeats through an outage delivered once each, licenses that
 * cannot be raised by editing files, and sessions that do not cross cabinets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, metricValue, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, freePort, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cpDir: string;
let cpPort: number;
let cp: TestControlPlane;
let vendorToken: string;
let dupontDir: string;
let dupont: TestAppliance;
let admin: Browser;

async function newCabinet(id: string, plan: string): Promise<string> {
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', id, '--name', `Cabinet ${id}`, '--plan', plan, '--json']);
  expect(created.code, created.stderr).toBe(0);
  return created.json.enrollmentCode as string;
}

async function setUp(dir: string, id: string, plan: string): Promise<{ appliance: TestAppliance; admin: Browser }> {
  const code = await newCabinet(id, plan);
  const appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: id });
  const browser = new Browser(appliance.url);
  const enrolled = await browser.call('POST', '/api/setup/enroll', { code });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  const first = await browser.call('POST', '/api/setup/admin', { email: `admin@${id}.fr`, name: 'Admin', password: PASSWORD });
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  expect((await browser.login(`admin@${id}.fr`, PASSWORD)).status).toBe(200);
  return { appliance, admin: browser };
}

beforeAll(async () => {
  cpDir = tempDir('cp-');
  cpPort = await freePort();
  cp = await startControlPlane(cpDir, { PORT: String(cpPort) });
  vendorToken = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  dupontDir = tempDir('dupont-');
  ({ appliance: dupont, admin } = await setUp(dupontDir, 'dupont', 'starter'));
}, 120_000);

afterAll(async () => {
  await dupont?.stop();
  await cp?.stop();
});

describe('setup', () => {
  it('fences everything but setup until the appliance is enrolled and has an admin', async () => {
    const dir = tempDir('fresh-');
    const fresh = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url });
    try {
      const browser = new Browser(fresh.url);
      const status = await browser.call('GET', '/api/setup/status');
      expect(status.body).toMatchObject({ done: false, enrolled: false, hasAdmin: false });
      expect(status.body.heartbeatFields.map((f: any) => f.field)).toContain('usage.analysesUsed, usage.analysesOverage');
      const cases = await browser.call('GET', '/api/license');
      expect(cases.status).toBe(503);
      expect(cases.body.error).toBe('setup_required');
      expect((await browser.call('GET', '/healthz')).body).toMatchObject({ ok: true, status: 'setup' });
      const bad = await browser.call('POST', '/api/setup/enroll', { code: 'NOPE-NOPE-NOPE' });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toBe('enrollment_refused');
    } finally {
      await fresh.stop();
    }
  });

  it('creates the first admin once only', async () => {
    const again = await new Browser(dupont.url).call('POST', '/api/setup/admin', { email: 'intruder@x.fr', name: 'X', password: PASSWORD });
    expect(again.status).toBe(409);
  });
});

describe('users within the plan', () => {
  it('adds users up to the plan limit and refuses one more, naming the plan that allows more', async () => {
    for (const n of [1, 2]) {
      const created = await admin.call('POST', '/api/users', {
        email: `avocat${n}@dupont.fr`,
        name: `Avocat ${n}`,
        role: 'avocat',
        password: PASSWORD,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const refused = await admin.call('POST', '/api/users', {
      email: 'avocat3@dupont.fr',
      name: 'Avocat 3',
      role: 'avocat',
      password: PASSWORD,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('plan_limit');
    expect(refused.body.message).toBe(
      'the starter plan allows 3 active users and all are in use: the professional plan allows 10. Disable a user or ask your vendor to change plan',
    );
  });

  it('names the field at fault in a bad request', async () => {
    const bad = await admin.call('POST', '/api/users', { email: 'not-an-email', name: '', role: 'avocat', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      'email: must be an email address, e.g. marie.durand@cabinet.fr',
      'name: is required',
      'password: must be at least 12 characters',
    ]);
  });

  it('refuses a write without the CSRF token, and a role without the permission', async () => {
    const noCsrf = await admin.call(
      'POST',
      '/api/users',
      { email: 'x@dupont.fr', name: 'X', role: 'avocat', password: PASSWORD },
      { 'x-csrf-token': 'forged' },
    );
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error).toBe('csrf_failed');
    const lawyer = new Browser(dupont.url);
    expect((await lawyer.login('avocat1@dupont.fr', PASSWORD)).status).toBe(200);
    const denied = await lawyer.call('GET', '/api/users');
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('forbidden');
  });

  it('locks an account after repeated wrong passwords', async () => {
    const guesser = new Browser(dupont.url);
    for (let i = 0; i < 5; i++) expect((await guesser.login('avocat2@dupont.fr', `wrong password ${i}`)).status).toBe(401);
    const locked = await guesser.login('avocat2@dupont.fr', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('ends the sessions of a disabled user at once', async () => {
    const lawyer = new Browser(dupont.url);
    expect((await lawyer.login('avocat1@dupont.fr', PASSWORD)).status).toBe(200);
    expect((await lawyer.call('GET', '/api/auth/me')).status).toBe(200);
    const users = (await admin.call('GET', '/api/users')).body.users as any[];
    const id = users.find((u) => u.email === 'avocat1@dupont.fr').id;
    expect((await admin.call('PATCH', `/api/users/${id}`, { active: false })).status).toBe(200);
    expect((await lawyer.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await admin.call('PATCH', `/api/users/${id}`, { active: true })).status).toBe(200);
  });

  it('accepts a personal API token for scripts, without CSRF', async () => {
    const created = await runApplianceCli(dupontDir, ['token', 'create', '--email', 'admin@dupont.fr', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const res = await fetch(`${dupont.url}/api/billing/usage`, { headers: { authorization: `Bearer ${created.json.token}` } });
    expect(res.status).toBe(200);
    const forged = await fetch(`${dupont.url}/api/billing/usage`, {
      headers: { authorization: 'Bearer iam_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(forged.status).toBe(401);
  });
});

describe('usage and heartbeats', () => {
  it('reports usage with the seed fields', async () => {
    const usage = await admin.call('GET', '/api/billing/usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({
      client_id: 'dupont',
      plan: 'starter',
      analyses_used: 0,
      analyses_limit: 100,
      users_active: 3,
      users_limit: 3,
      overage_fees: 0,
      total_due: 99,
      billing_cycle: 'monthly',
    });
    expect(usage.body.month).toMatch(/^\d{4}-\d{2}$/);
    expect(usage.body.next_billing).toMatch(/^\d{4}-\d{2}-01$/);
  });

  it('delivers a heartbeat with the right counters', async () => {
    const sent = await runApplianceCli(dupontDir, ['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.json).toMatchObject({ delivered: 1, queued: 0, error: null });
    const fleet = await api(cp.url, vendorToken, 'GET', '/api/v1/fleet');
    const entry =
      fleet.body.appliances?.find?.((a: any) => a.cabinetId === 'dupont') ?? fleet.body.fleet?.find?.((a: any) => a.cabinetId === 'dupont');
    expect(entry.usage).toMatchObject({ usersActive: 3, casesOpen: 0, analysesUsed: 0 });
  });

  it('keeps working while the control plane is down, queues heartbeats, and delivers each once when it is back', async () => {
    const acceptedBefore = metricValue((await api(cp.url, undefined, 'GET', '/metrics')).body, 'controlplane_heartbeats_accepted_total');
    await cp.stop();
    for (let i = 0; i < 3; i++) {
      const failed = await runApplianceCli(dupontDir, ['heartbeat', '--json']);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(/queued, not delivered: cannot reach the control plane/);
    }
    // The lawyers notice nothing.
    expect((await admin.call('GET', '/api/auth/me')).status).toBe(200);
    expect((await admin.call('GET', '/api/admin/heartbeat')).body).toMatchObject({ queued: 3 });

    cp = await startControlPlane(cpDir, { PORT: String(cpPort) });
    const sent = await runApplianceCli(dupontDir, ['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.json).toMatchObject({ delivered: 4, queued: 0, error: null });
    const metrics = (await api(cp.url, undefined, 'GET', '/metrics')).body as string;
    // A restarted control plane counts from zero: exactly the four queued-then-sent heartbeats.
    expect(metricValue(metrics, 'controlplane_heartbeats_accepted_total')).toBe(4);
    expect(acceptedBefore).toBeGreaterThanOrEqual(1);
    const status = (await admin.call('GET', '/api/admin/heartbeat')).body;
    expect(status).toMatchObject({ queued: 0, lastError: null });
    // Protocol v2: v1's fields, the license in use and the audit chain's head (SPEC "Additions").
    expect(Object.keys(status.lastPayload).sort()).toEqual([
      'audit',
      'health',
      'iat',
      'iss',
      'licenseId',
      'month',
      'seq',
      'sub',
      'usage',
      'v',
    ]);
    expect(status.lastPayload).toMatchObject({
      v: 2,
      audit: { head: expect.stringMatching(/^[0-9a-f]{64}$/), length: expect.any(Number) },
      health: { lastOffsiteBackupAt: null },
    });
  });

  it('installs the new license a plan change brings, on the next heartbeat', async () => {
    const updated = await runCli(cpDir, ['cabinet', 'update', 'dupont', '--plan', 'professional', '--json']);
    expect(updated.code, updated.stderr).toBe(0);
    expect((await runApplianceCli(dupontDir, ['heartbeat', '--json'])).code).toBe(0);
    const license = await admin.call('GET', '/api/license');
    expect(license.body).toMatchObject({ plan: 'professional', state: 'valid' });
    expect(license.body.limits.maxUsers).toBe(10);
  });

  it('exports a month of usage as a signed heartbeat for air-gapped cabinets', async () => {
    const out = path.join(dupontDir, '..', 'usage-dupont.jws');
    const month = new Date().toISOString().slice(0, 7);
    const res = await runApplianceCli(dupontDir, ['usage', 'export', '--month', month, '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const bad = await runApplianceCli(dupontDir, ['usage', 'export', '--month', '2026-13', '--out', out]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--month: must be a month as YYYY-MM');
  });
});

describe('isolation and tampering', () => {
  it("refuses a session cookie from another cabinet's appliance", async () => {
    const martinDir = tempDir('martin-');
    const { appliance: martin, admin: martinAdmin } = await setUp(martinDir, 'martin', 'starter');
    try {
      const stolen = new Browser(martin.url);
      stolen.cookie = admin.cookie;
      const me = await stolen.call('GET', '/api/auth/me');
      expect(me.status).toBe(401);
      expect((await martinAdmin.call('GET', '/api/auth/me')).status).toBe(200);
    } finally {
      await martin.stop();
    }
  });

  it('ignores an environment value that would raise a limit, and reports it', async () => {
    await dupont.stop();
    dupont = await startAppliance(dupontDir, {
      CONTROL_PLANE_URL: cp.url,
      CLIENT_ID: 'dupont',
      MAX_USERS: '500',
      SUBSCRIPTION_PLAN: 'enterprise',
    });
    admin.url = dupont.url;
    const license = await admin.call('GET', '/api/license');
    expect(license.body.limits.maxUsers).toBe(10);
    expect(license.body.warnings).toContain("MAX_USERS=500 is above the license's 10: ignored (limits come from the signed license)");
    const doctor = await runApplianceCli(dupontDir, ['doctor', '--json']);
    expect(doctor.json.checks.some((c: any) => c.detail.includes('MAX_USERS=500'))).toBe(true);
  });

  it('grants nothing from a license file edited to raise a limit, and keeps data readable', async () => {
    await dupont.stop();
    const file = path.join(dupontDir, 'license.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    const [h, p, s] = stored.license.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    claims.limits.maxUsers = 500;
    stored.license = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    fs.writeFileSync(file, JSON.stringify(stored));
    dupont = await startAppliance(dupontDir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'dupont' });
    expect(dupont.service.output()).toContain('license: the stored license does not verify');
    admin.url = dupont.url;
    const license = await admin.call('GET', '/api/license');
    expect(license.body).toMatchObject({ state: 'invalid', limits: null });
    const create = await admin.call('POST', '/api/users', { email: 'extra@dupont.fr', name: 'Extra', role: 'juriste', password: PASSWORD });
    expect(create.status).toBe(403);
    expect(create.body.error).toBe('license_invalid');
    // Existing data stays reachable.
    expect((await admin.call('GET', '/api/users')).body.users).toHaveLength(3);
  });
});
