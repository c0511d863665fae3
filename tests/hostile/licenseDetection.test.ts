/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Limits raised by editing `.env` and `license.json` together: the machine's owner adds a key of
 * their own to VENDOR_KEY_PINS and writes a license it signed, with a later `iat` and 100 000
 * users. Offline this cannot be prevented; it is detected and undone at the next contact:
 *
 * - every v2 heartbeat names the license it runs under (`licenseId`); the control plane sees one it
 *   never issued and shows `license_mismatch` (critical) on the fleet, the alerts and the
 *   cabinet's page;
 * - the license in the control plane's answer replaces the forged one although the forged one is
 *   newer — a renewal, and a suspension, are never refused because of a self-made license.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwksSchema, keyThumbprints, type LicenseClaims } from '@iamanager/protocol';
import {
  api,
  createAdminToken,
  databaseRows,
  onPostgres,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';
import { testKey } from '../support/keys.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let cpDir: string;
let vendor: string;
let vendorPins: string[];
let dir: string;
let appliance: TestAppliance;
let admin: Browser;

const claimsOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as LicenseClaims;
const licenseFile = () => path.join(dir, 'license.json');

async function restart(env: Record<string, string>): Promise<void> {
  await appliance.stop();
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'forge', ...env });
  admin.url = appliance.url;
  await admin.login('admin@forge.fr', PASSWORD);
}

/**
 * The forgery: a key of one's own, kept in license.json beside the vendor's and pinned with them,
 * and a license it signed — the genuine claims with 100 000 users, a new id and a later `iat`.
 * Returns the forged license's id; the appliance is restarted on it.
 */
async function forge(options: { underVendorKid?: boolean } = {}): Promise<string> {
  const stored = JSON.parse(fs.readFileSync(licenseFile(), 'utf8'));
  const genuine = claimsOf(stored.license);
  const { key: attacker, jwk, kid: own } = await testKey();
  // Beside the vendor's key under a kid of its own, or in its place under the vendor's kid.
  const kid = options.underVendorKid ? (stored.vendorKeys.keys[0].kid as string) : own;
  const jti = `forged-${genuine.iat}`;
  const license = await new SignJWT({ ...genuine, jti, iat: genuine.iat + 60, limits: { ...genuine.limits, maxUsers: 100_000 } })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'license+jwt', kid })
    .sign(attacker.privateKey);
  const keys = options.underVendorKid ? [{ ...jwk, kid }] : [...stored.vendorKeys.keys, { ...jwk, kid }];
  fs.writeFileSync(licenseFile(), JSON.stringify({ ...stored, license, vendorKeys: { keys } }));
  await restart({ VENDOR_KEY_PINS: [...vendorPins, own].join(',') });
  const status = (await admin.call('GET', '/api/license')).body;
  // The premise: offline, the forged license is in force.
  expect(status).toMatchObject({ state: 'valid', limits: { maxUsers: 100_000 } });
  return jti;
}

const fleetEntry = async () =>
  (await api(cp.url, vendor, 'GET', '/api/v1/fleet')).body.appliances.find((a: any) => a.cabinetId === 'forge');

async function alertsRaising(code: string): Promise<any[]> {
  // The fleet check runs every second (FLEET_CHECK_INTERVAL_SECONDS): wait for the alert it records.
  for (;;) {
    const alerts = (await api(cp.url, vendor, 'GET', '/api/v1/alerts?cabinetId=forge')).body.alerts as any[];
    if (alerts.some((a) => a.raised.includes(code))) return alerts;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A dashboard page as a logged-in vendor admin sees it. */
async function dashboardPage(route: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0]!.split('=') as [string, string];
      cookies.set(name, value);
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${cp.url}/connexion`);
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const login = await fetch(`${cp.url}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: 'vendor@iamanager.fr', password: PASSWORD }).toString(),
  });
  keep(login);
  return (await fetch(`${cp.url}${route}`, { headers: { cookie: cookie() } })).text();
}

