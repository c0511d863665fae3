/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Hostile heartbeats: forged, replayed, tampered, skewed, from a revoked or unknown appliance,
 * oversized, malformed. None is accepted — the cabinet's billed usage and the appliance's sequence
 * stay what the one honest heartbeat set — and `/metrics` counts each under its reason code, to
 * the unit. (tests/control-plane/heartbeats.test.ts tells the protocol's story; this file is the
 * attack catalogue.)
 */
import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, type HeartbeatPayload } from '@iamanager/protocol';
import {
  FakeAppliance,
  api,
  createAdminToken,
  metricValue,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

let cp: TestControlPlane;
let vendor: string;
/** The cabinet under attack, its honest appliance, and what its one honest heartbeat reported. */
let victim: FakeAppliance;
let honest: HeartbeatPayload;
let honestJws: string;
/** Another cabinet's appliance, and the appliance the victim cabinet had before re-enrolling. */
let other: FakeAppliance;
let revoked: FakeAppliance;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const HEADER = () => ({ alg: 'EdDSA', typ: 'heartbeat+jwt', kid: victim.applianceId });

async function newCabinet(id: string): Promise<string> {
  const res = await api(cp.url, vendor, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan: 'professional' });
  expect(res.status).toBe(201);
  return res.body.enrollmentCode as string;
}

async function post(body: string | Buffer, type = 'application/jose'): Promise<{ status: number; error: string }> {
  const res = await fetch(`${cp.url}/v1/heartbeats`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, error: ((await res.json()) as any).error };
}

beforeAll(async () => {
  const dir = tempDir('cp-hostile-hb-');
  cp = await startControlPlane(dir);
  vendor = await createAdminToken(dir, 'vendor@iamanager.fr');
  revoked = new FakeAppliance(cp.url);
  expect((await revoked.enroll(await newCabinet('victim'))).status).toBe(201);
  // Re-enrolling the cabinet (a reinstall) revokes the previous appliance's key.
  const code = (await api(cp.url, vendor, 'POST', '/api/v1/cabinets/victim/enrollment-codes')).body.enrollmentCode;
  victim = new FakeAppliance(cp.url);
  expect((await victim.enroll(code)).status).toBe(201);
  other = new FakeAppliance(cp.url);
  expect((await other.enroll(await newCabinet('other'))).status).toBe(201);
  expect((await victim.send(await victim.sign(victim.payload()))).status).toBe(202);
  honest = victim.payload({ usage: { analysesUsed: 40, analysesOverage: 0, usersActive: 3, casesOpen: 12, storageBytes: 5_000_000 } });
  honestJws = await victim.sign(honest);
  expect((await victim.send(honestJws)).status).toBe(202);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
});

/** Each attack: what is sent, and the status and reason the control plane must answer. */
const ATTACKS: Array<
  [name: string, build: () => Promise<string | Buffer> | string | Buffer, status: number, reason: string, type?: string]
