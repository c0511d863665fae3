/**
 * Heartbeat v1 and v2 side by side (SPEC "Additions"): v2 adds exactly `licenseId`, `audit` and
 * `health.lastOffsiteBackupAt`; each version is held to its own fields, strictly. And the vendor
 * receipt: signed time and anchors, verified only with pinned keys when pins are set.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  generateSigningKey,
  heartbeatPayloadSchema,
  keyThumbprints,
  publicJwk,
  signAnchorRequest,
  signHeartbeat,
  signReceipt,
  toJwks,
  verifyAnchorRequest,
  verifyHeartbeat,
  verifyReceipt,
  type HeartbeatPayload,
  type KnownAppliance,
} from '@iamanager/protocol';
import { formatIssues } from '@iamanager/protocol';

const NOW = new Date('2026-03-15T10:00:00Z');
const iat = Math.floor(NOW.getTime() / 1000);
const key = generateSigningKey();
const known = (): KnownAppliance => ({ publicKey: key.publicKey, cabinetId: 'dupont', revoked: false, lastSeq: 0 });

const v1 = {
  v: 1,
  iss: 'apl-dupont-1',
  sub: 'dupont',
  seq: 1,
  iat,
  month: '2026-03',
  usage: { analysesUsed: 12, analysesOverage: 0, usersActive: 4, casesOpen: 80, storageBytes: 123456 },
  health: {
    version: '1.2.0',
    uptimeSeconds: 3600,
    cpuLoad: 0.2,
    memoryUsedRatio: 0.5,
    diskFreeBytes: 10_000_000_000,
    diskFreeRatio: 0.6,
    lastBackupAt: null,
    licenseExpiresAt: '2026-04-30T00:00:00Z',
    errors24h: 0,
  },
} as const satisfies HeartbeatPayload;

const v2 = {
  ...v1,
  v: 2,
  licenseId: 'lic-123',
  audit: { head: 'a'.repeat(64), length: 42 },
  health: { ...v1.health, lastOffsiteBackupAt: null },
} as const satisfies HeartbeatPayload;

/** Signs any payload as the appliance would, bypassing signHeartbeat's own schema check. */
const signRaw = (payload: object) =>
  new SignJWT({ ...payload }).setProtectedHeader({ alg: 'EdDSA', typ: 'heartbeat+jwt', kid: 'apl-dupont-1' }).sign(key.privateKey);

async function refusal(payload: object): Promise<{ code: string; message: string }> {
  try {
    await verifyHeartbeat(await signRaw(payload), { findAppliance: known, now: NOW });
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return { code: (err as ProtocolError).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('heartbeat versions', () => {
  it('accepts v1 and v2 side by side, each with its own fields', async () => {
    expect((await verifyHeartbeat(await signHeartbeat(v1, key.privateKey), { findAppliance: known, now: NOW })).payload).toEqual(v1);
    expect((await verifyHeartbeat(await signHeartbeat(v2, key.privateKey), { findAppliance: known, now: NOW })).payload).toEqual(v2);
  });

  it('refuses a v2 without the fields v2 adds, naming them', async () => {
    const { licenseId: _l, audit: _a, ...withoutAdditions } = v2;
    const refused = await refusal({ ...withoutAdditions, health: v1.health });
    expect(refused.code).toBe('malformed');
    expect(refused.message).toContain('licenseId: is required');
    expect(refused.message).toContain('audit: is required');
    expect(refused.message).toContain('health.lastOffsiteBackupAt: is required');
  });

  it('refuses v2 fields in a v1 heartbeat: each version is exactly its schema', async () => {
    expect(await refusal({ ...v1, licenseId: 'lic-123' })).toMatchObject({
      code: 'malformed',
      message: expect.stringContaining('licenseId'),
    });
    expect(await refusal({ ...v1, health: { ...v1.health, lastOffsiteBackupAt: null } })).toMatchObject({ code: 'malformed' });
    expect(await refusal({ ...v2, extra: 1 })).toMatchObject({ code: 'malformed' });
  });

  it('refuses a version it does not know, saying which it takes', async () => {
    expect(await refusal({ ...v2, v: 3 })).toEqual({ code: 'malformed', message: 'v: must be 1 or 2 (the heartbeat version)' });
  });

  it('refuses an audit head that is not a SHA-256, and a negative length', () => {
    const parsed = heartbeatPayloadSchema.safeParse({ ...v2, audit: { head: 'not-a-hash', length: -1 } });
    expect(parsed.success).toBe(false);
    expect(formatIssues(parsed.error!.issues)).toEqual([
      'audit.head: must be a SHA-256 hash, 64 lowercase hexadecimal characters',
      'audit.length: must not be negative',
    ]);
  });
});

describe('vendor receipts', () => {
  const vendor = generateSigningKey();
  const jwk = publicJwk(vendor.publicKey);
  const keys = toJwks([{ kid: 'vendor-1', jwk }]);
  const claims = {
    iss: 'https://cp.example',
    aud: 'apl-dupont-1',
    sub: 'dupont',
    iat,
    anchors: [{ head: 'b'.repeat(64), length: 7, at: NOW.toISOString() }],
  };
  const options = { keys, issuer: 'https://cp.example', audience: 'apl-dupont-1' };

  it('verify with the vendor key, pinned or not', async () => {
    const jws = await signReceipt(claims, { privateKey: vendor.privateKey, kid: 'vendor-1' });
    expect(await verifyReceipt(jws, options, undefined)).toEqual(claims);
    expect(await verifyReceipt(jws, options, await keyThumbprints(keys))).toEqual(claims);
  });

  it('are refused when signed by another key, for another appliance, or when no held key is pinned', async () => {
    const other = generateSigningKey();
    const forged = await signReceipt(claims, { privateKey: other.privateKey, kid: 'vendor-1' });
    await expect(verifyReceipt(forged, options, undefined)).rejects.toMatchObject({ code: 'bad_signature' });
    const elsewhere = await signReceipt({ ...claims, aud: 'apl-martin-1' }, { privateKey: vendor.privateKey, kid: 'vendor-1' });
    await expect(verifyReceipt(elsewhere, options, undefined)).rejects.toMatchObject({ code: 'wrong_audience' });
    const genuine = await signReceipt(claims, { privateKey: vendor.privateKey, kid: 'vendor-1' });
    await expect(verifyReceipt(genuine, options, ['A'.repeat(43)])).rejects.toMatchObject({ code: 'untrusted_vendor_key' });
  });

  it('are asked for with a fresh request signed by the appliance key', async () => {
    const request = await signAnchorRequest({ iss: 'apl-dupont-1', sub: 'dupont', iat }, key.privateKey);
    expect(await verifyAnchorRequest(request, { findAppliance: known, now: NOW })).toBe('apl-dupont-1');
    await expect(verifyAnchorRequest(request, { findAppliance: known, now: new Date(NOW.getTime() + 3_600_000) })).rejects.toMatchObject({
      code: 'clock_skew',
    });
    const stranger = await signAnchorRequest({ iss: 'apl-dupont-1', sub: 'dupont', iat }, generateSigningKey().privateKey);
    await expect(verifyAnchorRequest(stranger, { findAppliance: known, now: NOW })).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(verifyAnchorRequest('', { findAppliance: known, now: NOW })).rejects.toMatchObject({ code: 'malformed' });
  });
});
