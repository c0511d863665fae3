/**
 * LAN HTTPS: the appliance's own CA and certificate, HTTP that only redirects (but for /healthz
 * and /ca.crt), renewal before expiry, and the cabinet's own certificate swapped in live.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsStore, fingerprint, randomSerial } from '../../appliance/src/domain/tls/certificates.js';
import { runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';
import { tempDir } from '../support/controlPlane.js';
import { ownCertificate } from '../support/keys.js';

let dir: string;
let appliance: TestAppliance;
let httpsPort: number;

function get(
  url: string,
  options: https.RequestOptions = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string; cert?: tls.PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https') ? https : http;
    const req = mod.get(url, options, (res) => {
      const cert = url.startsWith('https') ? (res.socket as tls.TLSSocket).getPeerCertificate() : undefined;
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...(cert ? { cert } : {}) }));
    });
    req.on('error', reject);
  });
}

beforeAll(async () => {
  dir = tempDir('tls-');
  appliance = await startAppliance(dir, { TLS: 'true', TLS_PORT: '0', TLS_PUBLIC_PORT: '8443' });
  const line = appliance.service
    .output()
    .split('\n')
    .find((l) => l.includes('"listening"'))!;
  httpsPort = JSON.parse(line).httpsPort;
}, 60_000);

afterAll(async () => {
  await appliance?.stop();
});

describe('LAN HTTPS', () => {
  it('answers health checks on plain HTTP and redirects everything else to HTTPS', async () => {
    expect((await get(`${appliance.url}/healthz`)).status).toBe(200);
    const redirect = await get(`${appliance.url}/api/setup/status?x=1`);
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe('https://127.0.0.1:8443/api/setup/status?x=1');
  });

  it('serves HTTPS with a certificate the downloaded CA vouches for, with HSTS', async () => {
    const ca = (await get(`${appliance.url}/ca.crt`)).body;
    expect(ca).toContain('-----BEGIN CERTIFICATE-----');
    const res = await get(`https://localhost:${httpsPort}/api/setup/status`, { ca, servername: 'localhost' });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    const facts = JSON.parse(res.body).tls;
    expect(facts.caFingerprint).toBe(fingerprint(ca));
    expect(facts.names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    // Without the CA, a client must refuse the certificate (nothing is trusted by accident).
    await expect(get(`https://localhost:${httpsPort}/healthz`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('keeps private keys readable by the service user only', () => {
    expect(fs.statSync(path.join(dir, 'tls', 'ca.key')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'tls', 'server.key')).mode & 0o777).toBe(0o600);
  });

  it("swaps in the cabinet's own certificate without a restart", async () => {
    const work = ownCertificate(tempDir('own-cert-'), 'appliance.cabinet.lan');
    const other = ownCertificate(tempDir('other-key-'), 'x');
    const mismatch = await runApplianceCli(dir, ['tls', 'import', '--cert', work.cert, '--key', other.key]);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stderr).toContain('key: does not belong to this certificate');
    const ok = await runApplianceCli(dir, ['tls', 'import', '--cert', work.cert, '--key', work.key, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const own = fs.readFileSync(work.cert, 'utf8');
    const res = await get(`https://localhost:${httpsPort}/healthz`, { rejectUnauthorized: false, agent: false });
    expect(res.cert?.fingerprint256).toBe(fingerprint(own));
  });
});

describe('certificate serial numbers', () => {
  it('are positive 16-octet integers in minimal DER form, so OpenSSL never refuses one as padded', () => {
    // The earlier "00" + random hex serial was illegal padding whenever the random octet was below
    // 0x80, and the appliance could then fail to start.
    for (let i = 0; i < 5000; i++) {
      const serial = randomSerial();
      expect(serial).toMatch(/^[0-9a-f]{32}$/);
      const first = Number.parseInt(serial.slice(0, 2), 16);
      expect(first).toBeGreaterThanOrEqual(0x40);
      expect(first).toBeLessThan(0x80);
    }
  });
});

describe('certificate renewal', () => {
  it('reissues the server certificate within 30 days of expiry, from the same CA', async () => {
    const store = new TlsStore(tempDir('renew-'), 'Cabinet Test');
    const now = new Date('2026-11-24T10:00:00Z');
    const first = await store.ensure(now);
    expect((await store.ensure(new Date(now.getTime() + 100 * 86_400_000))).certFingerprint).toBe(first.certFingerprint);
    const renewed = await store.ensure(new Date(now.getTime() + 370 * 86_400_000));
    expect(renewed.certFingerprint).not.toBe(first.certFingerprint);
    expect(renewed.caFingerprint).toBe(first.caFingerprint);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
  });
});
