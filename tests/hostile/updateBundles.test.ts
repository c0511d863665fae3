/**
 * The hostile cabinet: update bundles. Before, `appliance update` pulled `repository:tag` — which a
 * registry, a proxy or anyone on the LAN answering for the registry could repoint — and copied
 * DATA_DIR (appliance key, secret key, cases) in plain text into BACKUP_DIR, never removed, from
 * where the documented rsync line shipped it off-site. Now an update needs a manifest signed by a
 * pinned vendor key naming the image by digest, Docker must report that digest, and the copy to
 * roll back to is an ordinary encrypted backup under the ordinary retention.
 *
 * The stand-in `docker` records every call; its one-off containers (`compose run`) run the real
 * appliance CLI on the bundle's data and backup folders, as the image would.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { publicJwk, verifyUpdateManifest, type SigningKey } from '@iamanager/protocol';
import { APPLIANCE_MAIN } from '../support/appliance.js';
import { runCli, tempDir } from '../support/controlPlane.js';
import { DIGEST_A, DIGEST_B, vendorSigner } from '../support/releases.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const V2 = `iamanager/appliance@${DIGEST_A}`;
const PASSPHRASE = 'correct horse battery staple dupont';

interface Bundle {
  dir: string;
  state: string;
  log: string;
  bin: string;
  pin: string;
  key: SigningKey;
  sign(version: string, image: string): Promise<string>;
}

async function bundle(env = ''): Promise<Bundle> {
  const dir = tempDir('hostile-update-');
  const vendor = await vendorSigner();
  fs.copyFileSync(path.join(ROOT, 'docker/appliance/compose.yaml'), path.join(dir, 'compose.yaml'));
  fs.writeFileSync(
    path.join(dir, '.env'),
    `CLIENT_ID=dupont\nCLIENT_NAME=Cabinet Dupont\nCONTROL_PLANE_URL=https://cp.iamanager.fr\nAPPLIANCE_IMAGE=iamanager/appliance:0.1.0\nVENDOR_KEY_PINS=${vendor.pin}\nBACKUP_PASSPHRASE=${PASSPHRASE}\n${env}`,
  );
  fs.mkdirSync(path.join(dir, 'data'));
  const state = tempDir('hostile-docker-');
  const bin = path.join(state, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/usr/bin/env bash
echo "$* [APPLIANCE_IMAGE=$APPLIANCE_IMAGE]" >> "${state}/docker.log"
case "$*" in
  *" run "*)
    args=("$@"); start=0
    for i in "\${!args[@]}"; do if [ "\${args[$i]}" = appliance ]; then start=$((i+1)); break; fi; done
    pass=$(grep '^BACKUP_PASSPHRASE=' "$PWD/.env" | cut -d= -f2-)
    DATA_DIR="$PWD/data" BACKUP_DIR="$PWD/backups" BACKUP_PASSPHRASE="$pass" HEARTBEAT_ENABLED=false TLS=false exec "${process.execPath}" "${APPLIANCE_MAIN}" "\${args[@]:$start}" ;;
  "image inspect"*) if [ -f "${state}/served" ]; then cat "${state}/served"; else echo "[\\"\${@: -1}\\"]"; fi ;;
  inspect*) echo healthy ;;
esac
exit 0
`,
    { mode: 0o755 },
  );
  return { dir, state, log: path.join(state, 'docker.log'), bin, pin: vendor.pin, key: vendor.key, sign: vendor.sign };
}

function update(b: Bundle, args: string[]) {
  return spawnSync(process.execPath, [APPLIANCE_MAIN, 'update', ...args, '--bundle', b.dir, '--json'], {
    encoding: 'utf8',
    env: { PATH: `${b.bin}:${process.env.PATH}`, HOME: process.env.HOME, UPDATE_HEALTH_TIMEOUT_SECONDS: '2' },
  });
}

/** A refusal: the stable code, and Docker never called, `.env` untouched. */
function expectRefused(b: Bundle, r: ReturnType<typeof update>, code: string): string {
  expect(r.status, r.stderr).toBe(1);
  const answer = JSON.parse(r.stdout) as { ok: boolean; error: string; message: string };
  expect(answer).toMatchObject({ ok: false, error: code });
  expect(fs.existsSync(b.log)).toBe(false);
  expect(fs.readFileSync(path.join(b.dir, '.env'), 'utf8')).toContain('APPLIANCE_IMAGE=iamanager/appliance:0.1.0\n');
  return answer.message;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('an update is installed only from a vendor-signed manifest', () => {
  it('refuses an update with no manifest, or a manifest that is not signed', async () => {
    const b = await bundle();
    expect(expectRefused(b, update(b, ['--to', '0.2.0']), 'update_unsigned')).toContain('update-0.2.0.jws');
    fs.writeFileSync(path.join(b.dir, 'unsigned.json'), JSON.stringify({ kind: 'appliance-update', version: '0.2.0', image: V2 }));
    expectRefused(b, update(b, ['--manifest', 'unsigned.json']), 'update_unsigned');
  });

  it('refuses a license, or any other token signed by the vendor key, passed off as a manifest', async () => {
    const b = await bundle();
    // Signed by the pinned key itself, claims and all: only its type says it is not a manifest.
    const license = await new SignJWT({ kind: 'appliance-update', version: '0.2.0', image: V2, iat: 1 })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'license+jwt', kid: b.pin, jwk: publicJwk(b.key.publicKey) })
      .sign(b.key.privateKey);
    fs.writeFileSync(path.join(b.dir, 'update-0.2.0.jws'), license);
    expectRefused(b, update(b, ['--to', '0.2.0']), 'update_unsigned');
  });

  it('refuses a manifest signed by a key that is not pinned, even one it carries itself', async () => {
    const b = await bundle();
    const stranger = await vendorSigner();
    fs.writeFileSync(path.join(b.dir, 'update-0.2.0.jws'), await stranger.sign('0.2.0', V2));
    expect(expectRefused(b, update(b, ['--to', '0.2.0']), 'update_untrusted_key')).toContain('not in VENDOR_KEY_PINS');

    // Unpinned, the manifest's own key is not trusted either: only keys received at enrollment are.
    const unpinned = await bundle();
    fs.writeFileSync(
      path.join(unpinned.dir, '.env'),
      fs.readFileSync(path.join(unpinned.dir, '.env'), 'utf8').replace(/^VENDOR_KEY_PINS=.*$/m, 'VENDOR_KEY_PINS='),
    );
    fs.writeFileSync(path.join(unpinned.dir, 'update-0.2.0.jws'), await unpinned.sign('0.2.0', V2));
    expectRefused(unpinned, update(unpinned, ['--to', '0.2.0']), 'update_untrusted_key');
  });

  it('refuses a signed manifest whose digest was changed after signing', async () => {
    const b = await bundle();
    const [header, payload, signature] = (await b.sign('0.2.0', V2)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { image: string };
    claims.image = `iamanager/appliance@${DIGEST_B}`;
    fs.writeFileSync(
      path.join(b.dir, 'update-0.2.0.jws'),
      [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.'),
    );
    expect(expectRefused(b, update(b, ['--to', '0.2.0']), 'update_bad_signature')).toContain('altered after signing');
  });

  it("refuses an older signed manifest (no downgrade to a version with known flaws) and a --to that is not the manifest's", async () => {
    const b = await bundle('APPLIANCE_VERSION=0.3.0\n');
    fs.writeFileSync(path.join(b.dir, 'update-0.2.0.jws'), await b.sign('0.2.0', V2));
    expectRefused(b, update(b, ['--to', '0.2.0']), 'update_downgrade');
    expectRefused(b, update(b, ['--to', '0.4.0', '--manifest', 'update-0.2.0.jws']), 'update_manifest_invalid');
  });

  it('refuses an image whose pulled digest is not the signed one, before any backup or restart', async () => {
    const b = await bundle();
    fs.writeFileSync(path.join(b.dir, 'update-0.2.0.jws'), await b.sign('0.2.0', V2));
    // The registry (or whoever answers for it) serves other content under that name.
    fs.writeFileSync(path.join(b.state, 'served'), JSON.stringify([`iamanager/appliance@${DIGEST_B}`]));
    const r = update(b, ['--to', '0.2.0']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: 'update_digest_mismatch' });
    const log = fs.readFileSync(b.log, 'utf8');
    expect(log).toContain(' pull ');
    expect(log).not.toMatch(/ run | stop | up /);
    expect(fs.readFileSync(path.join(b.dir, '.env'), 'utf8')).toContain('APPLIANCE_IMAGE=iamanager/appliance:0.1.0\n');
  });
});

