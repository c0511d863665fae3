/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * The audit chain is an unkeyed hash: whoever can write DATA_DIR can rewrite an entry and
 * recompute the chain after it, or cut its tail — and the local check passes. Deleting the tail
 * together with the clock files used to bring an expired license back, too. Now:
 *
 * - every v2 heartbeat carries the chain's head hash and length (no content); the control plane
 *   keeps them as anchors and returns them in a receipt it signs; `appliance audit verify` checks
 *   the local chain against them and fails naming the anchor;
 * - the receipt's signed time is the clock guard's floor, kept in license.json: with clock.json
 *   and the audit log gone, the clock set back, an expired license stays expired.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400;
const CLIENT = { lastName: 'Diallo', firstName: 'Awa', nationality: 'SN', birthDate: '1990-05-17' };
let cp: TestControlPlane;
let cpDir: string;
let vendor: string;
const running: TestAppliance[] = [];

/** Enrolls a new appliance for a new cabinet and logs its admin in. */
async function enrolled(id: string, env: Record<string, string> = {}): Promise<{ dir: string; appliance: TestAppliance; admin: Browser }> {
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', id, '--name', `Cabinet ${id}`, '--plan', 'professional', '--json']);
  expect(created.code, created.stderr).toBe(0);
  const dir = tempDir(`${id}-`);
  const appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: id, ...env });
  running.push(appliance);
  const admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: `admin@${id}.fr`, name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login(`admin@${id}.fr`, PASSWORD);
  return { dir, appliance, admin };
}

const auditFiles = (dir: string) =>
  fs
    .readdirSync(path.join(dir, 'audit'))
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((n) => path.join(dir, 'audit', n));
const readChain = (dir: string) =>
  auditFiles(dir).flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ file: f, entry: JSON.parse(l) })),
  );

/** Writes the entries back with the chain recomputed from the first: what the local check accepts. */
function writeRechained(dir: string, chain: Array<{ file: string; entry: any }>): void {
  let prev = '0'.repeat(64);
  const byFile = new Map<string, string>(auditFiles(dir).map((f) => [f, '']));
  for (const { file, entry } of chain) {
    const e = { ...entry, prev };
    e.hash = createHash('sha256')
      .update(JSON.stringify([e.seq, e.at, e.actor, e.action, e.caseId ?? null, e.detail ?? null, prev]))
      .digest('hex');
    prev = e.hash;
    byFile.set(file, `${byFile.get(file)}${JSON.stringify(e)}\n`);
  }
  for (const [file, text] of byFile) fs.writeFileSync(file, text);
}

beforeAll(async () => {
  cpDir = tempDir('cp-anchor-');
  cp = await startControlPlane(cpDir);
  vendor = await createAdminToken(cpDir, 'vendor@iamanager.fr');
}, 60_000);

afterAll(async () => {
  for (const a of running) await a.stop();
  await cp?.stop();
});

