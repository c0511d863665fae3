/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON answers asserted field by field */
/**
 * The SFTP off-site target against a real OpenSSH server (tests/support/sshServer.ts): the host
 * key is pinned (first use shows it; another key is refused before any credential is sent), a
 * wrong password is refused with a clear error, and end to end through the CLI a backup is pushed,
 * listed, verified and restored straight from the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpTarget } from '../../../appliance/src/domain/backups/offsite/sftpTarget.js';
import type { SftpSettings } from '../../../appliance/src/domain/backups/offsite/targetSettings.js';
import { runApplianceCli } from '../../support/appliance.js';
import { tempDir } from '../../support/controlPlane.js';
import { startSshServer, type SshServer } from '../../support/sshServer.js';

const PASSPHRASE = 'quatre mots sans rapport: tuile, ormeau, Léon, 1987';
let ssh: SshServer;
let work: string;

beforeAll(async () => {
  work = tempDir('offsite-sftp-');
  ssh = await startSshServer(work);
});
afterAll(async () => {
  await ssh?.stop();
});

function settings(overrides: Partial<SftpSettings> = {}): SftpSettings {
  return {
    id: 'sftp',
    kind: 'sftp',
    label: 'Serveur SFTP du cabinet',
    enabled: true,
    retention: { keep: 7, days: null },
    createdAt: '2026-03-01T00:00:00.000Z',
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    password: null,
    privateKey: ssh.privateKey,
    remoteDir: ssh.remoteDir,
    hostKeySha256: ssh.fingerprint,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string; details: any }> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: string; message: string; details: any } | undefined;
  if (!err) throw new Error('expected a refusal, got success');
  return err;
}

describe('SFTP target (in-process, real sshd)', () => {
  it('writes, reads back and removes a probe with the pinned key', async () => {
    await new SftpTarget(settings()).test();
    expect(fs.readdirSync(ssh.remoteDir)).toEqual([]);
  });

  it('shows the host key to pin on first use, sending nothing before it is pinned', async () => {
    const err = await refusal(new SftpTarget(settings({ hostKeySha256: null })).test());
    expect(err.code).toBe('offsite_host_key_unpinned');
    expect(err.details.fingerprint).toBe(ssh.fingerprint);
    expect(err.message).toContain(ssh.fingerprint);
    expect(err.message).toContain('pin it');
  });

  it('refuses a server presenting another host key than the pinned one', async () => {
    const other = 'SHA256:' + 'A'.repeat(43);
    const err = await refusal(new SftpTarget(settings({ hostKeySha256: other })).test());
    expect(err.code).toBe('offsite_host_key_mismatch');
    expect(err.message).toContain(`presents the host key ${ssh.fingerprint}, not the pinned ${other}: refused`);
  });

  it('refuses a wrong password with an error naming the user and what to check', async () => {
    const err = await refusal(new SftpTarget(settings({ privateKey: null, password: 'not the password' })).test());
    expect(err.code).toBe('offsite_auth_failed');
    expect(err.message).toContain(`refused the password for user ${ssh.user}: check the user name and the password`);
  });

  it('says the server is unreachable when nothing listens on the port', async () => {
    const { freePort } = await import('../../support/appliance.js');
    const err = await refusal(new SftpTarget(settings({ port: await freePort() })).list());
    expect(err.code).toBe('offsite_unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('puts under a temporary name then renames, lists, gets and removes', async () => {
    const target = new SftpTarget(settings());
    const local = path.join(work, 'iamanager-20260301T023000000Z-scheduled.iambak');
    fs.writeFileSync(local, Buffer.alloc(300_000, 7));
    await target.put(path.basename(local), local);
    expect(fs.readdirSync(ssh.remoteDir)).toEqual([path.basename(local)]); // no .part left behind
    const listed = await target.list();
    expect(listed).toEqual([{ name: path.basename(local), size: 300_000, modifiedAt: expect.any(String) }]);
    const back = path.join(work, 'back.bin');
    await target.get(path.basename(local), back);
    expect(fs.readFileSync(back).equals(fs.readFileSync(local))).toBe(true);
    const missing = await refusal(target.get('iamanager-20250101T000000000Z-manual.iambak', back));
    expect(missing.code).toBe('backup_not_found');
    await target.remove(path.basename(local));
    expect(await target.list()).toEqual([]);
  });
});

describe('SFTP target through the CLI', () => {
  it('pushes each backup, and verifies and restores straight from the server', async () => {
    const dataDir = path.join(work, 'cabinet', 'data');
    const backupDir = path.join(work, 'cabinet', 'backups');
    fs.mkdirSync(dataDir, { recursive: true });
    const env = { BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: backupDir };
    const cli = (args: string[], input?: string, dir = dataDir) =>
      runApplianceCli(dir, [...args, '--json'], { env, ...(input !== undefined ? { input } : {}) });
    expect((await cli(['user', 'add', '--email', 'avocate@cabinet.fr', '--role', 'admin'], 'correct horse battery staple\n')).code).toBe(0);
    const add = await cli([
      'backup',
      'target',
      'add',
      '--kind',
      'sftp',
      '--id',
      'sftp',
      '--label',
      'SFTP hébergeur',
      '--host',
      ssh.host,
      '--port',
      String(ssh.port),
      '--user',
      ssh.user,
      '--private-key',
      ssh.privateKeyFile,
      '--remote-dir',
      ssh.remoteDir,
      '--keep',
      '2',
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json.settings).toMatchObject({ privateKeySet: true, passwordSet: false, hostKeySha256: null });
    expect(JSON.stringify(add.json)).not.toContain('PRIVATE KEY');
    // The settings file holds the key: readable by the appliance's user only.
    expect(fs.statSync(path.join(dataDir, 'offsite-targets.json')).mode & 0o777).toBe(0o600);

    // First use: the test shows the fingerprint; the IT person compares and pins it.
    const first = await cli(['backup', 'target', 'test', 'sftp']);
    expect(first.code).toBe(1);
    expect(first.json.error).toBe('offsite_host_key_unpinned');
    expect(first.stderr).toContain(ssh.fingerprint);
    // Unpinned, a backup still succeeds locally and records the target's failure.
    const unpinned = await cli(['backup', 'create']);
    expect(unpinned.code, unpinned.stderr).toBe(0);
    expect(unpinned.json.offsite).toEqual([
      {
        target: 'sftp',
        ok: false,
        removed: [],
        error: { code: 'offsite_host_key_unpinned', message: expect.stringContaining(ssh.fingerprint) },
      },
    ]);
    expect((await cli(['backup', 'target', 'edit', 'sftp', '--host-key', ssh.fingerprint])).code).toBe(0);
    expect((await cli(['backup', 'target', 'test', 'sftp'])).json).toEqual({ ok: true, target: 'sftp' });

    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await cli(['backup', 'create']);
      expect(created.code, created.stderr).toBe(0);
      expect(created.json.offsite[0]).toMatchObject({ target: 'sftp', ok: true, error: null });
      names.push(created.json.name);
    }
    // keep 2: the first of the three was removed from the server by the target's retention.
    expect(fs.readdirSync(ssh.remoteDir).sort()).toEqual(names.slice(1).sort());
    const listed = await cli(['backup', 'list', '--target', 'sftp']);
    expect(listed.json.backups.map((b: any) => b.name)).toEqual([names[2], names[1]]);
    const status = await cli(['backup', 'target', 'list']);
    expect(status.json.targets[0].status).toMatchObject({ lastCopy: names[2], lastError: null });
    expect(status.json.lastOffsiteCopyAt).toBe(status.json.targets[0].status.lastSuccessAt);

    const verified = await cli(['backup', 'verify', '--target', 'sftp', names[1]!]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json).toMatchObject({ ok: true, file: `sftp:${names[1]}`, counts: { users: 1 } });
    const wrong = await cli(['backup', 'verify', '--target', 'sftp', '--passphrase-stdin'], 'not the passphrase at all\n');
    expect(wrong.json.error).toBe('backup_wrong_passphrase');
    // Nothing downloaded is left behind in BACKUP_DIR.
    expect(fs.readdirSync(backupDir).filter((n) => n.startsWith('.'))).toEqual([]);

    // A replacement machine: empty DATA_DIR, the target added again, restore from the server.
    const fresh = path.join(work, 'replacement', 'data');
    fs.mkdirSync(fresh, { recursive: true });
    const again = await cli(
      [
        'backup',
        'target',
        'add',
        '--kind',
        'sftp',
        '--id',
        'sftp',
        '--label',
        'SFTP',
        '--host',
        ssh.host,
        '--port',
        String(ssh.port),
        '--user',
        ssh.user,
        '--private-key',
        ssh.privateKeyFile,
        '--remote-dir',
        ssh.remoteDir,
        '--host-key',
        ssh.fingerprint,
      ],
      undefined,
      fresh,
    );
    expect(again.code, again.stderr).toBe(0);
    // Adding the target opened the new appliance's (empty) stores, so the restore moves them aside (--force).
    const refused = await cli(['backup', 'restore', '--target', 'sftp', names[2]!], undefined, fresh);
    expect(refused.json.error).toBe('restore_target_not_empty');
    const restored = await cli(['backup', 'restore', '--target', 'sftp', names[2]!, '--force'], undefined, fresh);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.json).toMatchObject({ file: `sftp:${names[2]}`, counts: { users: 1 } });
    // The backup brought the targets as they were (pinned key included).
    const targets = JSON.parse(fs.readFileSync(path.join(fresh, 'offsite-targets.json'), 'utf8'));
    expect(targets.targets[0]).toMatchObject({ id: 'sftp', hostKeySha256: ssh.fingerprint, retention: { keep: 2, days: null } });
    const users = JSON.parse(fs.readFileSync(path.join(fresh, 'users.json'), 'utf8'));
    expect(JSON.stringify(users)).toContain('avocate@cabinet.fr');
  }, 180_000);
});
