import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyThumbprints, type Jwks } from '@iamanager/protocol';
import { APPLIANCE_MAIN } from '../support/appliance.js';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { commandOnPath, runBlocks, shBlocks } from '../support/docCommands.js';
import { ownCertificate } from '../support/keys.js';

/**
 * docs/appliance.md promises its `sh` blocks work as written: run them, in order, against a
 * control plane of the test's own. The air-gapped enrollment is the one pause: between writing the
 * request and importing the answer the vendor posts the request to its control plane, which the
 * test does as the vendor would; and each enrollment spends a code of its own.
 */
const blocks = shBlocks('docs/appliance.md');
const OFFLINE_REQUEST = blocks.findIndex((b) => b.includes('--offline --out enrollment-request.json'));
const LICENSE_IMPORT = blocks.findIndex((b) => b.startsWith('appliance license import license.json'));

describe('docs/appliance.md', () => {
  const cpDir = tempDir('appliance-docs-cp-');
  const dir = tempDir('appliance-docs-');
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane(cpDir);
  });
  afterAll(async () => {
    await cp?.stop();
    for (const d of [cpDir, dir]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs every command of the operator page successfully', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect([OFFLINE_REQUEST, LICENSE_IMPORT]).toEqual([1, 2]);
    const created = await runCli(cpDir, [
      'cabinet',
      'create',
      '--id',
      'dupont',
      '--name',
      'Cabinet Dupont',
      '--plan',
      'professional',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    // `appliance` on PATH, as the VM image and the bundle's container have it.
    const bin = commandOnPath(dir, 'appliance', APPLIANCE_MAIN);
    // The cabinet's own certificate, which the reader of "LAN HTTPS" brings along.
    ownCertificate(dir, 'appliance.cabinet.lan');
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      CONTROL_PLANE_URL: cp.url,
      ADMIN_PASSWORD: 'a long admin passphrase',
      PASSWORD: 'marie has a long passphrase',
      BACKUP_PASSPHRASE: 'correct horse battery staple',
      // The vendor's key pins, as the install bundle's .env carries them.
      VENDOR_KEY_PINS: (await keyThumbprints((await (await fetch(`${cp.url}/v1/keys`)).json()) as Jwks)).join(','),
    };
    const run = async (from: number, to: number, extra: Record<string, string> = {}) => {
      const result = await runBlocks(blocks.slice(from, to), { cwd: dir, env: { ...env, ...extra } });
      expect(result.code, result.out).toBe(0);
      return result.out;
    };

    const online = await run(0, OFFLINE_REQUEST, { ENROLLMENT_CODE: created.json.enrollmentCode });
    expect(online).toMatch(/"state": "valid",\s*"applianceId": "dupont-\w+",\s*"cabinetId": "dupont"/);
    expect(online).toContain('"vendorKeysPinned": true');
    expect(online).toMatch(/"email": "admin@cabinet\.fr",[\s\S]*"role": "admin"/);

    const code = await runCli(cpDir, ['cabinet', 'code', 'dupont', '--json']);
    expect(code.code, code.stderr).toBe(0);
    const request = await run(OFFLINE_REQUEST, LICENSE_IMPORT, { ENROLLMENT_CODE: code.json.enrollmentCode });
    expect(request).toContain(`written to ${path.join(fs.realpathSync(dir), 'enrollment-request.json')}`);
    // The vendor's part: the request posted to its control plane, the answer sent back as license.json.
    const answer = await fetch(`${cp.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fs.readFileSync(path.join(dir, 'enrollment-request.json'), 'utf8'),
    });
    expect(answer.status).toBe(201);
    fs.writeFileSync(path.join(dir, 'license.json'), await answer.text());

    const out = await run(LICENSE_IMPORT, blocks.length);
    expect(out).toContain('"imported": "enrollment"');
    // Users: Marie, then her two tokens (90 days unless asked; 30 for the script's).
    expect(out).toMatch(/"email": "marie@cabinet\.fr",[\s\S]*"name": "Marie Durand"/);
    const expiries = [...out.matchAll(/"token": "iam_[\w-]+",\s*"id": "\w+",\s*"expiresAt": "([^"]+)"/g)].map((m) => Date.parse(m[1]!));
    expect(expiries).toHaveLength(2);
    // Made seconds apart: the default token outlives the 30-day one by 60 days.
    expect((expiries[0]! - expiries[1]!) / 86_400_000).toBeCloseTo(60, 2);
    // Heartbeats: one sent now and delivered to the control plane, and a month's usage report.
    expect(out).toMatch(/"delivered": 1,\s*"queued": 0,\s*"error": null/);
    expect(out).toContain(`written to ${path.join(fs.realpathSync(dir), 'usage-2026-11.jws')}`);
    expect(out).toContain('"source": "imported"');
    expect(out).toMatch(/^backup written: .*\(.*0 cases, 0 documents, 2 users, \d+ audit entries\)$/m);
    expect(out).toMatch(/^1 backup\(s\) in /m);
    expect(out).toMatch(/^ok: .* decrypts and matches its manifest/m);
    // The doctor finds nothing to fix on a cabinet set up as the page says.
    expect(out).toMatch(/^ok {4}license: valid, plan professional/m);
    expect(out).toMatch(/^ok {4}control plane: .* answers$/m);
    expect(out).toMatch(/^ok {4}heartbeats: 0 queued, last acknowledged /m);
    expect(out).not.toMatch(/^FAIL/m);
    expect(out).toMatch(/"vendorAnchors": \{\s*"checked": true/);
    // What the page's commands left where it says.
    expect(fs.readFileSync(path.join(dir, 'usage-2026-11.jws'), 'utf8')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\s*$/);
    expect(fs.existsSync(path.join(dir, 'data', 'tls', 'custom.crt'))).toBe(true);
  }, 180_000);
});
