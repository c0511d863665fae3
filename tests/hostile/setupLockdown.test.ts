/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Setup reopened on a hostile LAN: once the appliance has an admin, a license that stops verifying
 * (an edited license.json, a changed pin) or a license file emptied must not let anyone on the LAN
 * enroll it again, import their own license, or make it call a URL of their choosing — and the
 * anonymous setup status must no longer describe the cabinet. The admin can still repair it.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let dir: string;
let appliance: TestAppliance;
let genuine: { license: string };
/** A server standing for the attacker's "control plane": it records every request the appliance makes to it. */
let trap: http.Server;
let trapUrl: string;
const trapped: string[] = [];

const licensePath = () => path.join(dir, 'license.json');
const keyPath = () => path.join(dir, 'appliance-key.pem');
/** What an anonymous attack may not change: the license file and the appliance's key. */
const onDisk = () => ({ license: fs.readFileSync(licensePath(), 'utf8'), key: fs.readFileSync(keyPath(), 'utf8') });

async function newCode(): Promise<string> {
  const code = await runCli(cp.dataDir, ['cabinet', 'code', 'lockdown', '--json']);
  expect(code.code).toBe(0);
  return code.json.enrollmentCode as string;
}

async function restart(): Promise<void> {
  await appliance.stop();
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'lockdown' });
}

async function loggedIn(email: string): Promise<Browser> {
  const b = new Browser(appliance.url);
  expect((await b.login(email, PASSWORD)).status).toBe(200);
  return b;
}

/** Every anonymous way into setup, over the API and the wizard's forms, with a fresh code and the attacker's URL. */
async function anonymousAttempts(): Promise<Array<[string, number, string]>> {
  const anon = new Browser(appliance.url);
  const forged = JSON.stringify({ license: `${genuine.license.slice(0, -4)}AAAA` });
  const enroll = await anon.call('POST', '/api/setup/enroll', { code: await newCode(), controlPlaneUrl: trapUrl });
  const license = await anon.call('POST', '/api/setup/license', undefined, { 'content-type': 'application/json' });
  const licenseBody = await fetch(`${appliance.url}/api/setup/license`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: forged,
  });
  const form = (route: string, fields: Record<string, string>) =>
    fetch(`${appliance.url}${route}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': `iam_form=${'A'.repeat(24)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'A'.repeat(24), ...fields }).toString(),
    });
  const page = await form('/setup/enroll', { code: await newCode(), controlPlaneUrl: trapUrl });
  const pageLicense = await form('/setup/license', { license: forged });
  return [
    ['POST /api/setup/enroll', enroll.status, enroll.body.error],
    ['POST /api/setup/license (empty)', license.status, license.body.error],
    ['POST /api/setup/license', licenseBody.status, ((await licenseBody.json()) as any).error],
    ['POST /setup/enroll', page.status, page.headers.get('location') ?? ''],
    ['POST /setup/license', pageLicense.status, pageLicense.headers.get('location') ?? ''],
  ];
}