describe('the copy an update rolls back to', () => {
  it('is an encrypted backup under the normal retention; no plain copy is written, and old ones are deleted', async () => {
    const b = await bundle();
    fs.writeFileSync(path.join(b.dir, 'update-0.2.0.jws'), await b.sign('0.2.0', V2));
    const backups = path.join(b.dir, 'backups');
    // An ordinary backup first (it also creates the appliance's secrets in the data folder)…
    const first = spawnSync(
      path.join(b.bin, 'docker'),
      ['compose', 'run', '--rm', 'appliance', 'backup', 'create', '--kind', 'manual', '--json'],
      { cwd: b.dir, encoding: 'utf8' },
    );
    expect(first.status, first.stderr).toBe(0);
    const made = (JSON.parse(first.stdout) as { file: string }).file;
    // …copied under the names of 20 nightly backups two months ago, which retention will thin out.
    const seeded: string[] = [];
    for (let day = 60; day > 40; day--) {
      const stamp = new Date(Date.now() - day * 86_400_000).toISOString().replace(/[-:.]/g, '');
      const name = `iamanager-${stamp}-scheduled.iambak`;
      fs.copyFileSync(made, path.join(backups, name));
      seeded.push(name);
    }
    fs.rmSync(made);
    // The plain copy an earlier version's update left behind, secret key included.
    const secretKey = fs.readFileSync(path.join(b.dir, 'data', 'secret-key'), 'utf8').trim();
    fs.cpSync(path.join(b.dir, 'data'), path.join(backups, 'pre-update-2026-11-01T02-00-00-000Z-0.1.0'), { recursive: true });
    fs.rmSync(b.log);

    const r = update(b, ['--to', '0.2.0']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { outcome: string; backup: string; removedPlainCopies: string[] };
    expect(result.outcome).toBe('updated');
    expect(result.removedPlainCopies).toEqual(['pre-update-2026-11-01T02-00-00-000Z-0.1.0']);
    expect(path.basename(result.backup)).toMatch(/^iamanager-\d{8}T\d{9}Z-pre-update\.iambak$/);

    // Only encrypted backup files remain; none holds the secret key in clear, nothing else does either.
    const left = fs.readdirSync(backups);
    expect(left.every((n) => n.endsWith('.iambak'))).toBe(true);
    expect(left).toContain(path.basename(result.backup));
    for (const file of filesUnder(b.dir).filter((f) => !f.startsWith(path.join(b.dir, 'data') + path.sep))) {
      expect(fs.readFileSync(file).includes(secretKey), file).toBe(false);
    }
    // Retention ran with it: some of the 20 old nightly backups were pruned, as after any backup.
    expect(left.filter((n) => seeded.includes(n)).length).toBeLessThan(seeded.length);

    // It is a real backup, readable only with the passphrase.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: path.join(b.dir, 'data'),
      BACKUP_DIR: backups,
      TLS: 'false',
      HEARTBEAT_ENABLED: 'false',
    };
    const verified = spawnSync(process.execPath, [APPLIANCE_MAIN, 'backup', 'verify', result.backup, '--passphrase-stdin', '--json'], {
      encoding: 'utf8',
      input: `${PASSPHRASE}\n`,
      env,
    });
    expect(verified.status, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, kind: 'pre-update' });
    const wrong = spawnSync(process.execPath, [APPLIANCE_MAIN, 'backup', 'verify', result.backup, '--passphrase-stdin', '--json'], {
      encoding: 'utf8',
      input: 'not the passphrase at all, no\n',
      env,
    });
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false, error: 'backup_wrong_passphrase' });
  });
});

