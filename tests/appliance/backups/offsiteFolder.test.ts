/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON answers asserted field by field */
/**
 * Off-site copies to a folder target (an SMB/NFS share as the appliance sees it), through the CLI
 * as the IT person uses it: each backup is pushed, the target's own retention applies, a backup is
 * verified and restored straight from the share, a target that fails never fails the local backup
 * (and is retried at the next one), the appliance's own folders are refused, and `doctor` warns
 * when the last off-site copy is older than a day (the appliance's clock moved forward).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runApplianceCli } from '../../support/appliance.js';
import { tempDir } from '../../support/controlPlane.js';

const PASSPHRASE = 'quatre mots sans rapport: tuile, ormeau, Léon, 1987';
let work: string;
let dataDir: string;
let backupDir: string;
let share: string;
let env: Record<string, string>;

const cli = (args: string[], options: { input?: string; dir?: string; env?: Record<string, string> } = {}) =>
  runApplianceCli(options.dir ?? dataDir, [...args, '--json'], {
    env: { ...env, ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });

beforeAll(async () => {
  work = tempDir('offsite-folder-');
  dataDir = path.join(work, 'data');
  backupDir = path.join(work, 'backups');
  share = path.join(work, 'nas');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(share);
  env = { BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: backupDir };
  const added = await cli(['user', 'add', '--email', 'avocate@cabinet.fr', '--role', 'admin'], { input: 'correct horse battery staple\n' });
  expect(added.code, added.stderr).toBe(0);
});

describe('folder target', () => {
  it("refuses the appliance's own folders and a folder that does not exist, naming the field", async () => {
    for (const [where, says] of [
      [dataDir, "is the appliance's own DATA_DIR"],
      [path.join(backupDir, 'copies'), "is the appliance's own BACKUP_DIR"],
      [work, "is the appliance's own DATA_DIR"], // it holds DATA_DIR
      [path.join(work, 'not-mounted'), 'is not a folder on the appliance: mount the share there first'],
    ] as const) {
      const refused = await cli(['backup', 'target', 'add', '--kind', 'folder', '--id', 'x', '--label', 'X', '--path', where]);
      expect(refused.code).toBe(1);
      expect(refused.json.error).toBe('offsite_target_refused');
      expect(refused.json.message).toMatch(/^path: /);
      expect(refused.json.message).toContain(says);
    }
    const badId = await cli(['backup', 'target', 'add', '--kind', 'folder', '--id', 'NAS du cabinet', '--label', 'X', '--path', share]);
    expect(badId.json.error).toBe('invalid_input');
    expect(badId.json.message).toContain('id: an id of 1 to 40 lower-case letters, digits or dashes');
    expect((await cli(['backup', 'target', 'list'])).json.targets).toEqual([]);
  });

  it('pushes each backup, keeps the last N there, and lists what the share holds', async () => {
    const add = await cli([
      'backup',
      'target',
      'add',
      '--kind',
      'folder',
      '--id',
      'nas',
      '--label',
      'NAS du cabinet',
      '--path',
      share,
      '--keep',
      '2',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json).toMatchObject({
      id: 'nas',
      kind: 'folder',
      enabled: true,
      settings: { path: share, retention: { keep: 2, days: null } },
    });
    expect((await cli(['backup', 'target', 'test', 'nas'])).json).toEqual({ ok: true, target: 'nas' });
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await cli(['backup', 'create']);
      expect(created.code, created.stderr).toBe(0);
      names.push(created.json.name);
      expect(created.json.offsite).toEqual([{ target: 'nas', ok: true, removed: i < 2 ? [] : [names[0]], error: null }]);
    }
    // Only whole copies under their names: no temp file is left on the share.
    expect(fs.readdirSync(share).sort()).toEqual(names.slice(1).sort());
    for (const name of names.slice(1)) expect(fs.readFileSync(path.join(share, name)).length).toBeGreaterThan(1000);
    const listed = await cli(['backup', 'list', '--target', 'nas']);
    expect(listed.json.backups.map((b: any) => b.name)).toEqual([names[2], names[1]]);
    const status = await cli(['backup', 'target', 'list']);
    expect(status.json.targets[0].status).toMatchObject({ lastCopy: names[2], lastError: null });
    expect(status.json.lastOffsiteCopyAt).toEqual(status.json.targets[0].status.lastSuccessAt);
  });

  it('verifies and restores straight from the share', async () => {
    const newest = (await cli(['backup', 'list', '--target', 'nas'])).json.backups[0].name;
    const verified = await cli(['backup', 'verify', '--target', 'nas']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json).toMatchObject({ ok: true, file: `nas:${newest}`, counts: { users: 1 } });
    const missing = await cli(['backup', 'verify', '--target', 'nas', 'iamanager-20200101T000000000Z-manual.iambak']);
    expect(missing.json.error).toBe('backup_not_found');
    const unknown = await cli(['backup', 'verify', '--target', 'nowhere']);
    expect(unknown.json.error).toBe('offsite_target_not_found');

    // A replacement machine: a fresh DATA_DIR with only the target added (kept aside by the restore's --force).
    const fresh = path.join(work, 'replacement', 'data');
    fs.mkdirSync(fresh, { recursive: true });
    const freshEnv = { BACKUP_DIR: path.join(work, 'replacement', 'backups') };
    expect(
      (
        await cli(['backup', 'target', 'add', '--kind', 'folder', '--id', 'nas', '--label', 'NAS', '--path', share], {
          dir: fresh,
          env: freshEnv,
        })
      ).code,
    ).toBe(0);
    const restored = await cli(['backup', 'restore', '--target', 'nas', newest, '--force'], { dir: fresh, env: freshEnv });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json).toMatchObject({ file: `nas:${newest}`, counts: { users: 1 } });
    expect(fs.readFileSync(path.join(fresh, 'users.json'), 'utf8')).toContain('avocate@cabinet.fr');
    // The download went through the replacement's BACKUP_DIR and is gone.
    expect(fs.readdirSync(freshEnv.BACKUP_DIR)).toEqual([]);
  });

  it('never fails the local backup when a target fails, records why, and catches up at the next backup', async () => {
    fs.renameSync(share, `${share}-unmounted`);
    const created = await cli(['backup', 'create']);
    expect(created.code, created.stderr).toBe(0);
    expect(fs.existsSync(created.json.file)).toBe(true);
    expect(created.json.offsite).toEqual([
      {
        target: 'nas',
        ok: false,
        removed: [],
        error: { code: 'offsite_unreachable', message: expect.stringContaining('is the share mounted') },
      },
    ]);
    const status = (await cli(['backup', 'target', 'list'])).json.targets[0].status;
    expect(status.lastError).toMatchObject({ code: 'offsite_unreachable' });
    expect(status.lastCopy).not.toBe(created.json.name); // the last success is kept as it was
    const doctor = await cli(['doctor']);
    const check = doctor.json.checks.find((c: any) => c.check === 'off-site copies');
    expect(check.ok).toBe(false);
    expect(check.detail).toContain('nas failed at');
    fs.renameSync(`${share}-unmounted`, share);
    const next = await cli(['backup', 'create']);
    expect(next.json.offsite[0]).toMatchObject({ ok: true, error: null });
    expect(fs.readdirSync(share)).toContain(next.json.name);
    expect((await cli(['backup', 'target', 'list'])).json.targets[0].status).toMatchObject({ lastCopy: next.json.name, lastError: null });
  });

  it('doctor: fine within a day of the last copy, a warning once it is older than 24 h', async () => {
    const last = (await cli(['backup', 'target', 'list'])).json.lastOffsiteCopyAt as string;
    const check = async (offsetSeconds: number) =>
      (await cli(['doctor'], { env: { CLOCK_OFFSET_SECONDS: String(offsetSeconds), BACKUP_TIME: 'off' } })).json.checks.find(
        (c: any) => c.check === 'off-site copies',
      );
    // 23 h later (23 × 3600 s): still within the day.
    expect(await check(23 * 3600)).toEqual({ check: 'off-site copies', ok: true, detail: `last off-site copy ${last}` });
    // 25 h later (25 × 3600 s): older than 24 h; the hours are whole hours since the copy (25, or 24 if it
    // was made within the second before this test read it back, never less).
    const stale = await check(25 * 3600);
    expect(stale.ok).toBe(false);
    expect(stale.detail).toMatch(new RegExp(`^last off-site copy ${last} \\((24|25) h ago\\): older than 24 h$`));
  });

  it('doctor says, without failing, when backups run but no off-site target exists', async () => {
    const dir = path.join(work, 'lonely', 'data');
    fs.mkdirSync(dir, { recursive: true });
    const lonelyEnv = { BACKUP_DIR: path.join(work, 'lonely', 'backups') };
    expect((await cli(['backup', 'create'], { dir, env: lonelyEnv })).json.offsite).toEqual([]);
    const check = (await cli(['doctor'], { dir, env: lonelyEnv })).json.checks.find((c: any) => c.check === 'off-site copies');
    // Said, not failed (cabinets may copy BACKUP_DIR off the machine themselves); the admin page warns.
    expect(check.ok).toBe(true);
    expect(check.detail).toMatch(
      /^not configured: no off-site target, so unless BACKUP_DIR is copied off this machine some other way the backups die with it/,
    );
  });

  it('removes a target, leaving the copies already sent where they are', async () => {
    const removed = await cli(['backup', 'target', 'remove', 'nas']);
    expect(removed.json).toEqual({ removed: 'nas' });
    expect((await cli(['backup', 'target', 'list'])).json).toEqual({ lastOffsiteCopyAt: null, targets: [] });
    expect(fs.readdirSync(share).length).toBeGreaterThan(0);
  });
});
