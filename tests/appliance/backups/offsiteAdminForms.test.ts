/**
 * The « Copies hors site » forms of /admin/sauvegardes on a running, enrolled appliance: a refused
 * folder says why, a folder target is added, tested and used by the next backup; an SFTP target
 * (real sshd) shows the fingerprint to pin at its first test, is pinned through the edit form and
 * then tested fine; a target is removed. Secrets never come back in the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { startSshServer, type SshServer } from '../../support/sshServer.js';

const PASSWORD = 'correct horse battery staple';
const PASSPHRASE = 'quatre mots sans rapport: tuile, ormeau, Léon, 1987';
let cp: TestControlPlane;
let appliance: TestAppliance;
let ssh: SshServer;
let work: string;
let dataDir: string;
let share: string;
let env: Record<string, string>;
let admin: Browser;

const decode = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

async function post(route: string, fields: Record<string, string>): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`${appliance.url}${route}`, {
    method: 'POST',
    headers: { 'cookie': admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: admin.csrf, ...fields }),
    redirect: 'manual',
  });
  await res.text();
  return { status: res.status, location: res.headers.get('location') };
}

async function page(): Promise<string> {
  const res = await fetch(`${appliance.url}/admin/sauvegardes`, { headers: { cookie: admin.cookie } });
  expect(res.status).toBe(200);
  return decode(await res.text());
}

/** Posts a form, follows its redirect to the section, returns the page it shows (with the flash). */
async function submit(route: string, fields: Record<string, string>): Promise<string> {
  const answer = await post(route, fields);
  expect([answer.status, answer.location]).toEqual([303, '/admin/sauvegardes#copies-hors-site']);
  return page();
}

beforeAll(async () => {
  work = tempDir('offsite-forms-');
  ssh = await startSshServer(work);
  const cpDir = tempDir('cp-offsite-');
  cp = await startControlPlane(cpDir);
  await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'leroy',
    '--name',
    'Cabinet Leroy',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  dataDir = path.join(work, 'data');
  share = path.join(work, 'nas');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(share);
  env = { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'leroy', BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: path.join(work, 'backups') };
  appliance = await startAppliance(dataDir, env);
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@leroy.fr', name: 'Claire Leroy', password: PASSWORD })).status).toBe(
    201,
  );
  expect((await admin.login('admin@leroy.fr', PASSWORD)).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
  await ssh?.stop();
});

describe('/admin/sauvegardes: off-site targets', () => {
  it('refuses the appliance’s own folder, then adds, tests and uses a folder target', async () => {
    const before = await page();
    expect(before).toContain('Copies hors site');
    const refused = await submit('/admin/sauvegardes/cibles', {
      kind: 'folder',
      id: 'nas',
      label: 'NAS',
      path: dataDir,
      enabledField: '1',
      enabled: 'on',
    });
    expect(refused).toContain('Cible refusée : dossier refusé — path: ');
    expect(refused).toContain("is the appliance's own DATA_DIR");

    const added = await submit('/admin/sauvegardes/cibles', {
      kind: 'folder',
      id: 'nas',
      label: 'NAS du cabinet',
      path: share,
      keep: '5',
      days: '',
      enabledField: '1',
      enabled: 'on',
    });
    expect(added).toContain('Cible « NAS du cabinet » ajoutée. Testez-la.');
    // Backups have not run yet: no warning about copies.
    expect(added).not.toContain('id="offsite-warning"');
    const tested = await submit('/admin/sauvegardes/cibles/nas/tester', {});
    expect(tested).toContain('La cible « NAS du cabinet » accepte, relit et efface un fichier d’essai.');

    const backup = await runApplianceCli(dataDir, ['backup', 'create', '--json'], { env });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.json.offsite).toEqual([{ target: 'nas', ok: true, removed: [], error: null }]);
    const after = await page();
    expect(after).toContain(backup.json.name);
    expect(after).not.toContain('id="offsite-warning"');
    expect(fs.readdirSync(share)).toEqual([backup.json.name]);
  }, 120_000);

  it('shows the SFTP server’s fingerprint at the first test, pins it through the edit form, then tests fine', async () => {
    const added = await submit('/admin/sauvegardes/cibles', {
      kind: 'sftp',
      id: 'sftp',
      label: 'Hébergeur SFTP',
      host: ssh.host,
      port: String(ssh.port),
      username: ssh.user,
      password: '',
      privateKey: ssh.privateKey.replace(/\n/g, '\r\n'), // as a browser sends a textarea
      remoteDir: ssh.remoteDir,
      hostKeySha256: '',
      keep: '7',
      enabledField: '1',
      enabled: 'on',
    });
    expect(added).toContain('Cible « Hébergeur SFTP » ajoutée.');
    expect(added).not.toContain('PRIVATE KEY');
    const first = await submit('/admin/sauvegardes/cibles/sftp/tester', {});
    expect(first).toContain('Échec du test de « Hébergeur SFTP » : empreinte de la clé du serveur non enregistrée');
    expect(first).toContain(`presents the host key ${ssh.fingerprint}`);

    // The edit form leaves the key field empty: the saved key is kept.
    const pinned = await submit('/admin/sauvegardes/cibles/sftp', {
      label: 'Hébergeur SFTP',
      host: ssh.host,
      port: String(ssh.port),
      username: ssh.user,
      password: '',
      privateKey: '',
      remoteDir: ssh.remoteDir,
      hostKeySha256: ssh.fingerprint,
      keep: '7',
      enabledField: '1',
      enabled: 'on',
    });
    expect(pinned).toContain('Cible « Hébergeur SFTP » modifiée.');
    const ok = await submit('/admin/sauvegardes/cibles/sftp/tester', {});
    expect(ok).toContain('La cible « Hébergeur SFTP » accepte, relit et efface un fichier d’essai.');
  }, 120_000);

  it('removes a target; the copies already sent stay', async () => {
    const removed = await submit('/admin/sauvegardes/cibles/nas/supprimer', {});
    expect(removed).toContain('Cible supprimée (les copies déjà envoyées restent où elles sont).');
    expect(removed).not.toContain('NAS du cabinet');
    expect(fs.readdirSync(share)).toHaveLength(1);
    // Audited: the log's page names what was done.
    const journal = await fetch(`${appliance.url}/admin/journal`, { headers: { cookie: admin.cookie } });
    const text = decode(await journal.text());
    expect(text).toContain('Ajout d’une cible de copie hors site');
    expect(text).toContain('Suppression d’une cible de copie hors site');
  }, 60_000);
});