beforeAll(async () => {
  cpDir = tempDir('cp-forge-');
  cp = await startControlPlane(cpDir, { FLEET_CHECK_INTERVAL_SECONDS: '1' });
  vendor = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  vendorPins = await keyThumbprints(jwksSchema.parse((await api(cp.url, undefined, 'GET', '/v1/keys')).body));
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'forge', '--name', 'Cabinet Forge', '--plan', 'starter', '--json']);
  dir = tempDir('forge-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'forge', VENDOR_KEY_PINS: vendorPins.join(',') });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@forge.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@forge.fr', PASSWORD);
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('a license forged with a key of one’s own, pinned', () => {
  it('is not flagged while the appliance runs the license issued to it', async () => {
    expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    const entry = await fleetEntry();
    expect(entry.reasons.map((r: any) => r.code)).not.toContain('license_mismatch');
  });

  it('is named by the next heartbeat, flagged license_mismatch (critical), and replaced by the vendor’s license although it is newer', async () => {
    const applianceId = (await fleetEntry()).applianceId as string;
    // The license the vendor issued, as the control plane keeps it: the appliance's file, or its row.
    const record = onPostgres()
      ? (await databaseRows<{ record: any }>(cpDir, 'SELECT record FROM appliances WHERE id = $1', [applianceId]))[0]!.record
      : JSON.parse(fs.readFileSync(path.join(cpDir, 'appliances', `${applianceId}.json`), 'utf8'));
    const issued = claimsOf(record.license.jws);
    const forged = await forge();
    const sent = await runApplianceCli(dir, ['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const entry = await fleetEntry();
    expect(entry.status).toBe('critical');
    expect(entry.reasons).toContainEqual(
      expect.objectContaining({
        code: 'license_mismatch',
        level: 'critical',
        value: 'unknown_license',
        message: expect.stringContaining(`runs license "${forged}", which the control plane never issued to it`),
      }),
    );
    // The answer carried the vendor's license: it is in force again, the forged one gone.
    const status = (await admin.call('GET', '/api/license')).body;
    expect(status.limits.maxUsers).toBe(issued.limits.maxUsers);
    expect(claimsOf(JSON.parse(fs.readFileSync(licenseFile(), 'utf8')).license).jti).not.toBe(forged);
    expect(appliance.service.output()).toContain("the control plane's replaces it");
  });

  it('raises an alert, and shows on the fleet page and the cabinet’s page', async () => {
    const alerts = await alertsRaising('license_mismatch');
    expect(alerts.find((a) => a.raised.includes('license_mismatch'))).toMatchObject({
      to: 'critical',
      reasons: expect.arrayContaining([expect.objectContaining({ code: 'license_mismatch' })]),
    });
    // Held after the next, clean heartbeat: the forger cannot clear it by letting the vendor's license back in.
    expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    expect((await fleetEntry()).reasons.map((r: any) => r.code)).toContain('license_mismatch');
    expect(await dashboardPage('/')).toContain('Licence non conforme');
    expect(await dashboardPage('/cabinets/forge')).toContain('Licence non conforme');
  });

  it('is replaced too when the forged key took the vendor key’s place under its kid', async () => {
    const forged = await forge({ underVendorKid: true });
    expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    const installed = claimsOf(JSON.parse(fs.readFileSync(licenseFile(), 'utf8')).license);
    expect(installed.jti).not.toBe(forged);
    expect((await admin.call('GET', '/api/license')).body.limits.maxUsers).toBe(installed.limits.maxUsers);
    expect(installed.limits.maxUsers).not.toBe(100_000);
  });

  it('never makes the appliance refuse a suspension from the vendor', async () => {
    await forge();
    expect((await runCli(cpDir, ['cabinet', 'update', 'forge', '--status', 'suspended'])).code).toBe(0);
    const sent = await runApplianceCli(dir, ['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    // The suspension license expires at once (its grace period follows), on the vendor's terms.
    const status = (await admin.call('GET', '/api/license')).body;
    expect(Date.parse(status.expiresAt)).toBeLessThanOrEqual(Date.now());
    expect(status.limits.maxUsers).not.toBe(100_000);
  });
});
