/**
 * The hostile cabinet: the appliance's local CA, which the cabinet installs in its browsers as a
 * trusted root. Whoever holds DATA_DIR or a backup holds its key; before, that key could sign for
 * any site for ten years. Now the CA carries critical name constraints (this appliance's names and
 * the private ranges only), lives two years, and is replaced before it lapses — each checked here
 * with OpenSSL itself, the verifier browsers' rules follow, and with an injected clock.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import {
  CA_VALIDITY_DAYS,
  SERVER_VALIDITY_DAYS,
  TlsStore,
  fingerprint,
  randomSerial,
} from '../../appliance/src/domain/tls/certificates.js';
import { readConfig } from '../../appliance/src/config.js';
import { runApplianceCli, startAppliance } from '../support/appliance.js';
import { tempDir } from '../support/controlPlane.js';

const DAY = 86_400_000;
const NOW = new Date('2026-12-05T10:00:00Z');

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** What an attacker with the CA's key (from DATA_DIR or a backup) would make: a leaf for any name. */
function forgeLeaf(dir: string, altNames: Array<{ type: number; value?: string; ip?: string }>, now = NOW): string {
  const ca = forge.pki.certificateFromPem(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'));
  const caKey = forge.pki.privateKeyFromPem(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - DAY);
  cert.validity.notAfter = new Date(now.getTime() + 30 * DAY);
  cert.setSubject([{ name: 'commonName', value: altNames[0]?.value ?? 'x' }]);
  // forge re-encodes parsed UTF8String values unless decoded first (see certificates.ts).
  cert.setIssuer(
    ca.subject.attributes.map((a) =>
      a.valueTagClass === (forge.asn1.Type.UTF8 as unknown) && typeof a.value === 'string'
        ? { ...a, value: forge.util.decodeUtf8(a.value) }
        : a,
    ),
  );
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const file = path.join(dir, `forged-${randomSerial()}.crt`);
  fs.writeFileSync(file, forge.pki.certificateToPem(cert));
  return file;
}

/** `openssl verify` at a given time (the certificates are made with an injected clock). */
function verify(dir: string, leaf: string, at = NOW): { ok: boolean; out: string } {
  return openssl(['verify', '-attime', String(Math.floor(at.getTime() / 1000)), '-CAfile', path.join(dir, 'ca.crt'), leaf]);
}

function lifetimeDays(pem: string, from: Date): number {
  return (forge.pki.certificateFromPem(pem).validity.notAfter.getTime() - from.getTime()) / DAY;
}

describe('the local CA can sign only for this appliance', () => {
  it('carries critical name constraints: its names, localhost, TLS_NAMES and the private ranges', async () => {
    const dir = tempDir('ca-nc-');
    await new TlsStore(dir, 'Cabinet Dupont', ['iamanager.cabinet.lan', '192.168.1.20']).ensure(NOW);
    const text = execFileSync('openssl', ['x509', '-in', path.join(dir, 'ca.crt'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toMatch(/X509v3 Name Constraints: critical/);
    const permitted = text.slice(text.indexOf('Permitted:'));
    const host = os.hostname().toLowerCase();
    for (const entry of [
      'DNS:localhost',
      `DNS:${host}`,
      `DNS:${host.split('.')[0]}.local`,
      'DNS:iamanager.cabinet.lan',
      'IP:10.0.0.0/255.0.0.0',
      'IP:172.16.0.0/255.240.0.0',
      'IP:192.168.0.0/255.255.0.0',
      'IP:127.0.0.0/255.0.0.0',
      'IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF',
      'IP:FC00:0:0:0:0:0:0:0/FE00:0:0:0:0:0:0:0',
    ]) {
      expect(permitted).toContain(entry);
    }
    expect(text).not.toContain('Excluded:');
  });

  it("OpenSSL refuses a certificate its key signs for a public site or a public address, and accepts the appliance's own", async () => {
    const dir = tempDir('ca-verify-');
    await new TlsStore(dir, 'Cabinet Dupont', ['iamanager.cabinet.lan']).ensure(NOW);
    const own = verify(dir, path.join(dir, 'server.crt'));
    expect(own.out).toContain(': OK');
    expect(own.ok).toBe(true);

    const bank = verify(dir, forgeLeaf(dir, [{ type: 2, value: 'www.impots.gouv.fr' }]));
    expect(bank.ok).toBe(false);
    expect(bank.out).toMatch(/permitted subtree violation/);
    const lookalike = verify(dir, forgeLeaf(dir, [{ type: 2, value: 'cabinet.lan' }]));
    expect(lookalike.ok).toBe(false);
    const publicIp = verify(dir, forgeLeaf(dir, [{ type: 7, ip: '8.8.8.8' }]));
    expect(publicIp.ok).toBe(false);
    expect(publicIp.out).toMatch(/permitted subtree violation/);

    // Inside the constraints a leaf still verifies: the LAN keeps working with any private address.
    expect(
      verify(
        dir,
        forgeLeaf(dir, [
          { type: 2, value: 'iamanager.cabinet.lan' },
          { type: 7, ip: '10.1.2.3' },
        ]),
      ).ok,
    ).toBe(true);
  });

  it('lives two years, and the HTTPS certificate at most 397 days and never beyond the CA', async () => {
    const dir = tempDir('ca-life-');
    const material = await new TlsStore(dir, 'Cabinet Dupont').ensure(NOW);
    expect(lifetimeDays(material.ca!, NOW)).toBeLessThanOrEqual(CA_VALIDITY_DAYS);
    expect(CA_VALIDITY_DAYS).toBeLessThanOrEqual(2 * 366);
    expect(lifetimeDays(material.cert, NOW)).toBeLessThanOrEqual(SERVER_VALIDITY_DAYS);
    expect(material.notAfter.getTime()).toBeLessThanOrEqual(material.caNotAfter!.getTime());
    expect(material.caNotAfter!.toISOString()).toBe(new Date(NOW.getTime() + CA_VALIDITY_DAYS * DAY).toISOString());
  });
});

describe('renewal before expiry (injected clock)', () => {
  it('renews the HTTPS certificate 30 days before its end, from the same CA', async () => {
    const dir = tempDir('ca-leaf-');
    const store = new TlsStore(dir, 'Cabinet Dupont');
    const first = await store.ensure(NOW);
    const before = new Date(first.notAfter.getTime() - 31 * DAY);
    expect((await store.ensure(before)).certFingerprint).toBe(first.certFingerprint);
    const due = new Date(first.notAfter.getTime() - 29 * DAY);
    const renewed = await store.ensure(due);
    expect(renewed.certFingerprint).not.toBe(first.certFingerprint);
    expect(renewed.caFingerprint).toBe(first.caFingerprint);
    expect(renewed.caRenewal).toBeNull();
    // Capped by the CA's own end, never past it.
    expect(renewed.notAfter.getTime()).toBeLessThanOrEqual(renewed.caNotAfter!.getTime());
    expect(verify(dir, path.join(dir, 'server.crt'), due).ok).toBe(true);
  });

  it('replaces the CA 60 days before its end, overwrites its key, reissues the certificate and says so', async () => {
    const dir = tempDir('ca-renew-');
    const store = new TlsStore(dir, 'Cabinet Dupont');
    const first = await store.ensure(NOW);
    const oldKey = fs.readFileSync(path.join(dir, 'ca.key'), 'utf8');
    const notYet = new Date(first.caNotAfter!.getTime() - 61 * DAY);
    const still = await store.ensure(notYet);
    expect(still.caFingerprint).toBe(first.caFingerprint);
    expect(still.caRenewal).toBeNull();

    const due = new Date(first.caNotAfter!.getTime() - 59 * DAY);
    const renewed = await store.ensure(due);
    expect(renewed.caFingerprint).not.toBe(first.caFingerprint);
    expect(renewed.caRenewal).toMatchObject({ renewedAt: due.toISOString(), previousFingerprint: first.caFingerprint });
    expect(renewed.caRenewal!.reason).toMatch(/expires on/);
    expect(fs.readFileSync(path.join(dir, 'ca.key'), 'utf8')).not.toBe(oldKey);
    expect(lifetimeDays(renewed.ca!, due)).toBeLessThanOrEqual(CA_VALIDITY_DAYS);
    // The new certificate chains to the new CA (and keeps its constraints).
    expect(verify(dir, path.join(dir, 'server.crt'), due).ok).toBe(true);
    expect(verify(dir, forgeLeaf(dir, [{ type: 2, value: 'www.example.com' }], due), due).ok).toBe(false);
    // The notice lasts while the IT person may still be installing the new CA, then goes.
    expect((await store.ensure(new Date(due.getTime() + 30 * DAY))).caRenewal?.previousFingerprint).toBe(first.caFingerprint);
    expect((await store.ensure(new Date(due.getTime() + 61 * DAY))).caRenewal).toBeNull();
  });

  it('replaces an unconstrained ten-year CA left by an earlier version at the next start', async () => {
    const dir = tempDir('ca-legacy-');
    const legacy = legacyCa(dir);
    // OpenSSL dated that CA from the real clock (whole seconds), so this test does too — read once
    // the CA exists, a second on: on a loaded machine OpenSSL may have run in a later second than a
    // clock read before it, and the CA would not be valid yet at that time.
    const now = new Date(Date.now() + 1000);
    // Before the fix, that CA's key signs anything OpenSSL then accepts.
    const before = verify(dir, forgeLeaf(dir, [{ type: 2, value: 'www.impots.gouv.fr' }], now), now);
    expect(before.ok, before.out).toBe(true);

    const material = await new TlsStore(dir, 'Cabinet Dupont').ensure(now);
    expect(material.caFingerprint).not.toBe(legacy);
    expect(material.caRenewal).toMatchObject({ previousFingerprint: legacy });
    expect(material.caRenewal!.reason).toMatch(/no name constraints/);
    expect(verify(dir, forgeLeaf(dir, [{ type: 2, value: 'www.impots.gouv.fr' }], now), now).ok).toBe(false);
  });

  it('replaces the CA when TLS_NAMES gains a name it was not made for, and serves only names it may vouch for', async () => {
    const dir = tempDir('ca-names-');
    const first = await new TlsStore(dir, 'Cabinet Dupont').ensure(NOW);
    const withName = await new TlsStore(dir, 'Cabinet Dupont', ['iamanager.cabinet.lan']).ensure(NOW);
    expect(withName.caFingerprint).not.toBe(first.caFingerprint);
    expect(withName.caRenewal!.reason).toContain('iamanager.cabinet.lan');
    expect(withName.names).toContain('iamanager.cabinet.lan');
    // Every name the certificate carries is one the CA may vouch for, or OpenSSL would refuse it.
    expect(verify(dir, path.join(dir, 'server.crt')).ok).toBe(true);
  });
});

function legacyCa(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=IAManager local CA/O=IAManager appliance',
      '-days',
      '3650',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      path.join(dir, 'ca.key'),
      '-out',
      path.join(dir, 'ca.crt'),
    ],
    { stdio: 'ignore' },
  );
  return fingerprint(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'));
}

function httpsJson(url: string, ca: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, servername: 'localhost' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
      })
      .on('error', reject);
  });
}

