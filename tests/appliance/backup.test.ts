/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Backups end to end, with real processes: a cabinet with cases, documents, users and an audit
 * trail is backed up while it runs, wiped, and restored onto a fresh appliance — every case,
 * document, user and audit entry comes back and the audit chain verifies. Around it: the heartbeat
 * carries the backup time to the vendor, restore refuses to run under a live server or over data
 * without --force, a wrong passphrase or a damaged file changes nothing, and configuration
 * mistakes are named at start-up.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, metricValue, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, freePort, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const PASSPHRASE = 'quatre mots sans rapport: tuile, ormeau, Léon, 1987';
let cp: TestControlPlane;
let cpDir: string;
let vendorToken: string;
let work: string;
let dataDir: string;
let backupDir: string;
let env: Record<string, string>;
let port: number;
let appliance: TestAppliance | undefined;
let admin: Browser;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every data file of a stopped appliance, by path, as SHA-256 (what a restore must give back; last-good copies are not data). */
function dataFiles(dir: string, prefixes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && !/\.(bak|tmp|removed)$/.test(p) && prefixes.some((x) => p === x || p.startsWith(`${x}/`)))
        out[p] = sha(fs.readFileSync(path.join(dir, p)));
    }
  };
  walk('');
  return out;
}
const CABINET_DATA = ['cases', 'documents', 'audit', 'users.json', 'license.json', 'appliance-key.pem', 'usage'];

async function start(): Promise<TestAppliance> {
  appliance = await startAppliance(dataDir, { ...env, PORT: String(port) });
  return appliance;
}

async function stop(): Promise<void> {
  await appliance?.stop();
  appliance = undefined;
}

function cli(args: string[], input?: string) {
  return runApplianceCli(dataDir, args, { env, ...(input !== undefined ? { input } : {}) });
}

