/**
 * The signed upgrade request (protocol/src/upgradeRequest.ts): verified against the key the
 * appliance enrolled with; a tampered one, one from an unknown or revoked appliance, one for
 * another cabinet and a stale one are refused with their stable codes. (Replays are refused by
 * the control plane, which records each `jti`: tests/control-plane/upgradeRequests.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  generateSigningKey,
  signUpgradeRequest,
  verifyUpgradeRequest,
  type KnownAppliance,
  type UpgradeRequestPayload,
} from '@iamanager/protocol';

const NOW = new Date('2026-03-15T10:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const key = generateSigningKey();

function payload(overrides: Partial<UpgradeRequestPayload> = {}): UpgradeRequestPayload {
  return {
    v: 1,
    iss: 'apl-dupont-1',
    sub: 'dupont',
    jti: 'Zm9vYmFyYmF6cXV4cXV1eHF1dXg',
    iat: nowSeconds,
    licenseId: 'lic-1',
    currentPlan: 'starter',
    wantedPlan: 'professional',
    limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
    usage: { month: '2026-03', usersActive: 3, casesOpen: 120, analysesUsed: 100 },
    message: 'Nous recrutons deux collaborateurs en avril.',
    ...overrides,
  };
}

const known = (o: Partial<KnownAppliance> = {}): KnownAppliance => ({
  publicKey: key.publicKey,
  cabinetId: 'dupont',
  revoked: false,
  lastSeq: 0,
  ...o,
});

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).code;
  }
  throw new Error('expected a rejection');
}

describe('verifyUpgradeRequest', () => {
  it('accepts a request signed by the enrolled key and returns what it says', async () => {
    const jws = await signUpgradeRequest(payload(), key.privateKey);
    const { payload: got } = await verifyUpgradeRequest(jws, { findAppliance: () => known(), now: NOW });
    expect(got.wantedPlan).toBe('professional');
    expect(got.usage.analysesUsed).toBe(100);
    expect(got.message).toBe('Nous recrutons deux collaborateurs en avril.');
  });

  it('refuses a tampered payload (bad_signature)', async () => {
    const jws = await signUpgradeRequest(payload(), key.privateKey);
    const [h, p, s] = jws.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as UpgradeRequestPayload;
    claims.wantedPlan = 'enterprise';
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(await rejection(verifyUpgradeRequest(tampered, { findAppliance: () => known(), now: NOW }))).toBe('bad_signature');
  });

  it('refuses a request signed by another key (bad_signature)', async () => {
    const other = generateSigningKey();
    const jws = await signUpgradeRequest(payload(), other.privateKey);
    expect(await rejection(verifyUpgradeRequest(jws, { findAppliance: () => known(), now: NOW }))).toBe('bad_signature');
  });

  it('refuses an unknown appliance, a revoked one and another cabinet', async () => {
    const jws = await signUpgradeRequest(payload(), key.privateKey);
    expect(await rejection(verifyUpgradeRequest(jws, { findAppliance: () => undefined, now: NOW }))).toBe('unknown_appliance');
    expect(await rejection(verifyUpgradeRequest(jws, { findAppliance: () => known({ revoked: true }), now: NOW }))).toBe(
      'revoked_appliance',
    );
    expect(await rejection(verifyUpgradeRequest(jws, { findAppliance: () => known({ cabinetId: 'martin' }), now: NOW }))).toBe(
      'wrong_audience',
    );
  });

  it('refuses a request signed 11 minutes ago (clock_skew, default window ±600 s)', async () => {
    const jws = await signUpgradeRequest(payload({ iat: nowSeconds - 660 }), key.privateKey);
    expect(await rejection(verifyUpgradeRequest(jws, { findAppliance: () => known(), now: NOW }))).toBe('clock_skew');
  });

  it('refuses a heartbeat presented as an upgrade request, and a message over 500 characters', async () => {
    await expect(signUpgradeRequest(payload({ message: 'x'.repeat(501) }), key.privateKey)).rejects.toThrow(/at most 500/);
    await expect(signUpgradeRequest(payload({ wantedPlan: 'starter' }), key.privateKey)).rejects.toThrow(/must differ/);
    expect(await rejection(verifyUpgradeRequest('not.a.jws', { findAppliance: () => known(), now: NOW }))).toBe('malformed');
  });
});