describe('audit anchors kept by the vendor', () => {
  let dir: string;
  let original: Map<string, string>;

  beforeAll(async () => {
    const cabinet = await enrolled('anchor');
    dir = cabinet.dir;
    for (let i = 0; i < 3; i++) {
      const created = await cabinet.admin.call('POST', '/api/cases', {
        client: { ...CLIENT, lastName: `Dossier${i}` },
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-02',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect((await cabinet.admin.call('GET', `/api/cases/${created.body.case.id}`)).status).toBe(200);
    }
    expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    await cabinet.appliance.stop();
    original = new Map(auditFiles(dir).map((f) => [f, fs.readFileSync(f, 'utf8')]));
  }, 180_000);

  /** `audit verify` as the CLI runs it on the appliance, with its configuration (CONTROL_PLANE_URL). */
  const verify = (...flags: string[]) => runApplianceCli(dir, ['audit', 'verify', ...flags], { env: { CONTROL_PLANE_URL: cp.url } });

  const restoreOriginal = () => {
    for (const [file, text] of original) fs.writeFileSync(file, text);
  };

  it('are kept by the control plane from the heartbeats, and checked by verify', async () => {
    const chain = readChain(dir);
    const verified = await verify('--json');
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json).toMatchObject({ ok: true, entries: chain.length, vendorAnchors: { checked: true, count: 1 } });
  });

  it('are said not to be checked when the control plane is not configured', async () => {
    const alone = await runApplianceCli(dir, ['audit', 'verify', '--json']);
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.json.vendorAnchors).toEqual({ checked: false, reason: expect.stringContaining('CONTROL_PLANE_URL is not set') });
  });

  it('fail verify when an entry is rewritten and the chain recomputed, naming the anchor', async () => {
    const chain = readChain(dir);
    chain[1]!.entry.actor = 'someone@else.fr';
    writeRechained(dir, chain);
    const anchored = chain.length;
    const result = await verify();
    restoreOriginal();
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`does not match the vendor's anchor of`);
    expect(result.stderr).toContain(`(entry ${anchored}, hash `);
    expect(result.stderr).toContain('was rewritten and the chain recomputed');
  });

  it('fail verify when the tail is deleted', async () => {
    const chain = readChain(dir);
    writeRechained(dir, chain.slice(0, -2));
    const result = await verify();
    restoreOriginal();
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`the chain has ${chain.length - 2} entries, fewer than the ${chain.length} the vendor anchored on`);
  });

  it('pass again once the chain is what the vendor anchored', async () => {
    const result = await verify('--json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.vendorAnchors.checked).toBe(true);
  });

  it('show the vendor a deleted tail at the next heartbeat, without verify being run', async () => {
    const chain = readChain(dir);
    writeRechained(dir, chain.slice(0, -2));
    const appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'anchor' });
    running.push(appliance);
    expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    const entry = (await api(cp.url, vendor, 'GET', '/api/v1/fleet')).body.appliances.find((a: any) => a.cabinetId === 'anchor');
    expect(entry.reasons).toContainEqual(
      expect.objectContaining({
        code: 'audit_rewound',
        level: 'warning',
        message: expect.stringContaining(`fewer than the ${chain.length} already anchored`),
      }),
    );
  });
});

describe("the control plane's signed time as the clock floor", () => {
  it('keeps an expired license expired with clock.json and the audit log deleted and the clock set back', async () => {
    const cabinet = await enrolled('floor');
    // Suspended: the license the next answer brings expires at once; 14 days of grace follow.
    expect((await runCli(cpDir, ['cabinet', 'update', 'floor', '--status', 'suspended'])).code).toBe(0);
    expect((await runApplianceCli(cabinet.dir, ['heartbeat', '--json'])).code).toBe(0);
    await cabinet.appliance.stop();
    // Twenty days on, for both sides: the grace is over, and the appliance talks to the vendor.
    await cp.stop();
    const later = String(20 * DAY);
    cp = await startControlPlane(cpDir, { CLOCK_OFFSET_SECONDS: later });
    let appliance = await startAppliance(cabinet.dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'floor', CLOCK_OFFSET_SECONDS: later });
    running.push(appliance);
    const admin = new Browser(appliance.url);
    await admin.login('admin@floor.fr', PASSWORD);
    expect((await admin.call('GET', '/api/license')).body.state).toBe('expired');
    expect((await runApplianceCli(cabinet.dir, ['heartbeat', '--json'], { env: { CLOCK_OFFSET_SECONDS: later } })).code).toBe(0);
    await appliance.stop();

    // The attack: the clock's mark and the audit log gone, the clock set back to within the grace.
    for (const name of fs.readdirSync(cabinet.dir)) if (name.startsWith('clock.json')) fs.rmSync(path.join(cabinet.dir, name));
    fs.rmSync(path.join(cabinet.dir, 'audit'), { recursive: true });
    appliance = await startAppliance(cabinet.dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'floor', CLOCK_OFFSET_SECONDS: String(5 * DAY) });
    running.push(appliance);
    admin.url = appliance.url;
    await admin.login('admin@floor.fr', PASSWORD);
    const license = (await admin.call('GET', '/api/license')).body;
    expect(license).toMatchObject({ state: 'expired', clockSetBack: true });
    const refused = await admin.call('POST', '/api/cases', { client: CLIENT, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' });
    expect(refused).toMatchObject({ status: 403, body: { error: 'license_expired' } });
  });
});
