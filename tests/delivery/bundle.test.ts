/**
 * The per-cabinet install bundle and its install.sh: the bundle holds the cabinet's identity and a
 * fresh enrollment code, resolves with Debian's docker-compose, and install.sh checks before it
 * changes anything, enrolls once, and can be run again safely — tested with a stand-in `docker`
 * on PATH that records every command it receives.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/controlPlane.js';
import { freePort } from '../support/appliance.js';
import { DUPONT_CABINET } from '../support/billing.js';

let out: string;
let folder: string;
let code: string;
let pins: string;

/** A stand-in `docker`: logs its arguments, answers like Docker would, keeps enrollment state in a file. */
function fakeDocker(dir: string, version = '24.0.7'): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/usr/bin/env bash
echo "$*" >> "${dir}/docker.log"
case "$*" in
  "version --format {{.Server.Version}}") echo "${version}" ;;
  "compose version") echo "Docker Compose version v2.24.0" ;;
  "compose version --short") echo "2.24.0" ;;
  ps*) ;;
  inspect*) echo healthy ;;
  *"license show --json"*) if [ -f "${dir}/enrolled" ]; then echo '{ "enrolled": true }'; else echo '{ "enrolled": false }'; fi ;;
  *" enroll --code "*) touch "${dir}/enrolled" ;;
  *) ;;
esac
`,
    { mode: 0o755 },
  );
  return bin;
}

function install(bundle: string, bin: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [path.join(bundle, 'install.sh')], {
    cwd: bundle,
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, MIN_DISK_GB: '1', MIN_RAM_MB: '256' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const cpDir = tempDir('cp-bundle-');
  const created = await runCli(cpDir, ['cabinet', 'create', ...DUPONT_CABINET, '--json'], {
    env: { PUBLIC_URL: 'https://cp.iamanager.fr' },
  });
  expect(created.code, created.stderr).toBe(0);
  // A rotation in progress: two vendor keys are valid, so the bundle must pin both.
  expect((await runCli(cpDir, ['keys', 'rotate', '--json'])).code).toBe(0);
  out = tempDir('bundles-');
  const bundle = await runCli(cpDir, ['cabinet', 'bundle', 'dupont', '--out', out, '--json'], {
    env: { PUBLIC_URL: 'https://cp.iamanager.fr', LATEST_APPLIANCE_VERSION: '0.1.0' },
  });
  expect(bundle.code, bundle.stderr).toBe(0);
  folder = bundle.json.folder;
  code = bundle.json.enrollmentCode;
  const published = JSON.parse(fs.readFileSync(path.join(cpDir, 'keys', 'keys.json'), 'utf8')).keys as Array<{ publicKey: JWK }>;
  pins = (await Promise.all(published.map((k) => calculateJwkThumbprint(k.publicKey, 'sha256')))).join(',');
  expect(bundle.json.vendorKeyPins.join(',')).toBe(pins);
  // Free ports for the pre-flight check, so the test never depends on what this machine runs.
  const env = fs
    .readFileSync(path.join(folder, '.env'), 'utf8')
    .replace('HTTP_PORT=80', `HTTP_PORT=${await freePort()}`)
    .replace('HTTPS_PORT=443', `HTTPS_PORT=${await freePort()}`);
  fs.writeFileSync(path.join(folder, '.env'), env);
}, 60_000);

describe('cabinet bundle', () => {
  it('writes the cabinet identity and a fresh enrollment code, with the .env private', () => {
    const env = fs.readFileSync(path.join(folder, '.env'), 'utf8');
    expect(env).toContain('CLIENT_ID=dupont\n');
    expect(env).toContain('CLIENT_NAME=Cabinet Dupont & Associés\n');
    expect(env).toContain('CLIENT_SIRET=12345678901237\n');
    expect(env).toContain('CONTROL_PLANE_URL=https://cp.iamanager.fr\n');
    expect(env).toContain(`ENROLLMENT_CODE=${code}\n`);
    // Both valid vendor keys' RFC 7638 thumbprints, for the appliance to pin.
    expect(pins).toMatch(/^[A-Za-z0-9_-]{43},[A-Za-z0-9_-]{43}$/);
    expect(env).toContain(`VENDOR_KEY_PINS=${pins}\n`);
    expect(fs.statSync(path.join(folder, '.env')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(folder, 'install.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(folder, 'LISEZMOI.md'), 'utf8')).toContain('./install.sh');
  });

  it('ships the same files as a .tar.gz', () => {
    const listing = execFileSync('tar', ['-tzf', `${folder}.tar.gz`])
      .toString()
      .trim()
      .split('\n')
      .sort();
    expect(listing).toEqual(['dupont/.env', 'dupont/LISEZMOI.md', 'dupont/compose.yaml', 'dupont/install.sh']);
  });

  it('resolves with docker-compose config as written', () => {
    const r = spawnSync(
      'docker-compose',
      ['--project-directory', folder, '-f', path.join(folder, 'compose.yaml'), '--env-file', path.join(folder, '.env'), 'config'],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('container_name: iamanager-dupont');
    expect(r.stdout).toContain('image: iamanager/appliance:0.1.0');
    expect(r.stdout).toContain(`VENDOR_KEY_PINS: ${pins}`);
  });
});

describe('install.sh', () => {
  it('checks first, starts, waits for health, enrolls once, and is safe to run again', () => {
    const dir = tempDir('fake-docker-');
    const bin = fakeDocker(dir);
    const first = install(folder, bin);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('enrôlée auprès de https://cp.iamanager.fr');
    const second = install(folder, bin);
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('déjà enrôlée');
    const log = fs.readFileSync(path.join(dir, 'docker.log'), 'utf8').trim().split('\n');
    expect(log.filter((l) => l.endsWith('up -d'))).toHaveLength(2);
    expect(log.filter((l) => l.includes(' enroll --code '))).toEqual([
      `compose --env-file .env -f compose.yaml exec -T appliance node appliance/dist/main.js enroll --code ${code}`,
    ]);
  });

  it('changes nothing when a check fails, and says how to fix it', () => {
    const dir = tempDir('old-docker-');
    const bin = fakeDocker(dir, '19.03.1');
    const r = install(folder, bin);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('ÉCHEC : Docker 19.03.1 est trop ancien');
    expect(r.stdout).toContain('→ mettez Docker à jour (20.10 ou plus récent)');
    expect(r.stdout).toContain("rien n'a été modifié");
    expect(fs.readFileSync(path.join(dir, 'docker.log'), 'utf8')).not.toMatch(/up -d|enroll/);
  });
});
