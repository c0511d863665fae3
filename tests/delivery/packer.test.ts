import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKER_DIR = new URL('../../packer', import.meta.url).pathname;
let work: string;

/**
 * Debian's packer (1.6.6) predates `required_plugins` (Packer 1.7), in which its qemu builder was
 * still built in. So the template is validated without plugins.pkr.hcl — everything else
 * (variables, source, build, provisioner files and scripts) is checked for real — and the plugin
 * pin is checked separately below. Release builds run `packer init` + `packer build` on ≥ 1.10.
 */
function validate(dir: string): { status: number | null; out: string } {
  const bundle = path.join(work, 'bundle');
  const tarball = path.join(work, 'node.tgz');
  const result = spawnSync(
    'packer',
    [
      'validate',
      `-var=app_bundle=${bundle}`,
      `-var=node_tarball=${tarball}`,
      `-var=debian_image_checksum=sha512:${'0'.repeat(128)}`,
      '-var=accelerator=tcg',
      '.',
    ],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', PACKER_CACHE_DIR: path.join(work, 'cache') } },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function copyTemplate(): string {
  const dir = fs.mkdtempSync(path.join(work, 'tpl-'));
  fs.cpSync(PACKER_DIR, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'plugins.pkr.hcl'));
  return dir;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'packer-'));
  fs.mkdirSync(path.join(work, 'bundle'));
  fs.writeFileSync(path.join(work, 'node.tgz'), '');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the appliance VM template', () => {
  it('passes packer validate', () => {
    const { status, out } = validate(copyTemplate());
    expect(out).toBe('');
    expect(status).toBe(0);
  });

  it('fails validation when a provisioning script is missing (the check is real)', () => {
    const dir = copyTemplate();
    fs.rmSync(path.join(dir, 'scripts', 'sysprep.sh'));
    expect(validate(dir).status).not.toBe(0);
  });

  it('pins the qemu plugin to an exact version', () => {
    const text = fs.readFileSync(path.join(PACKER_DIR, 'plugins.pkr.hcl'), 'utf8');
    expect(text).toMatch(/source\s*=\s*"github\.com\/hashicorp\/qemu"/);
    expect(text).toMatch(/version\s*=\s*"= \d+\.\d+\.\d+"/);
  });

  it('keeps variables, sources and build in separate files', () => {
    for (const f of ['variables.pkr.hcl', 'sources.pkr.hcl', 'build.pkr.hcl']) expect(fs.existsSync(path.join(PACKER_DIR, f))).toBe(true);
  });

  it('runs every script with set -eux (or -eu for the first-boot script that handles secrets)', () => {
    for (const f of ['scripts/provision.sh', 'scripts/sysprep.sh'])
      expect(fs.readFileSync(path.join(PACKER_DIR, f), 'utf8')).toMatch(/^set -eux$/m);
    // set -x would print the generated password into the journal.
    expect(fs.readFileSync(path.join(PACKER_DIR, 'files/firstboot.sh'), 'utf8')).toMatch(/^set -eu$/m);
  });

  it('hardens the appliance unit', () => {
    const unit = fs.readFileSync(path.join(PACKER_DIR, 'files/iamanager-appliance.service'), 'utf8');
    for (const line of [
      'Restart=always',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/iamanager',
      'NoNewPrivileges=yes',
      'User=iamanager',
      'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    ]) {
      expect(unit).toContain(line);
    }
  });

  it('passes the vendor key pins to provisioning, which writes them into appliance.env outside the data folder', () => {
    expect(fs.readFileSync(path.join(PACKER_DIR, 'variables.pkr.hcl'), 'utf8')).toMatch(/variable "vendor_key_pins"/);
    expect(fs.readFileSync(path.join(PACKER_DIR, 'build.pkr.hcl'), 'utf8')).toContain('"VENDOR_KEY_PINS=${var.vendor_key_pins}"');
    expect(fs.readFileSync(path.join(PACKER_DIR, 'scripts/provision.sh'), 'utf8')).toContain(
      'bash "$FILES_DIR/pin-vendor-keys.sh" /etc/iamanager/appliance.env "${VENDOR_KEY_PINS:-}"',
    );
    const pin = (c: string) => c.repeat(42) + 'E';
    const env = path.join(work, 'appliance.env');
    const run = (pins: string) => spawnSync('bash', [path.join(PACKER_DIR, 'files/pin-vendor-keys.sh'), env, pins], { encoding: 'utf8' });
    const template = fs.readFileSync(path.join(PACKER_DIR, 'files/appliance.env'), 'utf8');
    fs.writeFileSync(env, template, { mode: 0o640 });
    // Empty: the template is left as it is (VENDOR_KEY_PINS= present and empty: trusted on first use).
    expect(run('').status).toBe(0);
    expect(fs.readFileSync(env, 'utf8')).toBe(template);
    expect(template).toMatch(/^VENDOR_KEY_PINS=$/m);
    // Two pins (a rotation): the line is replaced where it stands, everything else unchanged.
    expect(run(`${pin('A')},${pin('Q')}`).status).toBe(0);
    expect(fs.readFileSync(env, 'utf8')).toBe(template.replace(/^VENDOR_KEY_PINS=$/m, `VENDOR_KEY_PINS=${pin('A')},${pin('Q')}`));
    expect(fs.statSync(env).mode & 0o777).toBe(0o640);
    // A malformed pin stops the build, naming it, and writes nothing.
    const bad = run(`${pin('A')},not-a-pin`);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('VENDOR_KEY_PINS: "not-a-pin" is not a key thumbprint');
    expect(fs.readFileSync(env, 'utf8')).toContain(`VENDOR_KEY_PINS=${pin('A')},${pin('Q')}\n`);
  });

  it('seals the image: empty machine-id, root password locked', () => {
    const sysprep = fs.readFileSync(path.join(PACKER_DIR, 'scripts/sysprep.sh'), 'utf8');
    expect(sysprep).toMatch(/truncate -s 0 \/etc\/machine-id/);
    expect(sysprep).toMatch(/passwd -l root/);
  });
});
