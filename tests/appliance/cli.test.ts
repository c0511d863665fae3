/**
 * The appliance's command line as a whole (docs/appliance.md, SPEC "Command line"): help for every
 * command and for one, a flag a command does not take refused before anything is opened, and
 * `--json` that scripts can parse. The commands themselves are tested where their features are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/controlPlane.js';
import { runApplianceCli } from '../support/appliance.js';

describe('appliance CLI', () => {
  const root = tempDir('appliance-cli-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data');
  const backupDir = path.join(root, 'backups');

  it('lists every command with `help`, and exits 2 when given no command', async () => {
    const help = await runApplianceCli(dataDir, ['help']);
    expect(help.code).toBe(0);
    for (const command of [
      'serve',
      'enroll --code CODE',
      'license import FILE',
      'license show',
      'user add --email E --role ROLE',
      'token create --email E',
      'usage export --month YYYY-MM --out FILE',
      'heartbeat',
      'doctor',
      'audit verify',
      'tls import --cert FILE --key FILE',
      'update [--manifest FILE]',
      'backup create',
      'backup list',
      'backup verify [FILE]',
      'backup restore FILE',
    ]) {
      expect(help.stdout).toContain(`  appliance ${command}`);
    }
    expect(help.stdout).toContain('appliance help <command>');
    const none = await runApplianceCli(dataDir, []);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe(help.stdout);
    expect((await runApplianceCli(dataDir, ['--help'])).stdout).toBe(help.stdout);
  });

  it("prints one command's usage with `help <command>` or `<command> --help`", async () => {
    const help = await runApplianceCli(dataDir, ['help', 'token', 'create']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: appliance token create --email E \[--label L\] \[--expires-in-days N\] +# a personal API token/);
    expect(help.stdout).toContain('--json');
    expect(help.stdout).not.toContain('backup');
    const flag = await runApplianceCli(dataDir, ['backup', 'restore', '--help']);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toMatch(/^usage: appliance backup restore FILE \[--force\] \[--passphrase-stdin\]/);
    expect((await runApplianceCli(dataDir, ['doctor', '-h'])).stdout).toMatch(/^usage: appliance doctor /);
    // serve prints no result, so its help offers no --json
    expect((await runApplianceCli(dataDir, ['help', 'serve'])).stdout).toBe(
      "usage: appliance serve                                   # run the cabinet's app\n",
    );
  });

  it("refuses a flag the command does not take, naming it with the command's usage, before opening DATA_DIR", async () => {
    const doctor = await runApplianceCli(dataDir, ['doctor', '--email', 'admin@cabinet.fr']);
    expect(doctor.code).toBe(1);
    expect(doctor.stderr).toBe("appliance: Unknown option '--email': appliance doctor does not take it (usage: appliance doctor)\n");
    // --force belongs to backup restore, not to backup verify
    const verify = await runApplianceCli(dataDir, ['backup', 'verify', '--force', '--json']);
    expect(verify.code).toBe(1);
    expect(verify.json).toEqual({
      ok: false,
      error: 'invalid_input',
      message:
        "Unknown option '--force': appliance backup verify does not take it (usage: appliance backup verify [FILE] [--passphrase-stdin] [--target ID])",
    });
    // serve prints nothing to parse: --json is not one of its flags
    const serve = await runApplianceCli(dataDir, ['serve', '--json']);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain("Unknown option '--json': appliance serve does not take it");
    const extra = await runApplianceCli(dataDir, ['heartbeat', 'now']);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toBe('appliance: unexpected argument "now" (usage: appliance heartbeat)\n');
    const unknown = await runApplianceCli(dataDir, ['frobnicate', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json).toEqual({ ok: false, error: 'invalid_input', message: 'unknown command "frobnicate": run appliance help' });
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('prints JSON that scripts can parse with --json', async () => {
    const license = await runApplianceCli(dataDir, ['license', 'show', '--json']);
    expect(license.code, license.stderr).toBe(0);
    expect(license.json).toMatchObject({ enrolled: false, state: 'unenrolled', applianceId: null });
    const doctor = await runApplianceCli(dataDir, ['doctor', '--json']);
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.json.checks.map((c: { check: string }) => c.check)).toEqual(
      expect.arrayContaining(['license', 'storage', 'disk', 'clock']),
    );
    const backups = await runApplianceCli(dataDir, ['backup', 'list', '--json'], { env: { BACKUP_DIR: backupDir } });
    expect(backups.code, backups.stderr).toBe(0);
    expect(backups.json).toEqual({ dir: backupDir, backups: [] });
    // Without --json, the same command prints its sentence.
    expect((await runApplianceCli(dataDir, ['backup', 'list'], { env: { BACKUP_DIR: backupDir } })).stdout).toBe(
      `no backup in ${backupDir}\n`,
    );
  });
});
