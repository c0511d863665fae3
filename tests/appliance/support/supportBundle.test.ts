/**
 * `appliance support-bundle` (docs/support-bundle.md): an appliance holding cases whose every
 * field carries a unique marker (client names, AGDREF number, facts, decision, notes, a document's
 * name and contents) builds a bundle; unpacked, no byte of it holds any marker — nor does the
 * copy the control plane stored after `--upload`. The bundle has its manifest (each file with why
 * it is there), and the configuration in it has no secret.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const SECRET_KEY = 'SecretKeyMarker-0123456789abcdefghijklmnopqrstuvwxyz';
const PASSPHRASE = 'PassphraseMarker quatre mots longs';
/** A setting this appliance version does not know yet: the allow-list keeps it out without knowing it. */
const SMTP_PASSWORD = 'SmtpPasswordMarker42';
/** One marker per kind of case data; each is unique enough that finding it anywhere means it leaked. */
const MARKERS = {
  lastName: 'Zyxwvutsrqmarq',
  firstName: 'Quillondrabert',
  agdref: '7364519283',
  court: 'TribunalMarqueurKappa',
  authority: 'PrefectureMarqueurLambda',
  summary: 'ResumeDecisionMarqueurMu',
  notes: 'NoteConfidentielleMarqueurNu',
  documentName: 'justificatif-marqueur-xi.pdf',
  documentContent: 'ContenuDocumentMarqueurOmicron',
  secondLastName: 'Pwqhvtrnbmarq',
};

let cp: TestControlPlane;
let cpDir: string;
let dir: string;
let appliance: TestAppliance;
let caseIds: string[] = [];
let admin: Browser;

async function unpack(gz: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks).toString('utf8'));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gunzipSync(gz));
  await done;
  return files;
}

/** Every marker and every case id found in `bytes` (the whole tar, headers included). */
function leaks(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  return [...Object.values(MARKERS), ...caseIds, SECRET_KEY, PASSPHRASE, SMTP_PASSWORD].filter((m) => text.includes(m));
}

