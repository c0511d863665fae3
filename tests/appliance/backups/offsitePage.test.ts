/**
 * The « Copies hors site » section of /admin/sauvegardes, rendered from the appliance's own
 * off-site state with its clock moved: no warning within a day of the last copy, the warning once
 * it is older than 24 h, the warnings for no copy yet and for no target, and never a secret shown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { OffsiteCopies } from '../../../appliance/src/domain/backups/offsite/offsiteCopies.js';
import { renderHtml } from '../../../appliance/src/web/render.js';
import { AdminBackupsPage } from '../../../appliance/src/web/pages/adminBackups.js';
import type { BackupView, Chrome } from '../../../appliance/src/web/viewModels.js';

const log = createLogger('test', 'silent');
const EVIL = '<script>alert("x")</script>';
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
  backups: 3,
  dir: '/backups',
  lastError: null,
};

async function setUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsite-page-'));
  const dataDir = path.join(dir, 'data');
  const share = path.join(dir, 'nas');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(share);
  const state = { now: new Date(LAST_BACKUP) };
  const offsite = await OffsiteCopies.open({ dataDir, backupDir: path.join(dir, 'backups'), clock: () => state.now, log });
  const render = () =>
    renderHtml(
      h(AdminBackupsPage, {
        chrome: CHROME,
        backup: BACKUP,
        offsite: { status: offsite.status(), warning: offsite.staleness(LAST_BACKUP) },
      }),
    );
  return { dir, share, offsite, state, render };
}

const warningOf = (html: string) => /id="offsite-warning">([^<]*)</.exec(html)?.[1] ?? null;

describe('admin page: off-site copies', () => {
  it('warns when backups run without any target', async () => {
    const { render } = await setUp();
    expect(warningOf(render())).toBe(
      'Aucune cible hors site : les sauvegardes ne sont que sur cette machine et disparaîtraient avec elle. Ajoutez-en une.',
    );
  });

  it('warns until a first copy succeeds, then only once the last copy is older than 24 h', async () => {
    const { dir, share, offsite, state, render } = await setUp();
    await offsite.save({ kind: 'folder', id: 'nas', label: `NAS ${EVIL}`, path: share });
    expect(warningOf(render())).toBe(
      'Aucune copie hors site n’a encore réussi alors que les sauvegardes tournent. Testez les cibles ci-dessous.',
    );

    const archive = path.join(dir, 'iamanager-20260314T013000000Z-scheduled.iambak');
    fs.writeFileSync(archive, 'encrypted bytes');
    state.now = new Date('2026-03-14T01:31:00.000Z');
    await offsite.push({ name: path.basename(archive), file: archive });
    const fresh = render();
    expect(warningOf(fresh)).toBeNull();
    expect(fresh).toContain('iamanager-20260314T013000000Z-scheduled.iambak');
    expect(fresh).not.toContain(EVIL); // the label is escaped
    expect(fresh).toContain('NAS &lt;script>alert');

    // 23 h 59 min after the copy (01:31 → 01:30 the next day): still within the day.
    state.now = new Date('2026-03-15T01:30:00.000Z');
    expect(warningOf(render())).toBeNull();
    // 25 h after the copy (01:31 on the 14th → 02:31 on the 15th): older than 24 h, "25 h" said.
    state.now = new Date('2026-03-15T02:31:00.000Z');
    expect(warningOf(render())).toMatch(
      /^La dernière copie hors site date du .* \(il y a 25 h\) : plus de 24 h\. Vérifiez les cibles ci-dessous\.$/,
    );
  });

  it('shows a failure in French with its detail, and never a saved secret', async () => {
    const { offsite, state, render, dir } = await setUp();
    await offsite.save({
      kind: 'sftp',
      id: 'hebergeur',
      label: 'Hébergeur',
      host: '127.0.0.1',
      port: '1',
      username: 'cabinet',
      password: 'un mot de passe très secret',
      remoteDir: '/sauvegardes',
      hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    });
    const archive = path.join(dir, 'iamanager-20260314T013000000Z-scheduled.iambak');
    fs.writeFileSync(archive, 'encrypted bytes');
    state.now = new Date('2026-03-14T01:31:00.000Z');
    const [outcome] = await offsite.push({ name: path.basename(archive), file: archive });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'offsite_unreachable' } });
    const html = render();
    expect(html).toContain('cible injoignable (partage non monté, serveur arrêté ou pare-feu)');
    expect(html).toContain('cannot reach cabinet@127.0.0.1:1 (ECONNREFUSED)');
    expect(html).not.toContain('un mot de passe très secret');
    expect(html).toContain('placeholder="enregistré"');
  });
});
