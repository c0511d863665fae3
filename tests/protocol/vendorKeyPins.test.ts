import { describe, expect, it } from 'vitest';
import {
  DomainError,
  generateSigningKey,
  isKeyThumbprint,
  keyThumbprints,
  partitionByPins,
  signLicense,
  toJwks,
  verifyPinnedLicense,
  type LicenseClaims,
} from '@iamanager/protocol';
import { testKey } from '../support/keys.js';

const NOW = new Date('2026-03-15T10:00:00Z');
const t = Math.floor(NOW.getTime() / 1000);
const DAY = 86_400;
const opts = { issuer: 'iamanager-control-plane', audience: 'apl-dupont-1', now: NOW };

const claims: LicenseClaims = {
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
};

/** The refusal's stable code, or 'accepted'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code;
  }
}

describe('vendor key pins', () => {
  it('accepts a license signed by a pinned key, and by either pinned key during a rotation', async () => {
    const [oldKey, newKey] = [await testKey(), await testKey()];
    const keys = toJwks([oldKey, newKey]);
    const pins = await keyThumbprints(keys);
    expect(pins).toEqual([oldKey.kid, newKey.kid]);
    for (const v of [oldKey, newKey]) {
      const jws = await signLicense(claims, { privateKey: v.key.privateKey, kid: v.kid });
      const got = await verifyPinnedLicense(jws, { ...opts, keys }, pins);
      expect(got.kid).toBe(v.kid);
      expect(got.claims.plan).toBe('professional');
    }
  });

  it('refuses a license signed by a foreign key that claims the pinned kid, when the key set was replaced', async () => {
    const vendor = await testKey();
    const attacker = await testKey();
    // What an attacker with write access to DATA_DIR writes: their key under the vendor's kid, and a license it signed.
    const forgedKeys = toJwks([{ kid: vendor.kid, jwk: attacker.jwk }]);
    const jws = await signLicense({ ...claims, plan: 'enterprise' }, { privateKey: attacker.key.privateKey, kid: vendor.kid });
    expect(await outcome(verifyPinnedLicense(jws, { ...opts, keys: forgedKeys }, undefined))).toBe('accepted'); // the gap pins close
    const refused = await verifyPinnedLicense(jws, { ...opts, keys: forgedKeys }, [vendor.kid]).catch((err: unknown) => err as DomainError);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('untrusted_vendor_key');
    expect((refused as DomainError).message).toBe(
      `the license is signed by vendor key "${vendor.kid}" (thumbprint ${attacker.kid}), which is not in VENDOR_KEY_PINS: if your vendor rotated its keys, copy the VENDOR_KEY_PINS line of its latest install bundle into the appliance configuration and restart; otherwise the license or its keys were replaced: import the license file from your vendor again`,
    );
  });

  it('refuses a license signed by a foreign key added beside the genuine one under the same kid', async () => {
    const vendor = await testKey();
    const attacker = await testKey();
    const keys = toJwks([vendor, { kid: vendor.kid, jwk: attacker.jwk }]);
    const forged = await signLicense({ ...claims, plan: 'enterprise' }, { privateKey: attacker.key.privateKey, kid: vendor.kid });
    const genuine = await signLicense(claims, { privateKey: vendor.key.privateKey, kid: vendor.kid });
    expect(await outcome(verifyPinnedLicense(forged, { ...opts, keys }, [vendor.kid]))).toBe('untrusted_vendor_key');
    expect(await outcome(verifyPinnedLicense(genuine, { ...opts, keys }, [vendor.kid]))).toBe('accepted');
  });

  it('refuses a license signed by a held key that is not pinned, and any license when no held key is pinned', async () => {
    const [pinned, other] = [await testKey(), await testKey()];
    const jws = await signLicense(claims, { privateKey: other.key.privateKey, kid: other.kid });
    expect(await outcome(verifyPinnedLicense(jws, { ...opts, keys: toJwks([pinned, other]) }, [pinned.kid]))).toBe('untrusted_vendor_key');
    const none = await verifyPinnedLicense(jws, { ...opts, keys: toJwks([other]) }, [pinned.kid]).catch(
      (err: unknown) => err as DomainError,
    );
    expect((none as DomainError).code).toBe('untrusted_vendor_key');
    expect((none as DomainError).message).toMatch(
      /^the license is signed by vendor key ".+" \(thumbprint .+\), which is not in VENDOR_KEY_PINS/,
    );
    const unknownKid = await signLicense(claims, { privateKey: generateSigningKey().privateKey, kid: 'nobody' });
    expect(
      (await verifyPinnedLicense(unknownKid, { ...opts, keys: toJwks([other]) }, [pinned.kid]).catch((err: unknown) => err as DomainError))
        .message,
    ).toMatch(/^none of the vendor keys this appliance holds is in VENDOR_KEY_PINS/);
  });

  it('keeps the other refusals as they were: a key nobody holds is bad_signature, another appliance is wrong_audience', async () => {
    const vendor = await testKey();
    const keys = toJwks([vendor]);
    const stranger = await signLicense(claims, { privateKey: generateSigningKey().privateKey, kid: vendor.kid });
    expect(await outcome(verifyPinnedLicense(stranger, { ...opts, keys }, [vendor.kid]))).toBe('bad_signature');
    const elsewhere = await signLicense({ ...claims, aud: 'apl-other' }, { privateKey: vendor.key.privateKey, kid: vendor.kid });
    expect(await outcome(verifyPinnedLicense(elsewhere, { ...opts, keys }, [vendor.kid]))).toBe('wrong_audience');
  });

  it('splits a key set by pins computed from each key, not from the kid it claims', async () => {
    const [a, b] = [await testKey(), await testKey()];
    const { pinned, unpinned } = await partitionByPins(toJwks([a, { kid: a.kid, jwk: b.jwk }]), [a.kid]);
    expect(pinned.map((k) => k.x)).toEqual([a.jwk.x]);
    expect(unpinned.map((k) => k.x)).toEqual([b.jwk.x]);
  });

  it('recognises a thumbprint: 43 canonical base64url characters', async () => {
    const { kid } = await testKey();
    expect(isKeyThumbprint(kid)).toBe(true);
    for (const bad of ['', 'abc', `${kid}=`, `${kid}A`, `+${kid.slice(1)}`, `/${kid.slice(1)}`])
      expect(isKeyThumbprint(bad), bad).toBe(false);
    // The 43rd character carries the last 4 bits: one with its 2 low bits set is not a canonical encoding.
    expect(isKeyThumbprint('A'.repeat(42) + 'B')).toBe(false);
    expect(isKeyThumbprint('A'.repeat(42) + 'E')).toBe(true);
  });
});