beforeAll(async () => {
  cpDir = tempDir('cp-support-bundle-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'marqueurs',
    '--name',
    'Cabinet Marqueurs',
    '--plan',
    'enterprise',
    '--json',
  ]);
  dir = tempDir('support-bundle-');
  appliance = await startAppliance(dir, {
    CONTROL_PLANE_URL: cp.url,
    CLIENT_ID: 'marqueurs',
    SECRET_KEY,
    BACKUP_PASSPHRASE: PASSPHRASE,
    SMTP_URL: `smtp://cabinet:${SMTP_PASSWORD}@mail.example.test:587`,
    MAIL_FROM: 'echeances@marqueurs.fr',
  });
  const b = new Browser(appliance.url);
  expect((await b.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBeLessThan(300);
  await b.call('POST', '/api/setup/admin', { email: 'admin@marqueurs.fr', name: 'Admin', password: PASSWORD });
  await b.login('admin@marqueurs.fr', PASSWORD);
  admin = b;
  const c = await b.call('POST', '/api/cases', {
    client: {
      lastName: MARKERS.lastName,
      firstName: MARKERS.firstName,
      nationality: 'MX',
      birthDate: '1985-03-03',
      agdrefNumber: MARKERS.agdref,
    },
    procedure: 'refus_titre_sejour',
    decisionNotifiedAt: '2026-11-10',
    decision: { authority: MARKERS.authority, summary: MARKERS.summary },
    facts: { competentCourt: MARKERS.court },
    notes: MARKERS.notes,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const second = await b.call('POST', '/api/cases', {
    client: { lastName: MARKERS.secondLastName, firstName: 'Anne', nationality: 'DZ', birthDate: '1990-01-01' },
    procedure: 'refus_titre_sejour',
    decisionNotifiedAt: '2026-11-20',
  });
  expect(second.status).toBe(201);
  caseIds = [c.body.case.id, second.body.case.id];
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(`%PDF-1.4 ${MARKERS.documentContent}`)], { type: 'application/pdf' }), MARKERS.documentName);
  const doc = await fetch(`${appliance.url}/api/cases/${c.body.case.id}/documents`, {
    method: 'POST',
    headers: { 'cookie': b.cookie, 'x-csrf-token': b.csrf },
    body: form,
  });
  expect(doc.status).toBe(201);
  expect((await b.call('POST', `/api/cases/${c.body.case.id}/analyses`, {})).status).toBe(201);
  // Requests that put case ids in the server's log lines (a missing case: a logged 404).
  await b.call('GET', `/api/cases/${c.body.case.id}`);
  await b.call('GET', '/api/cases/00000000-0000-4000-8000-000000000000');
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the support bundle', () => {
  let bundleFile: string;
  let files: Map<string, string>;

  it('is written with a manifest naming each file and why, and holds no case data and no secret', async () => {
    bundleFile = path.join(path.dirname(dir), 'support.tar.gz');
    const run = await runApplianceCli(dir, ['support-bundle', '--out', bundleFile, '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json.out).toBe(bundleFile);
    const gz = fs.readFileSync(bundleFile);
    expect(run.json.bytes).toBe(gz.length);
    files = await unpack(gz);
    expect([...files.keys()].sort()).toEqual(
      [
        'backups.json',
        'configuration.json',
        'doctor.json',
        'heartbeat.json',
        'license.json',
        'logs.jsonl',
        'manifest.json',
        'storage.json',
        'versions.json',
      ].map((f) => `support-bundle/${f}`),
    );
    const manifest = JSON.parse(files.get('support-bundle/manifest.json')!);
    for (const f of manifest.files) {
      expect(f.why.length, f.path).toBeGreaterThan(10);
      expect(Buffer.byteLength(files.get(`support-bundle/${f.path}`)!)).toBe(f.bytes);
    }
    // The server was running: its recent lines were read (what is dropped: redactLogs.test.ts).
    expect(manifest.logs.source).toBe('the running server');
    expect(manifest.logs.kept).toBeGreaterThan(0);
    expect(files.get('support-bundle/logs.jsonl')!.split('\n').filter(Boolean)).toHaveLength(manifest.logs.kept);
    const config = JSON.parse(files.get('support-bundle/configuration.json')!);
    expect(config.backup.passphraseSet).toBe(true);
    expect(config.clientId).toBe('marqueurs');
    const doctor = JSON.parse(files.get('support-bundle/doctor.json')!);
    expect(doctor.checks.map((c: { check: string }) => c.check)).toContain('license');
    const storage = JSON.parse(files.get('support-bundle/storage.json')!);
    expect(storage.parts.cases.files).toBeGreaterThanOrEqual(2);
    expect(storage.parts.documents.files).toBeGreaterThanOrEqual(1);

    // Every byte: the tar itself (names, headers, contents), decompressed.
    expect(leaks(gunzipSync(gz))).toEqual([]);
  });

  it('is sent by --upload as the same bytes, and the copy the control plane keeps holds no marker either', async () => {
    const sent = await runApplianceCli(dir, ['support-bundle', '--upload', bundleFile, '--json']);
    expect(sent.code, sent.stderr + sent.stdout).toBe(0);
    const token = await createAdminToken(cpDir, 'help@vendor.test', 'support');
    const list = await api(cp.url, token, 'GET', '/api/v1/cabinets/marqueurs/support-bundles');
    expect(list.body.bundles).toHaveLength(1);
    expect(list.body.bundles[0].id).toBe(sent.json.uploaded.id);
    const stored = fs.readFileSync(path.join(cpDir, 'support-bundles', `${sent.json.uploaded.id}.tar.gz`));
    expect(stored.equals(fs.readFileSync(bundleFile))).toBe(true);
    expect(leaks(gunzipSync(stored))).toEqual([]);
    // And nothing else the control plane wrote for it (its index) holds one.
    expect(leaks(fs.readFileSync(path.join(cpDir, 'support-bundles', 'index.json')))).toEqual([]);
  });

  it('is shown whole on the admin page before it leaves; download and send use the bundle shown', async () => {
    const form = (body: string) => ({
      method: 'POST',
      headers: { 'cookie': admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const adminPage = await (await fetch(`${appliance.url}/admin/assistance`, { headers: { cookie: admin.cookie } })).text();
    expect(adminPage).toContain('action="/admin/support"');
    const shown = await fetch(`${appliance.url}/admin/support`, form(`_csrf=${admin.csrf}`));
    expect(shown.status).toBe(200);
    const html = await shown.text();
    for (const f of ['manifest.json', 'doctor.json', 'configuration.json', 'logs.jsonl']) expect(html).toContain(`<code>${f}</code>`);
    expect(leaks(Buffer.from(html))).toEqual([]);
    const sha = /\/admin\/support\/([0-9a-f]{64})\.tar\.gz/.exec(html)?.[1];
    expect(sha).toBeDefined();
    const download = await fetch(`${appliance.url}/admin/support/${sha}.tar.gz`, { headers: { cookie: admin.cookie } });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    expect(leaks(gunzipSync(bytes))).toEqual([]);

    const sent = await fetch(`${appliance.url}/admin/support/envoi`, form(`_csrf=${admin.csrf}&sha256=${sha}`));
    expect(sent.status).toBe(200);
    expect(await sent.text()).toMatch(/Paquet envoyé à l.éditeur \(référence [0-9a-f]{8}\), conservé jusqu.au \d\d\/\d\d\/\d{4}/);
    const token = await createAdminToken(cpDir, 'desk@vendor.test', 'support');
    const list = await api(cp.url, token, 'GET', '/api/v1/cabinets/marqueurs/support-bundles');
    expect(list.body.bundles.map((b: { sha256: string }) => b.sha256)).toContain(sha);

    // Sending is written to the audit log, shown on the audit log's page.
    const audited = await (await fetch(`${appliance.url}/admin/journal`, { headers: { cookie: admin.cookie } })).text();
    expect(audited).toContain('Envoi d’un paquet de support à l’éditeur');

    // A fingerprint the appliance did not show is refused, not rebuilt.
    const unknown = await fetch(`${appliance.url}/admin/support/envoi`, form(`_csrf=${admin.csrf}&sha256=${'0'.repeat(64)}`));
    expect(unknown.status).toBe(404);
  });

  it('asks for exactly one of --out and --upload, naming both', async () => {
    const neither = await runApplianceCli(dir, ['support-bundle', '--json']);
    expect(neither.code).not.toBe(0);
    expect(neither.json.error).toBe('invalid_input');
    expect(neither.json.message).toMatch(/--out or --upload/);
    const notABundle = path.join(path.dirname(dir), 'not-a-bundle.txt');
    fs.writeFileSync(notABundle, 'hello');
    const wrong = await runApplianceCli(dir, ['support-bundle', '--upload', notABundle, '--json']);
    expect(wrong.json.error).toBe('invalid_input');
    expect(wrong.json.message).toMatch(/not a \.tar\.gz/);
    // One byte over the 2 MiB the control plane takes (2 × 1024 × 1024): refused before anything is signed or sent.
    const huge = path.join(path.dirname(dir), 'huge.tar.gz');
    fs.writeFileSync(huge, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(2 * 1024 * 1024 - 1)]));
    const tooBig = await runApplianceCli(dir, ['support-bundle', '--upload', huge, '--json']);
    expect(tooBig.json.error).toBe('support_bundle_too_large');
    expect(tooBig.json.message).toMatch(/2097153 bytes, over the 2097152/);
  });
});
