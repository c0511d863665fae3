/**
 * Nothing of a case reaches the vendor: after a cabinet's lawyers have created cases with
 * distinctive names, notes and documents, and heartbeats have been delivered, no file the control
 * plane wrote (records, journal, evidence) contains any of those strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const SECRETS = ['Quetzalcoatl', 'Xochiquetzal', 'ConfidentielNoteZ91', 'attestation-hebergement-Q7.pdf', '9081726354'];
let cp: TestControlPlane;
let cpDir: string;
let dir: string;
let appliance: TestAppliance;

beforeAll(async () => {
  cpDir = tempDir('cp-privacy-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'secret', '--name', 'Cabinet Secret', '--plan', 'enterprise', '--json']);
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
  await fetch(`${appliance.url}/api/cases/${c.body.case.id}/documents`, { method: 'POST', headers: { cookie: b.cookie, 'x-csrf-token': b.csrf }, body: form });
  await b.call('POST', `/api/cases/${c.body.case.id}/analyses`, {});
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('what reaches the vendor', () => {
  it('holds none of a case\'s names, notes, numbers or document names', async () => {
    for (let i = 0; i < 3; i++) expect((await runApplianceCli(dir, ['heartbeat', '--json'])).code).toBe(0);
    const month = new Date().toISOString().slice(0, 7);
    const exported = path.join(dir, '..', 'usage-secret.jws');
    expect((await runApplianceCli(dir, ['usage', 'export', '--month', month, '--out', exported])).code).toBe(0);
    await cp.stop(); // flush everything the control plane holds to its files
    let scanned = 0;
    const files = [exported];
    for (const entry of fs.readdirSync(cpDir, { withFileTypes: true, recursive: true })) if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
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
    }
    expect(scanned).toBeGreaterThan(3);
    // The scan can find things: the secrets are on the appliance, where they belong.
    const caseFiles = fs.readdirSync(path.join(dir, 'cases')).filter((n) => n.endsWith('.json'));
    expect(caseFiles.some((n) => fs.readFileSync(path.join(dir, 'cases', n), 'utf8').includes(SECRETS[0]!))).toBe(true);
    cp = await startControlPlane(cpDir);
  });
});