async function upload(browser: Browser, caseId: string, name: string, type: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${appliance!.url}/api/cases/${caseId}/documents`, {
    method: 'POST',
    headers: { 'cookie': browser.cookie, 'x-csrf-token': browser.csrf },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** What the cabinet sees through the API: every case in full, every document's bytes, every user. */
async function cabinetView(browser: Browser): Promise<{ cases: any[]; documents: Record<string, string>; users: any[] }> {
  const list = await browser.call('GET', '/api/cases?pageSize=100&archived=all');
  expect(list.status).toBe(200);
  const cases = [];
  const documents: Record<string, string> = {};
  for (const summary of list.body.cases) {
    const full = (await browser.call('GET', `/api/cases/${summary.id}`)).body.case;
    cases.push(full);
    for (const d of full.documents) {
      const res = await fetch(`${appliance!.url}/api/cases/${summary.id}/documents/${d.id}`, { headers: { cookie: browser.cookie } });
      expect(res.status).toBe(200);
      documents[d.id] = sha(Buffer.from(await res.arrayBuffer()));
    }
  }
  cases.sort((a, b) => a.id.localeCompare(b.id));
  const users = ((await browser.call('GET', '/api/users')).body.users as any[]).sort((a, b) => a.email.localeCompare(b.email));
  return { cases, documents, users };
}

beforeAll(async () => {
  cpDir = tempDir('cp-backup-');
  cp = await startControlPlane(cpDir);
  vendorToken = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'moreau',
    '--name',
    'Cabinet Moreau',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  work = tempDir('moreau-');
  dataDir = path.join(work, 'data');
  backupDir = path.join(work, 'backups');
  env = { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'moreau', BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: backupDir };
  port = await freePort();
  await start();
  admin = new Browser(appliance!.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@moreau.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await admin.login('admin@moreau.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await stop();
  await cp?.stop();
});

describe('a backup restored onto a fresh appliance', () => {
  let before: Awaited<ReturnType<typeof cabinetView>>;
  let backup: any;
  let stoppedFiles: Record<string, string>;
  let auditEntries: number;
  let textBackup: string;

  it('backs up a working cabinet while it runs, and says what it saved', async () => {
    for (const n of [1, 2])
      expect(
        (await admin.call('POST', '/api/users', { email: `avocat${n}@moreau.fr`, name: `Maître ${n}`, role: 'avocat', password: PASSWORD }))
          .status,
      ).toBe(201);
    const lawyer = new Browser(appliance!.url);
    expect((await lawyer.login('avocat1@moreau.fr', PASSWORD)).status).toBe(200);
    const ids: string[] = [];
    for (const [lastName, procedure] of [
      ['Benali', 'oqtf'],
      ['Diallo', 'transfert_dublin'],
      ['Nguyen', 'refus_titre_sejour'],
      ['Haddad', 'oqtf'],
      ['Traoré', 'asile_rejet_ofpra'],
    ] as const) {
      const res = await lawyer.call('POST', '/api/cases', {
        client: { lastName, firstName: 'Awa', nationality: 'SN', birthDate: '1990-05-17' },
        procedure,
        decisionNotifiedAt: '2026-11-20',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.case.id);
    }
    expect(
      (await lawyer.call('PATCH', `/api/cases/${ids[1]}`, { status: 'filed', notes: 'Requête déposée au TA de Montreuil.' })).status,
    ).toBe(200);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 7)]);
    expect((await upload(lawyer, ids[0]!, 'Arrêté préfectoral.pdf', 'application/pdf', pdf)).status).toBe(201);
    expect((await upload(lawyer, ids[1]!, 'notes.txt', 'text/plain', Buffer.from('Audience le 3 décembre.\n'))).status).toBe(201);
    before = await cabinetView(admin);
    expect(before.cases).toHaveLength(5);
    expect(Object.keys(before.documents)).toHaveLength(2);
    expect(before.users).toHaveLength(3);

    // The text form reminds the IT person what the passphrase is for.
    const text = await cli(['backup', 'create']);
    expect(text.code, text.stderr).toBe(0);
    textBackup = /iamanager-\S+\.iambak/.exec(text.stdout)![0];
    expect(text.stdout).toMatch(
      /^backup written: .*iamanager-\d{8}T\d{9}Z-manual\.iambak \(0\.\d MB; 5 cases, 2 documents, 3 users, \d+ audit entries\)$/m,
    );
    expect(text.stdout).toContain('Keep BACKUP_PASSPHRASE outside the appliance: without it no backup can be restored.');
  }, 120_000);

  it('sends the time of the last backup to the vendor in the next heartbeat', async () => {
    const sent = await cli(['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const fleet = await api(cp.url, vendorToken, 'GET', '/api/v1/fleet');
    const entry = (fleet.body.appliances as any[]).find((a) => a.cabinetId === 'moreau');
    const newest = (await cli(['backup', 'list', '--json'])).json.backups[0];
    expect(entry.health.lastBackupAt).toBe(newest.createdAt);
  }, 60_000);

  it('lists and verifies the backups without a server or the data', async () => {
    // From here on nothing changes the cabinet's data until it is wiped.
    const created = await cli(['backup', 'create', '--json']);
    expect(created.code, created.stderr).toBe(0);
    backup = created.json;
    // Retention keeps the newest backup of each day: the earlier one of today goes.
    expect(backup).toMatchObject({ kind: 'manual', counts: { cases: 5, documents: 2, users: 3 }, removed: [textBackup] });
    expect(backup.file).toBe(path.join(backupDir, backup.name));
    expect(backup.counts.auditEntries).toBeGreaterThan(10);
    // Nothing of a case appears in clear in the file.
    expect(fs.readFileSync(backup.file).includes(Buffer.from('Benali'))).toBe(false);

    const list = await cli(['backup', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json.backups.map((b: any) => b.name)).toEqual([backup.name]);
    expect(list.json.backups[0]).toMatchObject({
      name: backup.name,
      createdAt: backup.createdAt,
      applianceVersion: '0.1.0',
      problem: null,
    });
    const verified = await cli(['backup', 'verify', backup.name, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json).toMatchObject({ ok: true, file: backup.file, counts: backup.counts, files: backup.files });
  }, 60_000);

  it('refuses to restore under a running server', async () => {
    const refused = await cli(['backup', 'restore', backup.name, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json.error).toBe('server_running');
    expect(refused.stderr).toContain('stop it first');
  }, 60_000);

  it('after a wipe, refuses a wrong passphrase and changes nothing', async () => {
    // The vendor has counted a heartbeat the backup does not know about: the restored numbering is behind.
    expect((await cli(['heartbeat', '--json'])).code).toBe(0);
    await stop();
    const audit = await cli(['audit', 'verify', '--json']);
    auditEntries = audit.json.entries;
    expect(auditEntries).toBe(backup.counts.auditEntries);
    stoppedFiles = dataFiles(dataDir, CABINET_DATA);
    fs.rmSync(dataDir, { recursive: true, force: true });

    const wrong = await cli(['backup', 'restore', backup.name, '--passphrase-stdin', '--json'], 'not the passphrase at all\n');
    expect(wrong.code).toBe(1);
    expect(wrong.json.error).toBe('backup_wrong_passphrase');
    // Only the session key the start-up generated: nothing restored, nothing staged left behind.
    expect(fs.readdirSync(dataDir).filter((n) => n !== 'secret-key')).toEqual([]);
  }, 60_000);

  it('restores every case, document, user and audit entry, and the audit chain verifies', async () => {
    const restored = await cli(['backup', 'restore', backup.name, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json).toMatchObject({ createdAt: backup.createdAt, counts: backup.counts, previousData: null });
    expect(dataFiles(dataDir, CABINET_DATA)).toEqual(stoppedFiles);
    const audit = await cli(['audit', 'verify', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.json).toMatchObject({ ok: true, entries: auditEntries });

    await start();
    const browser = new Browser(appliance!.url);
    expect((await browser.login('admin@moreau.fr', PASSWORD)).status).toBe(200);
    const after = await cabinetView(browser);
    expect(after).toEqual(before);
    expect((await new Browser(appliance!.url).login('avocat2@moreau.fr', PASSWORD)).status).toBe(200);
  }, 120_000);

  it('goes on sending heartbeats the control plane counts, though the restored numbering was behind', async () => {
    const accepted = () =>
      api(cp.url, undefined, 'GET', '/metrics').then((r) => metricValue(r.body, 'controlplane_heartbeats_accepted_total'));
    const first = await accepted();
    const sent = await cli(['heartbeat', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(await accepted()).toBe(first + 1);
  }, 60_000);

  it('restores over existing data only with --force, keeping that data aside', async () => {
    const lawyer = new Browser(appliance!.url);
    await lawyer.login('avocat1@moreau.fr', PASSWORD);
    const late = await lawyer.call('POST', '/api/cases', {
      client: { lastName: 'Kaya', firstName: 'Ali', nationality: 'TR', birthDate: '1985-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-25',
    });
    expect(late.status).toBe(201);
    await stop();
    const refused = await cli(['backup', 'restore', backup.name, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json.error).toBe('restore_target_not_empty');
    expect(fs.existsSync(path.join(dataDir, 'cases', `${late.body.case.id}.json`))).toBe(true);

    const forced = await cli(['backup', 'restore', backup.name, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json.previousData).toMatch(new RegExp(`^${dataDir}/\\.pre-restore-`));
    expect(fs.existsSync(path.join(forced.json.previousData, 'cases', `${late.body.case.id}.json`))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'cases', `${late.body.case.id}.json`))).toBe(false);
    // The set-aside data is not carried into later backups.
    await start();
    const again = await cli(['backup', 'create', '--json']);
    expect(again.json.counts.cases).toBe(5);
    await stop();
  }, 120_000);
});

describe('a damaged backup', () => {
  it('fails verification with a stable code: a flipped byte is corrupt, a cut file is truncated', async () => {
    const file = (await cli(['backup', 'list', '--json'])).json.backups[0];
    const original = fs.readFileSync(path.join(backupDir, file.name));
    const flipped = Buffer.from(original);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
    const flippedFile = path.join(work, 'flipped.iambak');
    fs.writeFileSync(flippedFile, flipped);
    const corrupt = await cli(['backup', 'verify', flippedFile, '--json']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.json.error).toBe('backup_corrupt');
    const cutFile = path.join(work, 'cut.iambak');
    fs.writeFileSync(cutFile, original.subarray(0, original.length - 1000));
    const cut = await cli(['backup', 'verify', cutFile, '--json']);
    expect(cut.code).toBe(1);
    expect(cut.json.error).toBe('backup_truncated');
    expect(cut.stderr).toContain('before its last one');
  }, 60_000);
});

describe('backup configuration', () => {
  it('says plainly, in doctor, that backups are off without a passphrase', async () => {
    const dir = tempDir('nobackup-');
    const doctor = await runApplianceCli(path.join(dir, 'data'), ['doctor', '--json']);
    expect(doctor.code, doctor.stderr).toBe(0);
    const check = doctor.json.checks.find((c: any) => c.check === 'backups');
    expect(check).toEqual({
      check: 'backups',
      ok: false,
      detail: expect.stringContaining('BACKUP_PASSPHRASE is not set: backups are OFF'),
    });
    expect(check.detail).toContain('without it no backup can ever be restored');
    const create = await runApplianceCli(path.join(dir, 'data'), ['backup', 'create', '--json']);
    expect(create.code).toBe(1);
    expect(create.json.error).toBe('backup_not_configured');
  }, 60_000);

  it('stops at start-up on a short passphrase or a backup folder inside the data, never echoing the passphrase', async () => {
    const dir = tempDir('badbackup-');
    const data = path.join(dir, 'data');
    const bad = await runApplianceCli(data, ['doctor'], {
      env: { BACKUP_PASSPHRASE: 'hunter2-secret', BACKUP_DIR: path.join(data, 'backups'), BACKUP_TIME: '25:00' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('BACKUP_PASSPHRASE: must be at least 16 characters');
    expect(bad.stderr).toContain(`BACKUP_DIR: must not be inside DATA_DIR (${path.join(data, 'backups')} is in ${data})`);
    expect(bad.stderr).toContain('BACKUP_TIME: must be a local time as HH:MM (24 h), e.g. 02:30, or "off"');
    expect(bad.stderr).not.toContain('hunter2');
  }, 60_000);

  it('reads the passphrase from BACKUP_PASSPHRASE_FILE (Docker secrets)', async () => {
    const dir = tempDir('secretfile-');
    const secret = path.join(dir, 'backup-passphrase');
    fs.writeFileSync(secret, `${PASSPHRASE}\n`, { mode: 0o600 });
    const data = path.join(dir, 'data');
    const created = await runApplianceCli(data, ['backup', 'create', '--json'], { env: { BACKUP_PASSPHRASE_FILE: secret } });
    expect(created.code, created.stderr).toBe(0);
    const verified = await runApplianceCli(data, ['backup', 'verify', '--passphrase-stdin', '--json'], { input: `${PASSPHRASE}\n` });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json.file).toBe(created.json.file);
  }, 60_000);
});
