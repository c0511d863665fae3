import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  generateSigningKey,
  licenseState,
  publicJwk,
  signLicense,
  toJwks,
  verifyLicense,
  type LicenseClaims,
} from '@iamanager/protocol';
import { testKey } from '../support/keys.js';

const NOW = new Date('2026-03-15T10:00:00Z');
const t = Math.floor(NOW.getTime() / 1000);
const DAY = 86_400;

function claims(overrides: Partial<LicenseClaims> = {}): LicenseClaims {
  return {
    iss: 'iamanager-control-plane',
    sub: 'dupont',
    aud: 'apl-dupont-1',
    jti: 'lic-1',
    iat: t - DAY,
    nbf: t - DAY,
    exp: t + 30 * DAY,
    graceDays: 14,
    plan: 'professional',
    limits: { maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500 },
    aiModel: 'ceseda-pro-v1',
    advancedFeatures: true,
    overage: { allowed: true, pricePerAnalysisCents: 50 },
    ...overrides,
  };
}

const opts = { issuer: 'iamanager-control-plane', audience: 'apl-dupont-1', now: NOW };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).code;
  }
  throw new Error('expected a rejection');
}

describe('verifyLicense', () => {
  it('accepts a license signed by a trusted vendor key', async () => {
    const v = await testKey();
    const jws = await signLicense(claims(), { privateKey: v.key.privateKey, kid: v.kid });
    const got = await verifyLicense(jws, { ...opts, keys: toJwks([v]) });
    expect(got.claims.limits.maxUsers).toBe(10);
    expect(got.state).toBe('valid');
    expect(got.kid).toBe(v.kid);
  });

  it('accepts licenses from both keys while the vendor rotates', async () => {
    const oldKey = await testKey();
    const newKey = await testKey();
    const keys = toJwks([oldKey, newKey]);
    const a = await signLicense(claims(), { privateKey: oldKey.key.privateKey, kid: oldKey.kid });
    const b = await signLicense(claims(), { privateKey: newKey.key.privateKey, kid: newKey.kid });
    expect((await verifyLicense(a, { ...opts, keys })).kid).toBe(oldKey.kid);
    expect((await verifyLicense(b, { ...opts, keys })).kid).toBe(newKey.kid);
  });

  it('refuses a license signed by an untrusted key', async () => {
    const trusted = await testKey();
    const attacker = await testKey();
    const jws = await signLicense(claims(), { privateKey: attacker.key.privateKey, kid: trusted.kid });
    expect(await code(verifyLicense(jws, { ...opts, keys: toJwks([trusted]) }))).toBe('bad_signature');
  });

  it('refuses a license whose claims were edited (a raised limit)', async () => {
    const v = await testKey();
    const jws = await signLicense(claims(), { privateKey: v.key.privateKey, kid: v.kid });
    const [h, p, s] = jws.split('.');
    const c = JSON.parse(Buffer.from(p!, 'base64url').toString()) as LicenseClaims;
    c.limits.maxUsers = 500;
    const forged = `${h}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${s}`;
    expect(await code(verifyLicense(forged, { ...opts, keys: toJwks([v]) }))).toBe('bad_signature');
  });

  it('refuses a license issued to another appliance', async () => {
    const v = await testKey();
    const jws = await signLicense(claims({ aud: 'apl-martin-1' }), { privateKey: v.key.privateKey, kid: v.kid });
    expect(await code(verifyLicense(jws, { ...opts, keys: toJwks([v]) }))).toBe('wrong_audience');
  });

  it('refuses a license past its grace period, unless asked to read it anyway', async () => {
    const v = await testKey();
    const jws = await signLicense(claims({ exp: t - 20 * DAY, graceDays: 14 }), { privateKey: v.key.privateKey, kid: v.kid });
    expect(await code(verifyLicense(jws, { ...opts, keys: toJwks([v]) }))).toBe('expired');
    const read = await verifyLicense(jws, { ...opts, keys: toJwks([v]), allowExpired: true });
    expect(read.state).toBe('expired');
  });

  it('reports the grace period after expiry', async () => {
    const v = await testKey();
    const jws = await signLicense(claims({ exp: t - 3 * DAY, graceDays: 14 }), { privateKey: v.key.privateKey, kid: v.kid });
    expect((await verifyLicense(jws, { ...opts, keys: toJwks([v]) })).state).toBe('grace');
  });

  it('refuses garbage as malformed', async () => {
    const v = await testKey();
    expect(await code(verifyLicense('x.y.z', { ...opts, keys: toJwks([v]) }))).toBe('malformed');
  });

  it('computes the license state at the edges', () => {
    const c = { nbf: 1000, exp: 2000, graceDays: 1 };
    expect(licenseState(c, new Date(999_000))).toBe('not_yet_valid');
    expect(licenseState(c, new Date(2000_000))).toBe('valid');
    expect(licenseState(c, new Date(2001_000))).toBe('grace');
    expect(licenseState(c, new Date((2000 + DAY) * 1000))).toBe('grace');
    expect(licenseState(c, new Date((2001 + DAY) * 1000))).toBe('expired');
  });
});

describe('publicJwk', () => {
  it('never exports the private part', () => {
    const key = generateSigningKey();
    const jwk = publicJwk(key.publicKey) as Record<string, unknown>;
    expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x']);
  });
});
