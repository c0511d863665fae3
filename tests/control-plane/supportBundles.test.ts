/**
 * `POST /v1/support-bundles` (docs/support-bundle.md): a bundle signed by an enrolled appliance's
 * key is kept for the cabinet's support staff and expires 30 days later; an unknown appliance, a
 * key that does not match, a revoked appliance, a body that is not the one signed and a body over
 * the limit are refused with their stable codes. The expiry is checked by moving the control
 * plane's clock (CLOCK_OFFSET_SECONDS), never by waiting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUPPORT_BUNDLE_BYTES, generateSigningKey, signSupportUpload } from '@iamanager/protocol';
import {
  FakeAppliance,
  api,
  createAdminToken,
  databaseRows,
  onPostgres,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

const bundle = gzipSync(Buffer.from('support-bundle/manifest.json: a stand-in for the tar the appliance builds'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Signs in to the dashboard (login form with its CSRF token) and returns the session cookie. */
async function dashboardSession(base: string, email: string): Promise<string> {
  const form = await fetch(`${base}/connexion`);
  const csrfCookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cookie': csrfCookie },
    body: new URLSearchParams({ _csrf: csrf, email, password: 'correct horse battery staple' }).toString(),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='));
  expect(session.length, `login as ${email}: ${res.status}`).toBeGreaterThan(0);
  return session.join('; ');
}

