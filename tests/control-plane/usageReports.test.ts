/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Air-gapped cabinets: the usage file `appliance usage export` writes is uploaded by the vendor to
 * `POST /v1/usage-reports`, verified like a heartbeat except for the clock, and counted once;
 * refusals are counted by reason in `/metrics`, apart from heartbeats'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAppliance,
  api,
  createAdminToken,
  metricValue,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

let cp: TestControlPlane;
let token: string;
let appliance: FakeAppliance;

async function upload(jws: string, route = '/v1/usage-reports', contentType = 'application/jose') {
  const res = await fetch(`${cp.url}${route}`, { method: 'POST', headers: { 'content-type': contentType }, body: jws });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  const dir = tempDir('cp-usage-');
  cp = await startControlPlane(dir);
  token = await createAdminToken(dir, 'vendor@iamanager.fr');
  const created = await runCli(dir, [
    'cabinet',
    'create',
    '--id',
    'montagne',
    '--name',
    'Cabinet de la Montagne',
    '--plan',
    'professional',
    '--json',
  ]);
  appliance = new FakeAppliance(cp.url);
  expect((await appliance.enroll(created.json.enrollmentCode)).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

describe('usage reports', () => {
  it('accepts a month signed weeks ago, once, and shows its counters', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const old = await appliance.sign(
      appliance.payload({
        iat: Math.floor(Date.now() / 1000) - 21 * 86_400,
        month,
        usage: { analysesUsed: 612, analysesOverage: 112, usersActive: 7, casesOpen: 840, storageBytes: 5_000_000 },
      }),
    );
    expect((await upload(old, '/v1/heartbeats')).body.error).toBe('clock_skew');
    const accepted = await upload(old);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      accepted: true,
      cabinetId: 'montagne',
      month,
      usage: { analysesUsed: 612, analysesOverage: 112 },
    });
    const again = await upload(old);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('replayed_sequence');
    const fleet = await api(cp.url, token, 'GET', '/api/v1/fleet');
    const entry = (fleet.body.appliances ?? fleet.body.fleet).find((a: any) => a.cabinetId === 'montagne');
    expect(entry.usage).toMatchObject({ analysesUsed: 612, analysesOverage: 112 });
  });

  it('refuses a tampered report like a heartbeat', async () => {
    const jws = await appliance.sign(appliance.payload());
    const [h, p, s] = jws.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.usage.analysesUsed = 1; // a cabinet trying to pay for less
    const res = await upload(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('bad_signature');
  });

  it('refuses an oversized report and one sent as JSON, with their reasons', async () => {
    expect((await upload('a'.repeat(20_000))).body.error).toBe('payload_too_large');
    expect((await upload(JSON.stringify(appliance.payload()), '/v1/usage-reports', 'application/json')).body.error).toBe(
      'unsupported_media_type',
    );
  });

  it('counts each refusal under its reason in /metrics, apart from heartbeats', async () => {
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    const rejected = [...text.matchAll(/^controlplane_usage_reports_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(Object.fromEntries(rejected)).toEqual({
      replayed_sequence: 1,
      bad_signature: 1,
      payload_too_large: 1,
      unsupported_media_type: 1,
    });
    expect(metricValue(text, 'controlplane_usage_reports_accepted_total')).toBe(1);
    // The report first tried as a heartbeat counts there, and only there.
    const heartbeatRejections = [...text.matchAll(/^controlplane_heartbeats_rejected_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(Object.fromEntries(heartbeatRejections)).toEqual({ clock_skew: 1 });
    expect(metricValue(text, 'controlplane_heartbeats_accepted_total')).toBe(0);
  });
});
