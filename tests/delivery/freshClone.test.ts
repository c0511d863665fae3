/**
 * A newcomer's first hour, from a fresh clone of the committed tree: `npm ci` links the
 * `control-plane` and `appliance` commands before anything is built (so `npx` never fetches an
 * unrelated package from the registry), they say how to build when run too early, and after the
 * build every command of the operator pages works in the form the README gives for a source
 * checkout: `npx control-plane …`, `npx appliance …`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, freePort, runBlocks, shBlocks } from '../support/docCommands.js';

let clone: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-clone-'));
afterAll(() => {
  // Nothing a page started may outlive the test, whatever step failed.
  spawnSync('pkill', ['-f', work]);
  fs.rmSync(work, { recursive: true, force: true });
});

function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { status: number | null; out: string } {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? clone,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/**
 * The operator pages' commands in the source-checkout form the README gives. A server the page
 * starts in the background runs through `node_modules/.bin/…`, the very file `npx` resolves to:
 * `npx` runs it as a grandchild that the page's `kill %1` would not reach.
 */
function npxForm(block: string): string {
  return block
    .replace(/(^|[|;&(]\s*|\$\(\s*)(control-plane|appliance)(?= )/gm, '$1npx $2')
    .replace(/^npx (control-plane|appliance) serve\b(.*)&\s*$/gm, 'node_modules/.bin/$1 serve$2&');
}

/** What npm prints when `npx NAME` found no local command and goes to the registry for one. */
const FETCHED = /not found and will be installed|npm (?:warn|ERR!) exec|Need to install the following packages/i;

beforeAll(() => {
  clone = path.join(work, 'iamanager');
  const cloned = run('git', ['clone', '--quiet', '--no-hardlinks', REPOSITORY, clone], { cwd: work });
  expect(cloned.status, cloned.out).toBe(0);
}, 60_000);

describe('a fresh clone', () => {
  it('links both commands at npm ci, before tsc has built them, and they say how to build', () => {
    const installed = run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']);
    expect(installed.status, installed.out).toBe(0);
    for (const name of ['control-plane', 'appliance']) {
      expect(fs.existsSync(path.join(clone, 'node_modules', '.bin', name)), name).toBe(true);
      const early = run('npx', [name, 'doctor']);
      expect({ status: early.status, fetched: FETCHED.test(early.out) }, early.out).toEqual({ status: 2, fetched: false });
      expect(early.out).toContain(`${name}: not built yet: run \`npm run build\` (or \`npm start\`) in the repository first`);
    }
  }, 300_000);

  it('tells a newcomer, at the top of the README, how to type the commands from a checkout', () => {
    const top = fs.readFileSync(path.join(clone, 'README.md'), 'utf8').split('\n').slice(0, 15).join('\n');
    expect(top).toContain('`npx control-plane …`');
    expect(top).toContain('`npx appliance …`');
  });

  it('runs every command of the operator pages as `npx control-plane …` / `npx appliance …` once built', async () => {
    const built = run('npm', ['run', 'build']);
    expect(built.status, built.out).toBe(0);

    const controlPlane = shBlocks('docs/control-plane.md', clone).map(npxForm);
    expect(controlPlane.join('\n')).toContain('npx control-plane cabinet create');
    const cp = await runBlocks(controlPlane, {
      cwd: clone,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        DATA_DIR: path.join(work, 'cp-data'),
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        ADMIN_PASSWORD: 'a long operator passphrase',
      },
    });
    expect(cp.code, cp.out).toBe(0);
    expect(cp.out).not.toMatch(FETCHED);
    expect(cp.out).toContain('enrollment code (single use, 7 days):');

    const dataDir = path.join(work, 'appliance-data');
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      DATA_DIR: dataDir,
      BACKUP_DIR: path.join(work, 'backups'),
      BACKUP_PASSPHRASE: 'correct horse battery staple',
      OFFSITE: path.join(work, 'nas'),
      TLS: 'false',
      HEARTBEAT_ENABLED: 'false',
    };
    fs.mkdirSync(env.OFFSITE);
    const admin = spawnSync('npx', ['appliance', 'user', 'add', '--email', 'admin@cabinet.fr', '--role', 'admin'], {
      cwd: clone,
      env,
      input: 'a long admin password\n',
      encoding: 'utf8',
    });
    expect(admin.status, `${admin.stdout}${admin.stderr}`).toBe(0);
    const backups = await runBlocks(shBlocks('docs/backup.md', clone).map(npxForm), { cwd: clone, env });
    expect(backups.code, backups.out).toBe(0);
    expect(backups.out).not.toMatch(FETCHED);
    expect(backups.out).toMatch(/^backup written: /m);
  }, 1_200_000);
});
