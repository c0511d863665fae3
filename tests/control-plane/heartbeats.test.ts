import fs from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, verifyLicense } from '@iamanager/protocol';
import {
  FakeAppliance,
  api,
  createAdminToken,
  metricValue,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

/**
 * One control plane, one cabinet, one story told in order (docs/protocol.md): enrollment, an
 * accepted heartbeat, then each way a heartbeat is refused, re-enrollment, and a plan change.
 */
describe('heartbeat ingest over HTTP', () => {
  const dataDir = `${tempDir('cp-hb-')}/data`;
  let cp: TestControlPlane;
  let token: string;
  let appliance: FakeAppliance;
  let firstAccepted: string;

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    token = await createAdminToken(dataDir, 'ops@vendor.test');
    cp = await startControlPlane(dataDir, { LATEST_APPLIANCE_VERSION: '1.2.0', LATEST_APPLIANCE_NOTES: 'Faster search' });
    appliance = new FakeAppliance(cp.url);
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a cabinet and enrolls an appliance with a freshly generated key', async () => {
    const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', {
      id: 'dupont',
      name: 'Cabinet Dupont & Associés',
      plan: 'professional',
      siret: '73282932000074',
    });
    expect(created.status).toBe(201);
    expect(created.body.enrollmentCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    const enrolled = await appliance.enroll(created.body.enrollmentCode);
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.cabinetId).toBe('dupont');
    expect(enrolled.body.heartbeatIntervalSeconds).toBe(900);
    const license = await verifyLicense(enrolled.body.license, {
      keys: enrolled.body.vendorKeys,
      issuer: 'iamanager-control-plane',
      audience: enrolled.body.applianceId,
    });
    expect(license.claims).toMatchObject({
      sub: 'dupont',
      plan: 'professional',
      limits: { maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500 },
      aiModel: 'ceseda-pro-v1',
      overage: { allowed: true, pricePerAnalysisCents: 50 },
    });
  });

  it('accepts a signed heartbeat and answers with the interval and the latest version', async () => {
    firstAccepted = await appliance.sign(appliance.payload());
    const res = await appliance.send(firstAccepted);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: true,
      heartbeatIntervalSeconds: 900,
      latestVersion: '1.2.0',
      latestVersionNotes: 'Faster search',
      receipt: expect.any(String),
    });
  });

  it('refuses a heartbeat whose sequence number was already seen', async () => {
    const res = await appliance.send(firstAccepted);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ ok: false, error: 'replayed_sequence' });
  });

  it('refuses a heartbeat whose payload was changed after signing', async () => {
    const jws = await appliance.sign(appliance.payload());
    const [header, payload, signature] = jws.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    claims.usage.analysesUsed = 0; // a cabinet trying to pay less
    const tampered = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    const res = await appliance.send(tampered);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('bad_signature');
  });

  it('refuses a heartbeat signed by another key', async () => {
    const res = await appliance.send(await appliance.sign(appliance.payload(), generateSigningKey().privateKey));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('bad_signature');
  });

  it('refuses a heartbeat carrying a field outside the schema', async () => {
    const payload = { ...appliance.payload(), clientNames: ['M. X'] };
    const jws = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'heartbeat+jwt', kid: appliance.applianceId })
      .sign(appliance.key.privateKey);
    const res = await appliance.send(jws);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'malformed', message: 'body: unknown field "clientNames": remove it' });
  });

  it('refuses a heartbeat from an appliance it never enrolled', async () => {
    const stranger = new FakeAppliance(cp.url);
    stranger.applianceId = 'ghost-appliance';
    stranger.cabinetId = 'dupont';
    stranger.license = appliance.license;
    const res = await stranger.send(await stranger.sign(stranger.payload()));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unknown_appliance');
  });

  it('refuses a heartbeat whose time is more than 10 minutes off', async () => {
    const res = await appliance.send(await appliance.sign(appliance.payload({ iat: Math.floor(Date.now() / 1000) - 11 * 60 })));
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('clock_skew');
  });

  it('refuses a body that is not application/jose, or too large, without a 500', async () => {
    const wrongType = await fetch(`${cp.url}/v1/heartbeats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    const huge = await fetch(`${cp.url}/v1/heartbeats`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: 'a'.repeat(20_000),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toBe('payload_too_large');
  });

  it('refuses the old key after the cabinet re-enrolls', async () => {
    const code = await api(cp.url, token, 'POST', '/api/v1/cabinets/dupont/enrollment-codes');
    expect(code.status).toBe(201);
    const oldAppliance = Object.assign(new FakeAppliance(cp.url), {
      applianceId: appliance.applianceId,
      cabinetId: 'dupont',
      license: appliance.license,
      seq: appliance.seq,
    });
    const oldKey = appliance.key.privateKey;
    const replacement = new FakeAppliance(cp.url);
    expect((await replacement.enroll(code.body.enrollmentCode)).status).toBe(201);
    expect(replacement.applianceId).not.toBe(appliance.applianceId);

    const res = await oldAppliance.send(await oldAppliance.sign(oldAppliance.payload(), oldKey));
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('revoked_appliance');
    const fresh = await replacement.send(await replacement.sign(replacement.payload()));
    expect(fresh.status).toBe(202);
    expect(fresh.body.license).toBeUndefined();
    appliance = replacement;
  });

  it('delivers a new license in the next heartbeat response after a plan change', async () => {
    const changed = await api(cp.url, token, 'PATCH', '/api/v1/cabinets/dupont', { plan: 'enterprise', overrides: { maxCases: 12_000 } });
    expect(changed.status).toBe(200);
    expect(changed.body.cabinet.planHistory.map((h: { plan: string }) => h.plan)).toEqual(['professional', 'enterprise']);

    const res = await appliance.send(await appliance.sign(appliance.payload()));
    expect(res.status).toBe(202);
    const keys = (await api(cp.url, undefined, 'GET', '/v1/keys')).body;
    const license = await verifyLicense(res.body.license, { keys, issuer: 'iamanager-control-plane', audience: appliance.applianceId });
    expect(license.claims).toMatchObject({
      plan: 'enterprise',
      limits: { maxUsers: 50, maxCases: 12_000, maxAnalysesMonthly: 2000 },
      aiModel: 'ceseda-enterprise-v1',
    });

    // Once the appliance runs it (it reports the license's expiry), the license is not sent again.
    appliance.license = res.body.license;
    const next = await appliance.send(await appliance.sign(appliance.payload()));
    expect(next.status).toBe(202);
    expect(next.body.license).toBeUndefined();
  });

  it('counts accepted and rejected heartbeats by reason in /metrics', async () => {
    const res = await fetch(`${cp.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(metricValue(text, 'controlplane_heartbeats_accepted_total')).toBe(4);
    for (const [reason, count] of [
      ['replayed_sequence', 1],
      ['bad_signature', 2],
      ['malformed', 1],
      ['unknown_appliance', 1],
      ['clock_skew', 1],
      ['revoked_appliance', 1],
      ['unsupported_media_type', 1],
      ['payload_too_large', 1],
    ] as const) {
      expect(metricValue(text, `controlplane_heartbeats_rejected_total{reason="${reason}"}`), reason).toBe(count);
    }
    expect(metricValue(text, 'controlplane_heartbeat_duration_seconds_count{outcome="accepted"}')).toBe(4);
  });

  it('shows the appliance in the fleet with its usage against its limits and its health', async () => {
    const fleet = await api(cp.url, token, 'GET', '/api/v1/fleet');
    expect(fleet.status).toBe(200);
    expect(fleet.body.appliances).toHaveLength(1);
    expect(fleet.body.appliances[0]).toMatchObject({
      applianceId: appliance.applianceId,
      cabinetId: 'dupont',
      plan: 'enterprise',
      version: '1.0.0',
      revoked: false,
      usage: { analysesUsed: appliance.seq, usersActive: 2 },
      limits: { maxUsers: 50, maxCases: 12_000, maxAnalysesMonthly: 2000 },
      health: { version: '1.0.0', errors24h: 0 },
    });
    const all = await api(cp.url, token, 'GET', '/api/v1/fleet?revoked=include');
    expect(all.body.appliances.map((a: { revoked: boolean }) => a.revoked).sort()).toEqual([false, true]);
  });

  it('sends a license that expires at once when the cabinet is suspended, and keeps counting its usage', async () => {
    expect((await api(cp.url, token, 'PATCH', '/api/v1/cabinets/dupont', { status: 'suspended' })).status).toBe(200);
    const res = await appliance.send(await appliance.sign(appliance.payload()));
    expect(res.status).toBe(202);
    const keys = (await api(cp.url, undefined, 'GET', '/v1/keys')).body;
    const license = await verifyLicense(res.body.license, { keys, issuer: 'iamanager-control-plane', audience: appliance.applianceId });
    expect(license.claims.plan).toBe('enterprise');
    expect(license.claims.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
    expect(license.claims.graceDays).toBe(14);
  });
});