describe('support bundles sent by appliances', () => {
  const dataDir = `${tempDir('cp-support-')}/data`;
  let cp: TestControlPlane;
  let token: string;
  let appliance: FakeAppliance;
  /** The bundles kept: the files under support-bundles/, or the rows of support_bundles. */
  const storedBundles = async (): Promise<number> =>
    onPostgres()
      ? Number((await databaseRows<{ n: string }>(dataDir, 'SELECT count(*) AS n FROM support_bundles'))[0]!.n)
      : fs.readdirSync(path.join(dataDir, 'support-bundles')).filter((f) => f.endsWith('.tar.gz')).length;

  const claimsFor = (a: FakeAppliance, bytes: Buffer, overrides: Record<string, unknown> = {}) => ({
    iss: a.applianceId,
    sub: a.cabinetId,
    iat: Math.floor(Date.now() / 1000),
    sha256: sha(bytes),
    size: bytes.length,
    ...overrides,
  });
  const upload = async (jws: string, bytes: Buffer) =>
    api(cp.url, jws, 'POST', '/v1/support-bundles', { bundle: bytes.toString('base64') });

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    token = await createAdminToken(dataDir, 'ops@vendor.test');
    const created = await runCli(dataDir, [
      'cabinet',
      'create',
      '--id',
      'martin',
      '--name',
      'Cabinet Martin',
      '--plan',
      'professional',
      '--json',
    ]);
    expect(created.code).toBe(0);
    cp = await startControlPlane(dataDir);
    appliance = new FakeAppliance(cp.url);
    expect((await appliance.enroll(created.json.enrollmentCode)).status).toBe(201);
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('keeps a signed bundle for the cabinet, listed with its expiry 30 days on, and gives it back byte for byte', async () => {
    const before = Date.now();
    const res = await upload(await signSupportUpload(claimsFor(appliance, bundle), appliance.key.privateKey), bundle);
    expect(res.status).toBe(201);
    // 30 days of 86 400 000 ms after the time the control plane received it (between before and now).
    const expires = Date.parse(res.body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    const list = await api(cp.url, token, 'GET', '/api/v1/cabinets/martin/support-bundles');
    expect(list.status).toBe(200);
    expect(list.body.bundles).toEqual([
      expect.objectContaining({ id: res.body.id, applianceId: appliance.applianceId, bytes: bundle.length, sha256: sha(bundle) }),
    ]);
    const download = await fetch(`${cp.url}/api/v1/cabinets/martin/support-bundles/${res.body.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/gzip');
    expect(Buffer.from(await download.arrayBuffer()).equals(bundle)).toBe(true);
    const support = await createAdminToken(dataDir, 'help@vendor.test', 'support');
    expect((await api(cp.url, support, 'GET', '/api/v1/cabinets/martin/support-bundles')).body.bundles).toHaveLength(1);

    // On the cabinet's dashboard page, for support staff signed in: the row, its expiry and a download that works with the session.
    const cookie = await dashboardSession(cp.url, 'help@vendor.test');
    const page = await (await fetch(`${cp.url}/cabinets/martin`, { headers: { cookie } })).text();
    expect(page).toContain('Paquets de support');
    const link = `/api/v1/cabinets/martin/support-bundles/${res.body.id}`;
    expect(page).toContain(`href="${link}"`);
    const viaSession = await fetch(`${cp.url}${link}`, { headers: { cookie } });
    expect(viaSession.status).toBe(200);
    expect(Buffer.from(await viaSession.arrayBuffer()).equals(bundle)).toBe(true);
    expect((await api(cp.url, undefined, 'GET', '/api/v1/cabinets/martin/support-bundles')).status).toBe(401);
  });

  it('keeps the same signed upload sent twice once (a retry whose answer was lost)', async () => {
    const jws = await signSupportUpload(claimsFor(appliance, bundle), appliance.key.privateKey);
    const once = await upload(jws, bundle);
    const twice = await upload(jws, bundle);
    expect([once.status, twice.status]).toEqual([201, 201]);
    expect(twice.body.id).toBe(once.body.id);
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/martin/support-bundles')).body.bundles).toHaveLength(1);
    expect(await storedBundles()).toBe(1);
  });

  it('refuses an unknown appliance, a wrong key, a body that is not the one signed, a stale token and an oversized body', async () => {
    const stranger = Object.assign(new FakeAppliance(cp.url), { applianceId: '7d0c1bb4-9a5e-4c8e-8f0e-0b9d3f1e2a11', cabinetId: 'martin' });
    const unknown = await upload(await signSupportUpload(claimsFor(stranger, bundle), stranger.key.privateKey), bundle);
    expect([unknown.status, unknown.body.error]).toEqual([401, 'unknown_appliance']);

    const forged = await upload(await signSupportUpload(claimsFor(appliance, bundle), generateSigningKey().privateKey), bundle);
    expect([forged.status, forged.body.error]).toEqual([401, 'bad_signature']);

    const other = gzipSync(Buffer.from('another bundle than the one signed'));
    const swapped = await upload(await signSupportUpload(claimsFor(appliance, bundle), appliance.key.privateKey), other);
    expect([swapped.status, swapped.body.error]).toEqual([400, 'malformed']);
    expect(swapped.body.message).toMatch(/bundle: its SHA-256 or size/);

    // Signed 20 minutes ago: outside the default ±600 s window.
    const stale = await upload(
      await signSupportUpload(claimsFor(appliance, bundle, { iat: Math.floor(Date.now() / 1000) - 1200 }), appliance.key.privateKey),
      bundle,
    );
    expect([stale.status, stale.body.error]).toEqual([422, 'clock_skew']);

    const missing = await api(cp.url, undefined, 'POST', '/v1/support-bundles', { bundle: bundle.toString('base64') });
    expect([missing.status, missing.body.error]).toEqual([400, 'malformed']);

    // Over the limit by 2 KiB: its base64 is over the body limit (4/3 of the bundle limit plus 1 KiB of framing).
    const huge = Buffer.alloc(MAX_SUPPORT_BUNDLE_BYTES + 2048, 1);
    const tooBig = await upload('x.y.z', huge);
    expect([tooBig.status, tooBig.body.error]).toEqual([413, 'payload_too_large']);

    const notGzip = Buffer.from('plain text, not a gzip');
    const plain = await upload(await signSupportUpload(claimsFor(appliance, notGzip), appliance.key.privateKey), notGzip);
    expect([plain.status, plain.body.error]).toEqual([400, 'malformed']);
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/martin/support-bundles')).body.bundles).toHaveLength(1);
  });

  it('refuses the old key after the cabinet re-enrolls', async () => {
    const code = await api(cp.url, token, 'POST', '/api/v1/cabinets/martin/enrollment-codes');
    expect(code.status).toBe(201);
    const replacement = new FakeAppliance(cp.url);
    expect((await replacement.enroll(code.body.enrollmentCode)).status).toBe(201);
    const revoked = await upload(await signSupportUpload(claimsFor(appliance, bundle), appliance.key.privateKey), bundle);
    expect([revoked.status, revoked.body.error]).toEqual([403, 'revoked_appliance']);
    appliance = replacement;
  });

  it('keeps at most 10 bundles per cabinet: the 11th replaces the oldest, on disk too', async () => {
    const first = (await api(cp.url, token, 'GET', '/api/v1/cabinets/martin/support-bundles')).body.bundles;
    expect(first).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      const b = gzipSync(Buffer.from(`bundle ${i}`));
      expect((await upload(await signSupportUpload(claimsFor(appliance, b), appliance.key.privateKey), b)).status).toBe(201);
    }
    const list = (await api(cp.url, token, 'GET', '/api/v1/cabinets/martin/support-bundles')).body.bundles;
    expect(list).toHaveLength(10);
    expect(list.map((b: { id: string }) => b.id)).not.toContain(first[0].id);
    expect(await storedBundles()).toBe(10);
    if (!onPostgres()) expect(fs.existsSync(path.join(dataDir, 'support-bundles', `${first[0].id}.tar.gz`))).toBe(false);
  });

  it('prunes a bundle once it is 30 days old: gone from the listing and from the disk', async () => {
    expect(await storedBundles()).toBe(10);
    await cp.stop();
    // 30 days and one hour on: past the expiry written at upload (receipt + 30 days).
    cp = await startControlPlane(dataDir, { CLOCK_OFFSET_SECONDS: String(30 * 86_400 + 3600) });
    // The files prune at start; PostgreSQL's rows go at the retention job's next run under its lease,
    // an hour on (tests/control-plane/postgres/upgradeSupportContract.test.ts), and are never listed meanwhile.
    if (!onPostgres()) expect(await storedBundles()).toBe(0);
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/martin/support-bundles')).body.bundles).toEqual([]);
  });
});
