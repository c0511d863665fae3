/**
 * The S3 target on /admin/sauvegardes (« Copies hors site »): saved from the form's fields (the
 * path-style box, an empty secret keeping the saved one, an emptied prefix meaning the bucket's
 * root), shown with its kind and settings but never its secret, and a missing bucket reported in
 * French after a push to a real S3-compatible server (tests/support/s3Server.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { h } from 'preact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { OffsiteCopies } from '../../../appliance/src/domain/backups/offsite/offsiteCopies.js';
import { renderHtml } from '../../../appliance/src/web/render.js';
import { AdminBackupsPage } from '../../../appliance/src/web/pages/adminBackups.js';
import type { BackupView, Chrome } from '../../../appliance/src/web/viewModels.js';
import { tempDir } from '../../support/controlPlane.js';
import { S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../../support/s3Server.js';

const log = createLogger('test', 'silent');
const CHROME: Chrome = {
  locale: 'fr',
  cabinetName: 'Cabinet Dupont',
  color: '#2c3e50',
  logoUrl: null,
  user: { name: 'Marie Durand', email: 'marie@dupont.fr', isAdmin: true },
  csrf: 'tok123',
  path: '/admin/sauvegardes',
};
const LAST_BACKUP = '2026-03-14T01:30:00.000Z';
const BACKUP: BackupView = {
  configured: true,
  dailyAt: '02:30',
  lastBackupAt: LAST_BACKUP,
  nextBackupAt: null,
  backups: 1,
  dir: '/backups',
  lastError: null,
};
/** The key's secret: it must never reach the page. */
const SECRET = S3_SECRET_ACCESS_KEY;

describe('admin page: S3 target', () => {
  const dir = tempDir('offsite-s3-page-');
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3Server(path.join(dir, 's3'), ['cabinet-dupont']);
  });
  afterAll(async () => {
    await s3?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves the form fields, shows the settings without the secret, and a missing bucket in French', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const state = { now: new Date(LAST_BACKUP) };
    const offsite = await OffsiteCopies.open({ dataDir, backupDir: path.join(dir, 'backups'), clock: () => state.now, log });
    const render = () =>
      renderHtml(h(AdminBackupsPage, { chrome: CHROME, backup: BACKUP, offsite: { status: offsite.status(), warning: null } }));

    // The add form offers the kind.
    expect(render()).toContain('<option value="s3">Stockage objet S3 (Scaleway, OVHcloud, AWS, MinIO…)</option>');

    // As the form posts them: every field present, the box ticked (its hidden companion says it was there).
    const added = await offsite.save({
      kind: 's3',
      id: 'scaleway',
      label: 'Scaleway Paris',
      endpoint: s3.endpoint,
      region: 'fr-par',
      bucket: 'not-created-yet',
      prefix: '/sauvegardes/',
      accessKeyId: S3_ACCESS_KEY_ID,
      secretAccessKey: SECRET,
      pathStyle: 'true',
      keep: '7',
      days: '',
    });
    expect(added.settings).toMatchObject({ prefix: 'sauvegardes', pathStyle: true, secretAccessKeySet: true });

    const archive = path.join(dir, 'iamanager-20260314T013000000Z-scheduled.iambak');
    fs.writeFileSync(archive, 'encrypted bytes');
    state.now = new Date('2026-03-14T01:31:00.000Z');
    const [outcome] = await offsite.push({ name: path.basename(archive), file: archive });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'offsite_bucket_missing' } });

    const html = render();
    expect(html).toContain('Stockage objet S3 (Scaleway, OVHcloud, AWS, MinIO…)');
    expect(html).toContain('bucket introuvable : créez-le chez le fournisseur ou corrigez son nom');
    expect(html).toContain('bucket: there is no bucket not-created-yet');
    expect(html).toContain(`value="${s3.endpoint}"`);
    expect(html).toMatch(/name="pathStyle" value="on" checked/);
    expect(html).not.toContain(SECRET);
    expect(html).toMatch(/name="secretAccessKey" type="password" placeholder="enregistré"/);

    // An edit from the form: the secret left empty is kept, the prefix emptied means the bucket's root, the box unticked.
    const edited = await offsite.save(
      {
        label: 'Scaleway Paris',
        endpoint: s3.endpoint,
        region: 'fr-par',
        bucket: 'cabinet-dupont',
        prefix: '',
        accessKeyId: S3_ACCESS_KEY_ID,
        secretAccessKey: '',
        pathStyle: 'false',
      },
      'scaleway',
    );
    expect(edited.settings).toMatchObject({ bucket: 'cabinet-dupont', prefix: '', pathStyle: false, secretAccessKeySet: true });
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'offsite-targets.json'), 'utf8'));
    expect(saved.targets[0].secretAccessKey).toBe(SECRET);
    // Back to path-style (s3rver on 127.0.0.1 has no bucket sub-domains): the push now succeeds.
    await offsite.save({ pathStyle: 'true' }, 'scaleway');
    const [ok] = await offsite.push({ name: path.basename(archive), file: archive });
    expect(ok).toMatchObject({ ok: true });
  });
});
