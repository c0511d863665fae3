/**
 * Nothing of a case reaches the vendor: after a cabinet's lawyers have created cases with
 * distinctive names, notes and documents, and heartbeats have been delivered, no file the control
 * plane wrote (records, journal, evidence) contains any of those strings, and neither does any
 * message the control plane received (the heartbeat tap, support/heartbeatTap.mjs). The same scan
 * runs at the end of the whole test run over every suite's appliances (support/globalSetup.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';
import { applianceReports, caseStrings, emptyScan, findCaseData, fromAppliances, tappedBodies } from '../support/privacyScan.js';

const PASSWORD = 'correct horse battery staple';
const SECRETS = ['Quetzalcoatl', 'Xochiquetzal', 'ConfidentielNoteZ91', 'attestation-hebergement-Q7.pdf', '9081726354'];
let cp: TestControlPlane;
let cpDir: string;
let dir: string;
let appliance: TestAppliance;
/** Every control plane process of this file: the tap names its record after the pid. */
const cpPids: number[] = [];

beforeAll(async () => {
  cpDir = tempDir('cp-privacy-');
  cp = await startControlPlane(cpDir);
  cpPids.push(cp.service.child.pid!);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'secret',
    '--name',
    'Cabinet Secret',
    '--plan',
    'enterprise',
    '--json',
  ]);
  dir = tempDir('secret-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'secret' });
  const b = new Browser(appliance.url);
  await b.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode });
  await b.call('POST', '/api/setup/admin', { email: 'admin@secret.fr', name: 'Admin', password: PASSWORD });
  await b.login('admin@secret.fr', PASSWORD);
  const c = await b.call('POST', '/api/cases', {
    client: { lastName: SECRETS[0], firstName: SECRETS[1], nationality: 'MX', birthDate: '1985-03-03', agdrefNumber: SECRETS[4] },
    procedure: 'refus_titre_sejour',
    decisionNotifiedAt: '2026-11-10',
    notes: SECRETS[2],
  });
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 secret')], { type: 'application/pdf' }), SECRETS[3]);
  await fetch(`${appliance.url}/api/cases/${c.body.case.id}/documents`, {
    method: 'POST',
    headers: { 'cookie': b.cookie, 'x-csrf-token': b.csrf },
    body: form,
  });
  await b.call('POST', `/api/cases/${c.body.case.id}/analyses`, {});
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('what reaches the vendor', () => {
  it("holds none of a case's names, notes, numbers or document names", async () => {
    for (let i = 0; i < 3; i++) expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    const month = new Date().toISOString().slice(0, 7);
    const exported = path.join(dir, '..', 'usage-secret.jws');
    expect((await runApplianceCli(dir, ['usage', 'export', '--month', month, '--out', exported])).code).toBe(0);
    // The air-gapped path too: the exported report, uploaded as the vendor would.
    const upload = await fetch(`${cp.url}/v1/usage-reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: fs.readFileSync(exported, 'utf8'),
    });
    expect(upload.status).toBe(202);
    await cp.stop(); // flush everything the control plane holds to its files
    let scanned = 0;
    /** Files holding what the appliance sent (its usage counters), raw or as a JWS: the scan covers them. */
    let holdingReports = 0;
    const files = [exported];
    for (const entry of fs.readdirSync(cpDir, { withFileTypes: true, recursive: true }))
      if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
    for (const file of files) {
      const raw = fs.readFileSync(file);
      // Heartbeats are stored as JWS: decode every base64url segment too, not only the raw bytes.
      const decoded = raw
        .toString('utf8')
        .split(/[^A-Za-z0-9_-]+/)
        .filter((s) => s.length > 40)
        .map((s) => Buffer.from(s, 'base64url').toString('utf8'))
        .join('\n');
      for (const secret of SECRETS) {
        expect(raw.includes(Buffer.from(secret)), `${secret} in ${file}`).toBe(false);
        expect(decoded.includes(secret), `${secret} (base64url) in ${file}`).toBe(false);
      }
      scanned++;
      if (raw.includes('analysesUsed') || decoded.includes('analysesUsed')) holdingReports++;
    }
    expect(scanned).toBeGreaterThan(3);
    expect(holdingReports).toBeGreaterThan(0);
    // The scan can find things: the secrets are on the appliance, where they belong.
    const caseFiles = fs.readdirSync(path.join(dir, 'cases')).filter((n) => n.endsWith('.json'));
    expect(caseFiles.some((n) => fs.readFileSync(path.join(dir, 'cases', n), 'utf8').includes(SECRETS[0]!))).toBe(true);
    cp = await startControlPlane(cpDir);
  });
});

describe('what the control plane received', () => {
  it('holds none of the case data in any enrollment, heartbeat or usage report, decoded', async () => {
    const tap = process.env.IAM_HEARTBEAT_TAP;
    expect(tap, 'the heartbeat tap is set up by tests/support/globalSetup.ts').toBeDefined();
    const bodies = fromAppliances(
      tappedBodies(
        tap!,
        cpPids.map((pid) => `cp-${pid}.jsonl`),
      ),
    );
    expect(bodies.map((b) => `${b.path} ${b.status}`).sort()).toEqual([
      '/v1/enroll 201',
      '/v1/heartbeats 202',
      '/v1/heartbeats 202',
      '/v1/heartbeats 202',
      '/v1/usage-reports 202',
    ]);
    expect(bodies.filter((b) => b.path !== '/v1/usage-reports').every((b) => b.userAgent?.startsWith('iamanager-appliance/'))).toBe(true);
    const strings = caseStrings(dir);
    // What the scan looks for is really there on the appliance, and a leak would be found.
    for (const secret of SECRETS) expect(strings).toContain(secret);
    // It scans something: the appliance's own heartbeats and some case strings (a scan of nothing fails, as the run-wide one does).
    expect(applianceReports(bodies).map((b) => b.path)).toEqual(['/v1/heartbeats', '/v1/heartbeats', '/v1/heartbeats']);
    expect(strings.length).toBeGreaterThanOrEqual(SECRETS.length);
    expect(emptyScan(bodies, strings)).toEqual([]);
    expect(emptyScan([], strings)).toEqual([expect.stringMatching(/^no heartbeat or usage report sent by the appliance software/)]);
    expect(emptyScan(bodies, [])).toEqual([expect.stringMatching(/^no case string was found on any appliance/)]);
    const leaked = `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify({ note: SECRETS[2] })).toString('base64url')}.sig`;
    expect(findCaseData([{ path: '/v1/heartbeats', body: leaked, source: 'control' }], strings)).toEqual([
      `"${SECRETS[2]}" in /v1/heartbeats (control)`,
    ]);
    expect(findCaseData(bodies, strings)).toEqual([]);
  });
});
