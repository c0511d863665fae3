import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import {
  ProtocolError,
  generateSigningKey,
  signHeartbeat,
  verifyHeartbeat,
  type HeartbeatPayload,
  type KnownAppliance,
} from '@iamanager/protocol';

const NOW = new Date('2026-03-15T10:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

function payload(overrides: Partial<HeartbeatPayload> = {}): HeartbeatPayload {
  return {
    v: 1,
    iss: 'apl-dupont-1',
    sub: 'dupont',
    seq: 5,
    iat: nowSeconds,
    month: '2026-03',
    usage: { analysesUsed: 12, analysesOverage: 0, usersActive: 4, casesOpen: 80, storageBytes: 123456 },
    health: {
      version: '1.2.0',
      uptimeSeconds: 3600,
      cpuLoad: 0.2,
      memoryUsedRatio: 0.5,
      diskFreeBytes: 10_000_000_000,
      diskFreeRatio: 0.6,
      lastBackupAt: '2026-03-15T02:00:00Z',
      licenseExpiresAt: '2026-04-30T00:00:00Z',
      errors24h: 0,
    },
    ...overrides,
  };
}

const key = generateSigningKey();
function known(overrides: Partial<KnownAppliance> = {}): KnownAppliance {
  return { publicKey: key.publicKey, cabinetId: 'dupont', revoked: false, lastSeq: 4, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).code;
  }
  throw new Error('expected a rejection');
}

describe('verifyHeartbeat', () => {
  it('accepts a heartbeat signed by the enrolled key and returns its payload', async () => {
    const jws = await signHeartbeat(payload(), key.privateKey);
    const { payload: got } = await verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW });
    expect(got.usage.analysesUsed).toBe(12);
    expect(got.seq).toBe(5);
  });

  it('refuses a body that is not a JWS as malformed', async () => {
    expect(await rejection(verifyHeartbeat('not-a-jws', { findAppliance: () => known(), now: NOW }))).toBe('malformed');
    expect(await rejection(verifyHeartbeat('', { findAppliance: () => known(), now: NOW }))).toBe('malformed');
  });

  it('refuses an oversized heartbeat without parsing it', async () => {
    const huge = 'a'.repeat(9000) + '.b.c';
    expect(await rejection(verifyHeartbeat(huge, { findAppliance: () => known(), now: NOW }))).toBe('malformed');
  });

  it('refuses a heartbeat with the wrong typ header as malformed', async () => {
    const jws = await new SignJWT({ ...payload() })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'apl-dupont-1' })
      .sign(key.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW }))).toBe('malformed');
  });

  it('refuses a heartbeat from an appliance nobody enrolled', async () => {
    const jws = await signHeartbeat(payload(), key.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => undefined, now: NOW }))).toBe('unknown_appliance');
  });

  it('refuses a heartbeat signed by another key', async () => {
    const other = generateSigningKey();
    const jws = await signHeartbeat(payload(), other.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW }))).toBe('bad_signature');
  });

  it('refuses a tampered payload', async () => {
    const jws = await signHeartbeat(payload(), key.privateKey);
    const [h, p, s] = jws.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as HeartbeatPayload;
    claims.usage.analysesUsed = 1; // an appliance trying to pay less
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(await rejection(verifyHeartbeat(forged, { findAppliance: () => known(), now: NOW }))).toBe('bad_signature');
  });

  it('refuses a revoked appliance once its signature is proven', async () => {
    const jws = await signHeartbeat(payload(), key.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => known({ revoked: true }), now: NOW }))).toBe('revoked_appliance');
  });

  it('refuses a sequence number that was already seen', async () => {
    const jws = await signHeartbeat(payload({ seq: 4 }), key.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW }))).toBe('replayed_sequence');
  });

  it('refuses a heartbeat whose clock is more than 10 minutes off, either way', async () => {
    const ahead = await signHeartbeat(payload({ iat: nowSeconds + 601 }), key.privateKey);
    const behind = await signHeartbeat(payload({ iat: nowSeconds - 601 }), key.privateKey);
    expect(await rejection(verifyHeartbeat(ahead, { findAppliance: () => known(), now: NOW }))).toBe('clock_skew');
    expect(await rejection(verifyHeartbeat(behind, { findAppliance: () => known(), now: NOW }))).toBe('clock_skew');
    const edge = await signHeartbeat(payload({ iat: nowSeconds - 600 }), key.privateKey);
    await expect(verifyHeartbeat(edge, { findAppliance: () => known(), now: NOW })).resolves.toBeTruthy();
  });

  it('skips the clock check for air-gap usage reports', async () => {
    const old = await signHeartbeat(payload({ iat: nowSeconds - 30 * 86400 }), key.privateKey);
    await expect(verifyHeartbeat(old, { findAppliance: () => known(), now: NOW, skipSkewCheck: true })).resolves.toBeTruthy();
  });

  it('refuses a heartbeat for another cabinet than the appliance belongs to', async () => {
    const jws = await signHeartbeat(payload({ sub: 'martin' }), key.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW }))).toBe('wrong_audience');
  });

  it('refuses a payload with an unknown field, so nothing can be smuggled out', async () => {
    const smuggled = { ...payload(), usage: { ...payload().usage, clientName: 'Jean Dupont' } };
    const jws = await new SignJWT(smuggled as unknown as Record<string, unknown>)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'heartbeat+jwt', kid: 'apl-dupont-1' })
      .sign(key.privateKey);
    try {
      await verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW });
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as ProtocolError).code).toBe('malformed');
      expect((err as ProtocolError).message).toBe('usage: unknown field "clientName": remove it');
    }
  });

  it('refuses to sign a payload that does not fit the schema', async () => {
    await expect(signHeartbeat({ ...payload(), extra: 1 } as HeartbeatPayload, key.privateKey)).rejects.toThrow();
  });

  it('refuses a heartbeat whose issuer is not the key id', async () => {
    const jws = await new SignJWT({ ...payload(), iss: 'apl-other' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'heartbeat+jwt', kid: 'apl-dupont-1' })
      .sign(key.privateKey);
    expect(await rejection(verifyHeartbeat(jws, { findAppliance: () => known(), now: NOW }))).toBe('malformed');
  });
});