describe('a replaced CA is announced', () => {
  it('in the log, the setup facts and `doctor`, when the server replaces a legacy CA at start', async () => {
    const dataDir = tempDir('ca-notice-');
    const legacy = legacyCa(path.join(dataDir, 'tls'));
    const appliance = await startAppliance(dataDir, { TLS: 'true', TLS_PORT: '0', TLS_PUBLIC_PORT: '8443' });
    try {
      const output = appliance.service.output();
      expect(output).toContain('tls: the local CA was replaced');
      const httpsPort = (JSON.parse(output.split('\n').find((l) => l.includes('"listening"'))!) as { httpsPort: number }).httpsPort;
      const ca = await (await fetch(`${appliance.url}/ca.crt`)).text();
      expect(fingerprint(ca)).not.toBe(legacy);
      // The new CA verifies the server (the connection succeeds with it alone) and the facts say what happened.
      const facts = (await httpsJson(`https://localhost:${httpsPort}/api/setup/status`, ca)).tls as {
        caRenewal: { previousFingerprint: string; reason: string };
        caNotAfter: string;
      };
      expect(facts.caRenewal).toMatchObject({ previousFingerprint: legacy });
      expect(facts.caRenewal.reason).toMatch(/no name constraints/);
      expect(Date.parse(facts.caNotAfter)).toBeLessThanOrEqual(Date.now() + CA_VALIDITY_DAYS * DAY);
      const doctor = await runApplianceCli(dataDir, ['doctor', '--json']);
      const tls = (JSON.parse(doctor.stdout) as { checks: Array<{ check: string; ok: boolean; detail: string }> }).checks.find(
        (c) => c.check === 'tls',
      );
      expect(tls?.ok).toBe(false);
      expect(tls?.detail).toContain(`install the new /ca.crt (${fingerprint(ca)})`);
      expect(tls?.detail).toContain(legacy);
    } finally {
      await appliance.stop();
    }
  }, 120_000);
});

describe('TLS_NAMES', () => {
  const base = () => ({ DATA_DIR: tempDir('tls-names-'), SECRET_KEY: 'x'.repeat(40) });
  it('refuses wildcards, public addresses and malformed names, naming the variable and the fix', async () => {
    for (const bad of ['*.cabinet.lan', '8.8.8.8', 'exa mple', 'a..b']) {
      await expect(readConfig({ ...base(), TLS_NAMES: `iamanager.cabinet.lan,${bad}` })).rejects.toThrow(/TLS_NAMES.*private addresses/s);
    }
  });
  it('keeps host names and private addresses, lower-cased and without repeats', async () => {
    const config = await readConfig({ ...base(), TLS_NAMES: 'IAManager.Cabinet.lan, 192.168.1.20,iamanager.cabinet.lan' });
    expect(config.tlsNames).toEqual(['iamanager.cabinet.lan', '192.168.1.20']);
  });
});
