/**
 * Vendor key pins across a rotation, with real processes: appliances pinned to the vendor's keys
 * (VENDOR_KEY_PINS) and one without pins, a control plane that rotates its signing key, renewals
 * signed with the new key. Then enrollments against a control plane publishing two keys.
 *
 * The tests run in order: the second one enrolls after the first one's rotation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyThumbprints, type Jwks } from '@iamanager/protocol';
import { api, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

let cp: TestControlPlane;
let pinA: string;
const running: TestAppliance[] = [];

async function cabinet(id: string): Promise<string> {
  const created = await runCli(cp.dataDir, ['cabinet', 'create', '--id', id, '--name', `Cabinet ${id}`, '--plan', 'starter', '--json']);
  expect(created.code, created.stderr).toBe(0);
  return created.json.enrollmentCode;
}

async function start(id: string, pins: string | undefined, dir = tempDir(`pins-${id}-`)): Promise<TestAppliance> {
  const appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: id, ...(pins ? { VENDOR_KEY_PINS: pins } : {}) });
  running.push(appliance);
  return appliance;
}

async function stop(appliance: TestAppliance): Promise<void> {
  running.splice(running.indexOf(appliance), 1);
  await appliance.stop();
}

const enroll = (appliance: TestAppliance, code: string) => new Browser(appliance.url).call('POST', '/api/setup/enroll', { code });
const heldKids = (appliance: TestAppliance): string[] =>
  JSON.parse(fs.readFileSync(path.join(appliance.dataDir, 'license.json'), 'utf8')).vendorKeys.keys.map((k: { kid: string }) => k.kid);
const licenseOf = async (appliance: TestAppliance) => (await runApplianceCli(appliance.dataDir, ['license', 'show', '--json'])).json;

async function heartbeat(appliance: TestAppliance): Promise<void> {
  const sent = await runApplianceCli(appliance.dataDir, ['heartbeat', '--json']);
  expect(sent.code, sent.stderr).toBe(0);
}

beforeAll(async () => {
  cp = await startControlPlane(tempDir('cp-pins-'));
  [pinA] = await keyThumbprints((await api(cp.url, undefined, 'GET', '/v1/keys')).body as Jwks);
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await cp?.stop();
});

describe('vendor key pins and rotation', () => {
  it('follows a rotation once the cabinet has the new pins: the new key is learnt from /v1/keys, and only then', async () => {
    let pinned = await start('rot-pinned', pinA);
    const unpinned = await start('rot-open', undefined);
    for (const [appliance, id] of [
      [pinned, 'rot-pinned'],
      [unpinned, 'rot-open'],
    ] as const)
      expect((await enroll(appliance, await cabinet(id))).status).toBe(201);
    expect(heldKids(pinned)).toEqual([pinA]);

    const rotated = await runCli(cp.dataDir, ['keys', 'rotate', '--json']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const pinB: string = rotated.json.kid;
    expect(rotated.json.vendorKeyPins).toEqual([pinA, pinB]);
    // A plan change: the next heartbeat answers carry a license signed with the new key.
    for (const id of ['rot-pinned', 'rot-open'])
      expect((await runCli(cp.dataDir, ['cabinet', 'update', id, '--max-users', '7', '--json'])).code).toBe(0);

    // Pinned to the old key only: the renewal is refused as untrusted; the current license stays.
    await heartbeat(pinned);
    expect((await licenseOf(pinned)).limits.maxUsers).not.toBe(7);
    expect(pinned.service.output()).toContain('untrusted_vendor_key');
    expect(heldKids(pinned)).toEqual([pinA]);
    // Without pins nothing is learnt after enrollment (a network answer never changes what is
    // trusted): the renewal does not verify; such an appliance enrolls again after a rotation.
    await heartbeat(unpinned);
    expect((await licenseOf(unpinned)).limits.maxUsers).not.toBe(7);
    expect(unpinned.service.output()).toContain('bad_signature');

    // The cabinet puts the line `keys rotate` printed into its configuration and restarts.
    await stop(pinned);
    pinned = await start('rot-pinned', rotated.json.vendorKeyPins.join(','), pinned.dataDir);
    await heartbeat(pinned);
    const renewed = await licenseOf(pinned);
    expect({ state: renewed.state, maxUsers: renewed.limits.maxUsers, vendorKeysPinned: renewed.vendorKeysPinned }).toEqual({
      state: 'valid',
      maxUsers: 7,
      vendorKeysPinned: true,
    });
    expect(heldKids(pinned)).toEqual([pinA, pinB]);
    // And after a restart the renewed license still verifies with what was kept.
    await stop(pinned);
    pinned = await start('rot-pinned', rotated.json.vendorKeyPins.join(','), pinned.dataDir);
    expect((await licenseOf(pinned)).limits.maxUsers).toBe(7);
  }, 120_000);

  it('at enrollment keeps only the pinned keys, and refuses a license signed by a key not pinned', async () => {
    const published = (await api(cp.url, undefined, 'GET', '/v1/keys')).body as Jwks;
    const [oldPin, newPin] = await keyThumbprints(published);
    expect(published.keys).toHaveLength(2);

    const newOnly = await start('enr-new', newPin);
    expect((await enroll(newOnly, await cabinet('enr-new'))).status).toBe(201);
    expect(heldKids(newOnly)).toEqual([newPin]);
    expect(newOnly.service.output()).toContain('license: vendor keys not in VENDOR_KEY_PINS were not kept');

    // Pinned to the previous key only (a bundle from before the rotation): the license, signed
    // with the new key, is refused, and nothing is installed.
    const oldOnly = await start('enr-old', oldPin);
    const refused = await enroll(oldOnly, await cabinet('enr-old'));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('untrusted_vendor_key');
    expect(refused.body.message).toMatch(
      new RegExp(`^the license is signed by vendor key "${newPin}" \\(thumbprint ${newPin}\\), which is not in VENDOR_KEY_PINS: `),
    );
    expect((await new Browser(oldOnly.url).call('GET', '/api/setup/status')).body.enrolled).toBe(false);
    expect((await licenseOf(oldOnly)).state).toBe('unenrolled');
  }, 120_000);

  it('refuses, before the code is spent, a control plane none of whose keys is pinned', async () => {
    const code = await cabinet('enr-typo');
    // A pin that is well formed but no key's: a copy from another vendor, or a wrong URL.
    let appliance = await start('enr-typo', 'A'.repeat(42) + 'E');
    const refused = await enroll(appliance, code);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      error: 'untrusted_vendor_key',
      message: `none of the keys the control plane at ${cp.url} publishes is in VENDOR_KEY_PINS (the enrollment code was not used): check CONTROL_PLANE_URL and copy the VENDOR_KEY_PINS line of your install bundle's .env into the appliance configuration`,
    });
    // Pins set right, the same code still enrolls.
    await stop(appliance);
    appliance = await start(
      'enr-typo',
      (await keyThumbprints((await api(cp.url, undefined, 'GET', '/v1/keys')).body as Jwks)).join(','),
      appliance.dataDir,
    );
    expect((await enroll(appliance, code)).status).toBe(201);
    expect((await licenseOf(appliance)).state).toBe('valid');
  }, 120_000);
});
