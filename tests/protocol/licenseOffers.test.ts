/**
 * The license's optional commercial claims (protocol/src/licenseOffers.ts): the vendor's contact
 * and the plans above the cabinet's round-trip through signing and verification; a license
 * without them (issued before them) still verifies; a contact nobody can reach is refused.
 */
import { describe, expect, it } from 'vitest';
import { acceptsLicenseOffers, signLicense, toJwks, verifyLicense, type LicenseClaims } from '@iamanager/protocol';
import { testKey } from '../support/keys.js';

const NOW = new Date('2026-03-15T10:00:00Z');
const t = Math.floor(NOW.getTime() / 1000);
const DAY = 86_400;
const opts = { issuer: 'iamanager-control-plane', audience: 'apl-dupont-1', now: NOW };

const base: LicenseClaims = {
  iss: 'iamanager-control-plane',
  sub: 'dupont',
  aud: 'apl-dupont-1',
  jti: 'lic-1',
  iat: t - DAY,
  nbf: t - DAY,
  exp: t + 30 * DAY,
  graceDays: 14,
  plan: 'starter',
  limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
  aiModel: 'ceseda-basic-v1',
  advancedFeatures: false,
  overage: { allowed: false, pricePerAnalysisCents: 50 },
};

const professional = {
  plan: 'professional',
  name: 'Professional',
  priceCents: 29_900,
  limits: { maxUsers: 10, maxCases: 2_000, maxAnalysesMonthly: 500 },
  aiModel: 'ceseda-pro-v1' as const,
  advancedFeatures: true,
  overageAllowed: true,
  overagePriceCents: 50,
};

describe('license vendor contact and offers', () => {
  it('round-trip through the signature: what the appliance reads is what the vendor signed', async () => {
    const v = await testKey();
    const claims: LicenseClaims = {
      ...base,
      vendorContact: { name: 'IA Manager SAS', email: 'commercial@iamanager.fr', phone: '+33 1 23 45 67 89' },
      planPriceCents: 9_900,
      offers: [professional],
    };
    const jws = await signLicense(claims, { privateKey: v.key.privateKey, kid: v.kid });
    const got = await verifyLicense(jws, { ...opts, keys: toJwks([v]) });
    expect(got.claims.vendorContact).toEqual({ name: 'IA Manager SAS', email: 'commercial@iamanager.fr', phone: '+33 1 23 45 67 89' });
    expect(got.claims.planPriceCents).toBe(9_900);
    expect(got.claims.offers).toEqual([professional]);
  });

  it('a license issued before them verifies, and has none', async () => {
    const v = await testKey();
    const jws = await signLicense(base, { privateKey: v.key.privateKey, kid: v.kid });
    const got = await verifyLicense(jws, { ...opts, keys: toJwks([v]) });
    expect(got.claims.vendorContact).toBeUndefined();
    expect(got.claims.offers).toBeUndefined();
  });

  it('refuses to sign a contact without an email, a phone or a URL', async () => {
    const v = await testKey();
    await expect(
      signLicense({ ...base, vendorContact: { name: 'IA Manager SAS' } }, { privateKey: v.key.privateKey, kid: v.kid }),
    ).rejects.toThrow(/email, a phone number or a URL/);
  });

  it('reads the capability header an appliance sends', () => {
    expect(acceptsLicenseOffers('vendor-contact offers')).toBe(true);
    expect(acceptsLicenseOffers('offers')).toBe(true);
    expect(acceptsLicenseOffers(undefined)).toBe(false);
    expect(acceptsLicenseOffers('vendor-contact')).toBe(false);
  });
});
