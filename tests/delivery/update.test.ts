/**
 * `appliance update` on a Docker bundle, with a stand-in `docker` on PATH that records every
 * command (compose through the docker-compose library, and inspect for health and digests). A
 * version the stand-in is told is broken damages the data it starts on and never turns healthy:
 * the update must then restore the pre-update backup and the previous image. Every update comes
 * with a manifest signed by a vendor key pinned in `.env` (tests/hostile/updateBundles.test.ts
 * holds the refusals).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLIANCE_MAIN } from '../support/appliance.js';
import { tempDir } from '../support/controlPlane.js';
import { DIGEST_A, DIGEST_B, vendorSigner } from '../support/releases.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const V2 = `iamanager/appliance@${DIGEST_A}`;
const V3 = `iamanager/appliance@${DIGEST_B}`;

async function bundle(): Promise<{ dir: string; log: string; bin: string }> {
  const dir = tempDir('update-bundle-');
  const vendor = await vendorSigner();
  fs.copyFileSync(path.join(ROOT, 'docker/appliance/compose.yaml'), path.join(dir, 'compose.yaml'));
  fs.writeFileSync(
    path.join(dir, '.env'),
    `CLIENT_ID=dupont\nCLIENT_NAME=Cabinet Dupont & Associés\nCONTROL_PLANE_URL=https://cp.iamanager.fr\nAPPLIANCE_IMAGE=iamanager/appliance:0.1.0\nVENDOR_KEY_PINS=${vendor.pin}\n`,
  );
  fs.writeFileSync(path.join(dir, 'update-0.2.0.jws'), await vendor.sign('0.2.0', V2));
  fs.writeFileSync(path.join(dir, 'update-0.3.0.jws'), await vendor.sign('0.3.0', V3));
  fs.mkdirSync(path.join(dir, 'data', 'cases'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'cases', 'a.json'), '{"reference":"D-2026-0001"}');
  const state = tempDir('docker-state-');
  const bin = path.join(state, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/usr/bin/env bash
echo "$* [APPLIANCE_IMAGE=$APPLIANCE_IMAGE]" >> "${state}/docker.log"
broken=$(cat "${state}/broken" 2>/dev/null)
case "$*" in
  *" run "*"backup create --kind pre-update --json"*)
            case "$(cat "${state}/backup" 2>/dev/null)" in
              off) echo '{"ok":false,"error":"backup_not_configured","message":"BACKUP_PASSPHRASE is not set: backups are OFF"}'; exit 1 ;;
              full) echo '{"ok":false,"error":"storage_full","message":"the disk holding /backups is full: free some space; nothing was changed"}'; exit 1 ;;
              *) cp -r "$PWD/data" "${state}/backed-up"
                 printf '{\n  "name": "iamanager-20260315T140000000Z-pre-update.iambak",\n  "kind": "pre-update"\n}\n' ;;
            esac ;;
  *" run "*"backup restore iamanager-20260315T140000000Z-pre-update.iambak --force --json"*)
            mkdir -p "$PWD/data/.pre-restore-x" && mv "$PWD/data/cases" "$PWD/data/.pre-restore-x/" && cp -r "${state}/backed-up/cases" "$PWD/data/cases"
            echo '{"previousData":"/data/.pre-restore-x"}' ;;
  *" pull "*) [ -n "$broken" ] && [ "$APPLIANCE_IMAGE" = "iamanager/appliance:unpullable" ] && exit 1 ;;
  "image inspect"*) echo "[\\"\${@: -1}\\"]" ;;
  *" up "*) echo "$APPLIANCE_IMAGE" > "${state}/current"
            if [ -n "$broken" ] && [ "$APPLIANCE_IMAGE" = "$broken" ]; then echo garbage > "$PWD/data/cases/a.json"; fi ;;
  inspect*) if [ -n "$broken" ] && [ "$(cat "${state}/current")" = "$broken" ]; then echo unhealthy; else echo healthy; fi ;;
esac
exit 0
`,
    { mode: 0o755 },
  );
  return { dir, log: path.join(state, 'docker.log'), bin };
}

function update(b: { dir: string; bin: string }, to: string) {
  return spawnSync(process.execPath, [APPLIANCE_MAIN, 'update', '--to', to, '--bundle', b.dir, '--json'], {
    encoding: 'utf8',
    env: { PATH: `${b.bin}:${process.env.PATH}`, HOME: process.env.HOME, UPDATE_HEALTH_TIMEOUT_SECONDS: '2' },
  });
}

describe('appliance update', () => {
  it('verifies the signed manifest, pulls by digest, backs up encrypted, recreates and keeps the new image once healthy', async () => {
    const b = await bundle();
    const r = update(b, '0.2.0');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      outcome: 'updated',
      from: 'iamanager/appliance:0.1.0',
      to: V2,
      version: '0.2.0',
      backup: path.join(b.dir, 'backups', 'iamanager-20260315T140000000Z-pre-update.iambak'),
      removedPlainCopies: [],
    });
    expect(r.stderr).toContain('update: manifest for 0.2.0 verified');
    const env = fs.readFileSync(path.join(b.dir, '.env'), 'utf8');
    expect(env).toContain(`APPLIANCE_IMAGE=${V2}\n`);
    expect(env).toContain('APPLIANCE_VERSION=0.2.0\n');
    const log = fs.readFileSync(b.log, 'utf8').trim().split('\n');
    const steps = log.map((l) =>
      l.includes(' pull ')
        ? 'pull'
        : l.startsWith('image inspect')
          ? 'digest'
          : l.includes(' run ')
            ? 'backup'
            : l.includes(' stop ')
              ? 'stop'
              : l.includes(' up ')
                ? 'up'
                : l.startsWith('inspect')
                  ? 'inspect'
                  : 'other',
    );
    expect(steps.slice(0, 6)).toEqual(['pull', 'digest', 'backup', 'stop', 'up', 'inspect']);
    expect(log.find((l) => l.includes(' pull '))).toContain(`[APPLIANCE_IMAGE=${V2}]`);
    // The backup runs in a one-off container of the current version, with the bundle's volumes.
    expect(log.find((l) => l.includes(' run '))).toMatch(
      /run --rm --no-deps -T appliance backup create --kind pre-update --json \[APPLIANCE_IMAGE=iamanager\/appliance:0\.1\.0]/,
    );
    expect(log.find((l) => l.includes(' up '))).toContain(`[APPLIANCE_IMAGE=${V2}]`);
    // No plain copy of the data anywhere beside it.
    expect(fs.existsSync(path.join(b.dir, 'backups')) ? fs.readdirSync(path.join(b.dir, 'backups')) : []).toEqual([]);
    // The updated bundle still resolves with the real docker-compose.
    const config = spawnSync(
      'docker-compose',
      ['--project-directory', b.dir, '-f', path.join(b.dir, 'compose.yaml'), '--env-file', path.join(b.dir, '.env'), 'config'],
      { encoding: 'utf8' },
    );
    expect(config.status, config.stderr).toBe(0);
    expect(config.stdout).toContain(`image: ${V2}`);
  });

  it('restores the pre-update backup and the previous image when the new version never turns healthy', async () => {
    const b = await bundle();
    fs.writeFileSync(path.join(path.dirname(b.log), 'broken'), V3);
    const r = update(b, '0.3.0');
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toContain(`${V3} did not report healthy`);
    expect(result.reason).toContain('the failed data is kept in /data/.pre-restore-x');
    expect(fs.readFileSync(path.join(b.dir, 'data', 'cases', 'a.json'), 'utf8')).toBe('{"reference":"D-2026-0001"}');
    expect(fs.readFileSync(path.join(b.dir, 'data', '.pre-restore-x', 'cases', 'a.json'), 'utf8')).toBe('garbage\n');
    const env = fs.readFileSync(path.join(b.dir, '.env'), 'utf8');
    expect(env).toContain('APPLIANCE_IMAGE=iamanager/appliance:0.1.0\n');
    expect(env).toContain('APPLIANCE_VERSION=0.1.0\n');
    const log = fs.readFileSync(b.log, 'utf8').split('\n');
    expect(log.find((l) => l.includes('backup restore'))).toContain('[APPLIANCE_IMAGE=iamanager/appliance:0.1.0]');
    const ups = log.filter((l) => l.includes(' up '));
    expect(ups.map((l) => /APPLIANCE_IMAGE=(\S+)]/.exec(l)?.[1])).toEqual([V3, 'iamanager/appliance:0.1.0']);
  });

  it('refuses to update without BACKUP_PASSPHRASE, since it would have nothing but a plain copy to roll back to', async () => {
    const b = await bundle();
    fs.writeFileSync(path.join(path.dirname(b.log), 'backup'), 'off');
    const r = update(b, '0.2.0');
    expect(r.status).toBe(1);
    const answer = JSON.parse(r.stdout);
    expect(answer).toMatchObject({ ok: false, error: 'update_backup_not_configured' });
    expect(answer.message).toContain('BACKUP_PASSPHRASE is not set in .env');
    expect(fs.readFileSync(b.log, 'utf8')).not.toMatch(/ stop | up /);
    expect(fs.readFileSync(path.join(b.dir, '.env'), 'utf8')).toContain('APPLIANCE_IMAGE=iamanager/appliance:0.1.0\n');
  });

  it('stops before touching anything when the pre-update backup fails', async () => {
    const b = await bundle();
    fs.writeFileSync(path.join(path.dirname(b.log), 'backup'), 'full');
    const r = update(b, '0.2.0');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: 'update_backup_failed',
      message:
        'the pre-update backup failed, so the update did not start: the disk holding /backups is full: free some space; nothing was changed',
    });
    const log = fs.readFileSync(b.log, 'utf8');
    expect(log).not.toMatch(/ stop | up /);
    expect(fs.readFileSync(path.join(b.dir, '.env'), 'utf8')).toContain('APPLIANCE_IMAGE=iamanager/appliance:0.1.0\n');
  });

  it('refuses a version that is not x.y.z, changing nothing', async () => {
    const b = await bundle();
    const r = update(b, 'latest');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('--to: must be a version as x.y.z');
    expect(fs.existsSync(b.log)).toBe(false);
  });
});
