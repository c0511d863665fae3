import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLIANCE_MAIN, runApplianceCli } from '../support/appliance.js';
import { tempDir } from '../support/controlPlane.js';
import { commandOnPath, runBlocks, shBlocks } from '../support/docCommands.js';

/** docs/backup.md promises its `sh` blocks work as written: run them, in order, on a cabinet with data. */
const blocks = shBlocks('docs/backup.md');

describe('docs/backup.md', () => {
  it('runs every command of the operator page successfully', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const dir = tempDir('backup-docs-');
    const env = {
      DATA_DIR: path.join(dir, 'data'),
      BACKUP_DIR: path.join(dir, 'backups'),
      BACKUP_PASSPHRASE: 'correct horse battery staple',
      OFFSITE: path.join(dir, 'nas'),
      TLS: 'false',
      HEARTBEAT_ENABLED: 'false',
    };
    fs.mkdirSync(env.OFFSITE);
    // A cabinet with something in it: the first admin, created from the shell.
    const added = await runApplianceCli(env.DATA_DIR, ['user', 'add', '--email', 'admin@cabinet.fr', '--role', 'admin'], {
      input: 'a long admin password\n',
      env,
    });
    expect(added.code, added.stderr).toBe(0);
    const bin = commandOnPath(dir, 'appliance', APPLIANCE_MAIN);
    const result = await runBlocks(blocks, { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, ...env } });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/FAIL {2}backups: no backup yet in /);
    expect(result.out).toMatch(/^backup written: .*\(.*0 cases, 0 documents, 1 users, \d+ audit entries\)$/m);
    expect(result.out).toMatch(/^1 backup\(s\) in /m);
    // Two from the BACKUP_DIR and hand-copy sections, one straight from the off-site target (« Copies hors site »).
    expect(result.out.match(/^ok: .* decrypts and matches its manifest/gm)).toHaveLength(3);
    expect(result.out).toMatch(/^ok: nas:iamanager-\S+\.iambak decrypts and matches its manifest/m);
    expect(result.out).toMatch(/^copied off site to nas$/m);
    expect(result.out).toMatch(/^restored .*\nthe data that was there is kept in .*\.pre-restore-/m);
    expect(result.out).toContain('"ok": true');
    // The copy made by hand, and the one the appliance pushed to the folder target after its backup.
    expect(fs.readdirSync(env.OFFSITE)).toHaveLength(2);
  }, 180_000);
});