describe('the vendor signs a release', () => {
  it('with `control-plane release sign`: a manifest the pins of its bundles verify, which an appliance then accepts', async () => {
    const cp = tempDir('release-cp-');
    const out = path.join(tempDir('release-out-'), 'update-0.2.0.jws');
    const signed = await runCli(cp, ['release', 'sign', '--version', '0.2.0', '--image', V2, '--out', out, '--json']);
    expect(signed.code, signed.stderr).toBe(0);
    const pins = (JSON.parse((await runCli(cp, ['keys', 'list', '--json'])).stdout) as { vendorKeyPins: string[] }).vendorKeyPins;
    const { manifest } = await verifyUpdateManifest(fs.readFileSync(out, 'utf8'), { pins, enrolledKeys: undefined });
    expect(manifest).toMatchObject({ kind: 'appliance-update', version: '0.2.0', image: V2 });

    const b = await bundle();
    fs.writeFileSync(
      path.join(b.dir, '.env'),
      fs.readFileSync(path.join(b.dir, '.env'), 'utf8').replace(/^VENDOR_KEY_PINS=.*$/m, `VENDOR_KEY_PINS=${pins.join(',')}`),
    );
    fs.copyFileSync(out, path.join(b.dir, 'update-0.2.0.jws'));
    const r = update(b, ['--to', '0.2.0']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'updated', to: V2, version: '0.2.0' });
  });

  it('refuses to sign a tag instead of a digest, or a version that is not x.y.z', async () => {
    const cp = tempDir('release-cp-');
    const tagged = await runCli(cp, ['release', 'sign', '--version', '0.2.0', '--image', 'iamanager/appliance:0.2.0', '--json']);
    expect(tagged.code).not.toBe(0);
    expect(JSON.parse(tagged.stdout)).toMatchObject({ ok: false, error: 'invalid_input' });
    expect(tagged.stderr).toContain('--image: must be an image pinned by digest');
    const version = await runCli(cp, ['release', 'sign', '--version', 'latest', '--image', V2, '--json']);
    expect(version.stderr).toContain('--version: must be a version as x.y.z');
  });
});