> = [
  // Forged: not signed by the key enrolled for the appliance it names.
  [
    'signed by a key the control plane never saw',
    async () => victim.sign(victim.payload(), generateSigningKey().privateKey),
    401,
    'bad_signature',
  ],
  [
    "signed by another cabinet's appliance, naming the victim's",
    async () => new SignJWT({ ...victim.payload() }).setProtectedHeader(HEADER()).sign(other.key.privateKey),
    401,
    'bad_signature',
  ],
  ['"alg": "none", unsigned', () => `${b64({ ...HEADER(), alg: 'none' })}.${b64(victim.payload())}.`, 400, 'malformed'],
  [
    'HS256 keyed with the public key (algorithm confusion)',
    () => {
      const x = (victim.key.publicKey.export({ format: 'jwk' }) as { x: string }).x;
      const input = `${b64({ ...HEADER(), alg: 'HS256' })}.${b64(victim.payload())}`;
      return `${input}.${crypto.createHmac('sha256', Buffer.from(x, 'base64url')).update(input).digest('base64url')}`;
    },
    400,
    'malformed',
  ],
  [
    'a signature of the wrong length',
    () => `${b64(HEADER())}.${b64(victim.payload())}.${Buffer.alloc(12).toString('base64url')}`,
    401,
    'bad_signature',
  ],
  // Tampered: signed honestly, then changed.
  [
    'usage lowered after signing (to pay less)',
    async () => {
      const [h, p, s] = (await victim.sign(victim.payload({ usage: { ...honest.usage, analysesUsed: 400 } }))).split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
      claims.usage.analysesUsed = 1;
      return `${h}.${b64(claims)}.${s}`;
    },
    401,
    'bad_signature',
  ],
  [
    'header changed after signing (kid of another appliance)',
    async () => {
      const [, p, s] = (await victim.sign(victim.payload())).split('.');
      return `${b64({ ...HEADER(), kid: other.applianceId })}.${p}.${s}`;
    },
    401,
    'bad_signature',
  ],
  [
    'signature bit flipped',
    async () => {
      const jws = await victim.sign(victim.payload());
      const sig = Buffer.from(jws.split('.')[2]!, 'base64url');
      sig[5]! ^= 0x01;
      return `${jws.split('.').slice(0, 2).join('.')}.${sig.toString('base64url')}`;
    },
    401,
    'bad_signature',
  ],
  // Replayed: a genuine heartbeat sent again, or an older sequence number re-signed.
  ['the honest heartbeat sent again', () => honestJws, 409, 'replayed_sequence'],
  [
    'a lower sequence number, freshly signed',
    async () => victim.sign({ ...victim.payload(), seq: honest.seq - 1 }),
    409,
    'replayed_sequence',
  ],
  [
    'the same sequence number with other counters',
    async () => victim.sign({ ...victim.payload(), seq: honest.seq, usage: { ...honest.usage, analysesUsed: 0 } }),
    409,
    'replayed_sequence',
  ],
  // Skewed: the appliance clock (or an attacker storing heartbeats for later) far from ours.
  [
    'signed 11 minutes in the past',
    async () => victim.sign(victim.payload({ iat: Math.floor(Date.now() / 1000) - 11 * 60 })),
    422,
    'clock_skew',
  ],
  [
    'signed 11 minutes in the future',
    async () => victim.sign(victim.payload({ iat: Math.floor(Date.now() / 1000) + 11 * 60 })),
    422,
    'clock_skew',
  ],
  ['signed a year ago', async () => victim.sign(victim.payload({ iat: Math.floor(Date.now() / 1000) - 365 * 86_400 })), 422, 'clock_skew'],
  // Revoked, unknown, or speaking for another cabinet.
  ['from the appliance the cabinet replaced (revoked key)', async () => revoked.sign(revoked.payload()), 403, 'revoked_appliance'],
  [
    'from an appliance never enrolled',
    async () =>
      new SignJWT({ ...victim.payload(), iss: 'ghost-000000000000' })
        .setProtectedHeader({ ...HEADER(), kid: 'ghost-000000000000' })
        .sign(generateSigningKey().privateKey),
    401,
    'unknown_appliance',
  ],
  [
    "the victim's appliance reporting for another cabinet",
    async () => victim.sign(victim.payload({ sub: 'other' })),
    403,
    'wrong_audience',
  ],
  // Outside the schema: a field that would carry case data, absurd numbers.
  [
    'an extra field (client names)',
    async () => new SignJWT({ ...victim.payload(), clientNames: ['M. X'] }).setProtectedHeader(HEADER()).sign(victim.key.privateKey),
    400,
    'malformed',
  ],
  [
    'a negative usage counter',
    async () =>
      new SignJWT({ ...victim.payload(), usage: { ...honest.usage, analysesUsed: -5 } })
        .setProtectedHeader(HEADER())
        .sign(victim.key.privateKey),
    400,
    'malformed',
  ],
  [
    'a sequence number past 2^53',
    async () => new SignJWT({ ...victim.payload(), seq: 2 ** 60 }).setProtectedHeader(HEADER()).sign(victim.key.privateKey),
    400,
    'malformed',
  ],
  // Oversized and malformed bodies.
  ['20 KB body', () => 'a'.repeat(20_000), 413, 'payload_too_large'],
  [
    'a signed heartbeat padded past 8 KiB',
    async () =>
      new SignJWT({ ...victim.payload(), health: { ...honest.health, version: `1.0.0-${'x'.repeat(9000)}` } })
        .setProtectedHeader(HEADER())
        .sign(victim.key.privateKey),
    413,
    'payload_too_large',
  ],
  ['an empty body', () => '', 400, 'malformed'],
  ['two segments', () => `${b64(HEADER())}.${b64(victim.payload())}`, 400, 'malformed'],
  ['five segments (a JWE)', () => 'a.b.c.d.e', 400, 'malformed'],
  ['binary garbage', () => crypto.randomBytes(300), 400, 'malformed'],
  ['JSON instead of a JWS', () => JSON.stringify(victim.payload()), 415, 'unsupported_media_type', 'application/json'],
];

describe('hostile heartbeats', () => {
  it.each(ATTACKS.map(([name, build, status, reason, type]) => ({ name, build, status, reason, type })))(
    'refuses $name: $status $reason',
    async ({ build, status, reason, type }) => {
      expect(await post(await build(), type)).toEqual({ status, error: reason });
    },
  );

  it('accepts exactly one of two copies of a new heartbeat racing in', async () => {
    const jws = await victim.sign(victim.payload({ usage: honest.usage }));
    const answers = (await Promise.all([post(jws), post(jws)])).map((a) => a.status).sort();
    expect(answers).toEqual([202, 409]);
  });

  it('kept the billed usage and the sequence the honest heartbeats set', async () => {
    const fleet = (await api(cp.url, vendor, 'GET', '/api/v1/fleet')).body.appliances as any[];
    const mine = fleet.find((a) => a.applianceId === victim.applianceId);
    expect(mine.usage).toEqual(honest.usage);
  });

  it('counts every refusal under its reason in /metrics, and accepted only the honest ones', async () => {
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    const expected: Record<string, number> = {};
    for (const [, , , reason] of ATTACKS) expected[reason] = (expected[reason] ?? 0) + 1;
    expected.replayed_sequence! += 1; // the losing copy of the race
    const counted = Object.fromEntries(
      Object.keys(expected).map((reason) => [reason, metricValue(text, `controlplane_heartbeats_rejected_total{reason="${reason}"}`)]),
    );
    expect(counted).toEqual(expected);
    // The two honest heartbeats and the winning copy of the race; no other reason was counted.
    expect(metricValue(text, 'controlplane_heartbeats_accepted_total')).toBe(3);
    const reasons = [...text.matchAll(/^controlplane_heartbeats_rejected_total\{reason="([^"]+)"\}/gm)].map((m) => m[1]).sort();
    expect(reasons).toEqual(Object.keys(expected).sort());
  });
});