beforeAll(async () => {
  trap = http.createServer((req, res) => {
    trapped.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as { port: number }).port}`;
  cp = await startControlPlane(tempDir('cp-lockdown-'));
  const created = await runCli(cp.dataDir, [
    'cabinet',
    'create',
    '--id',
    'lockdown',
    '--name',
    'Cabinet Lockdown',
    '--plan',
    'professional',
    '--json',
  ]);
  dir = tempDir('lockdown-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'lockdown' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@lockdown.fr', name: 'Admin', password: PASSWORD })).status).toBe(
    201,
  );
  const admin = await loggedIn('admin@lockdown.fr');
  expect(
    (await admin.call('POST', '/api/users', { email: 'avocat@lockdown.fr', name: 'Avocat', role: 'avocat', password: PASSWORD })).status,
  ).toBe(201);
  genuine = { license: JSON.parse(fs.readFileSync(licensePath(), 'utf8')).license };
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
  await new Promise((resolve) => trap?.close(resolve));
});

describe('the setup status once set up', () => {
  it('tells a visitor only that setup is done: no cabinet, control plane, enrollment or certificate facts', async () => {
    const anon = await new Browser(appliance.url).call('GET', '/api/setup/status');
    expect(anon.body).toEqual({ done: true, hasAdmin: true });
    const lawyer = await (await loggedIn('avocat@lockdown.fr')).call('GET', '/api/setup/status');
    expect(lawyer.body).toEqual({ done: true, hasAdmin: true });
    const admin = await (await loggedIn('admin@lockdown.fr')).call('GET', '/api/setup/status');
    expect(admin.body).toMatchObject({ done: true, enrolled: true, cabinetId: 'lockdown', controlPlaneUrl: cp.url });
  });
});

describe('setup with a license that no longer verifies', () => {
  it('refuses every anonymous enrollment and license import, calls no URL, and changes nothing on disk', async () => {
    // The stored license's signature broken (an edited file): it grants nothing after the restart.
    const stored = JSON.parse(fs.readFileSync(licensePath(), 'utf8'));
    fs.writeFileSync(licensePath(), JSON.stringify({ ...stored, license: `${stored.license.slice(0, -4)}AAAA` }));
    await restart();
    const admin = await loggedIn('admin@lockdown.fr');
    expect((await admin.call('GET', '/api/license')).body.state).toBe('invalid');

    const before = onDisk();
    expect(await anonymousAttempts()).toEqual([
      ['POST /api/setup/enroll', 401, 'setup_locked'],
      ['POST /api/setup/license (empty)', 401, 'setup_locked'],
      ['POST /api/setup/license', 401, 'setup_locked'],
      // The wizard is closed for good once set up: its forms send the visitor home, doing nothing.
      ['POST /setup/enroll', 302, '/'],
      ['POST /setup/license', 302, '/'],
    ]);
    const lawyer = await loggedIn('avocat@lockdown.fr');
    const byLawyer = await lawyer.call('POST', '/api/setup/enroll', { code: await newCode(), controlPlaneUrl: trapUrl });
    expect([byLawyer.status, byLawyer.body.error]).toEqual([403, 'forbidden']);
    expect(onDisk()).toEqual(before);
    expect(trapped).toEqual([]);
  });

  it('lets the admin re-import the genuine license (session and CSRF token), and audits it', async () => {
    const admin = await loggedIn('admin@lockdown.fr');
    const withoutCsrf = await fetch(`${appliance.url}/api/setup/license`, {
      method: 'POST',
      headers: { 'cookie': admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(genuine),
    });
    expect([withoutCsrf.status, ((await withoutCsrf.json()) as any).error]).toEqual([403, 'csrf_failed']);
    const imported = await fetch(`${appliance.url}/api/setup/license`, {
      method: 'POST',
      headers: { 'cookie': admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(genuine),
    });
    expect(imported.status).toBe(201);
    expect(((await imported.json()) as any).license.state).toBe('valid');
    const audit = (await admin.call('GET', '/api/audit')).body.entries as Array<{ actor: string; action: string }>;
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'admin@lockdown.fr', action: 'license.import' }));
  });
});

describe("the admin page's license import", () => {
  it("takes the vendor's file from an admin, with the session's CSRF token in the form, and audits it", async () => {
    const admin = await loggedIn('admin@lockdown.fr');
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      fetch(`${appliance.url}/admin/licence`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    const before = fs.readFileSync(licensePath(), 'utf8');
    expect((await post({}, { license: JSON.stringify(genuine) })).status).toBe(401);
    expect((await post({ cookie: admin.cookie }, { license: JSON.stringify(genuine) })).status).toBe(403);
    const lawyer = await loggedIn('avocat@lockdown.fr');
    expect((await post({ cookie: lawyer.cookie }, { _csrf: lawyer.csrf, license: JSON.stringify(genuine) })).status).toBe(403);
    expect(fs.readFileSync(licensePath(), 'utf8')).toBe(before);
    const imported = await post({ cookie: admin.cookie }, { _csrf: admin.csrf, license: JSON.stringify(genuine) });
    expect([imported.status, imported.headers.get('location')]).toEqual([303, '/admin/licence']);
    const entries = (await admin.call('GET', '/api/audit')).body.entries as Array<{ action: string }>;
    expect(entries.filter((e) => e.action === 'license.import')).toHaveLength(2);
  });
});

describe('setup with the license file emptied', () => {
  it('keeps the wizard for the admin only: a visitor is sent to log in, the admin logs in and enrolls again', async () => {
    fs.writeFileSync(
      licensePath(),
      JSON.stringify({
        applianceId: null,
        cabinetId: null,
        issuer: null,
        license: null,
        vendorKeys: null,
        heartbeatIntervalSeconds: 900,
        installedAt: null,
      }),
    );
    await restart();
    const before = fs.readFileSync(licensePath(), 'utf8');
    const anon = new Browser(appliance.url);
    expect(await anon.call('GET', '/api/setup/status')).toMatchObject({ body: { done: false, hasAdmin: true } });
    const enroll = await anon.call('POST', '/api/setup/enroll', { code: await newCode(), controlPlaneUrl: trapUrl });
    expect([enroll.status, enroll.body.error]).toEqual([401, 'setup_locked']);
    const page = await fetch(`${appliance.url}/setup`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect([page.status, page.headers.get('location')]).toEqual([302, '/connexion?next=%2Fsetup']);
    const form = await fetch(`${appliance.url}/setup/enroll`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': `iam_form=${'A'.repeat(24)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'A'.repeat(24), code: await newCode(), controlPlaneUrl: trapUrl }).toString(),
    });
    expect(form.status).toBe(401);
    expect(fs.readFileSync(licensePath(), 'utf8')).toBe(before);
    expect(trapped).toEqual([]);

    // The admin can still log in while the fence is up, and enroll again with a new code — with
    // the configured control plane only: a stolen admin session cannot aim the appliance elsewhere.
    const admin = await loggedIn('admin@lockdown.fr');
    const elsewhere = await admin.call('POST', '/api/setup/enroll', { code: await newCode(), controlPlaneUrl: trapUrl });
    expect([elsewhere.status, elsewhere.body.message]).toEqual([
      400,
      'controlPlaneUrl: once set up, the appliance enrolls with its configured control plane (CONTROL_PLANE_URL) only: leave it out, or run `appliance enroll --code CODE --control-plane URL` on the machine',
    ]);
    expect(trapped).toEqual([]);
    const again = await admin.call('POST', '/api/setup/enroll', { code: await newCode() });
    expect(again.status).toBe(201);
    expect(again.body.license.state).toBe('valid');
    expect((await anon.call('GET', '/api/setup/status')).body).toEqual({ done: true, hasAdmin: true });
  });
});
