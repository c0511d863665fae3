/**
 * The appliance's reading of the upgrade path (appliance/src/domain/license/upgradeOffers.ts): the
 * offers signed in the license, the public ladder for a license from before them, the 80 % banner
 * threshold at its boundaries, and the day the monthly quota starts again.
 */
import { describe, expect, it } from 'vitest';
import type { LicenseClaims } from '@iamanager/protocol';
import { limitsNearOrAt, quotaResetDate, upgradeOptions } from '../../appliance/src/domain/license/upgradeOffers.js';
import type { EffectiveLimits } from '../../appliance/src/domain/license/effectiveLimits.js';

const starterLimits: EffectiveLimits = {
  plan: 'starter',
  maxUsers: 3,
  maxCases: 500,
  maxAnalysesMonthly: 100,
  aiModel: 'ceseda-basic-v1',
  advancedFeatures: false,
  overageAllowed: false,
  overagePriceCents: 50,
};

const claims: LicenseClaims = {
  iss: 'cp',
  sub: 'martin',
  aud: 'martin-000000000000',
  jti: 'lic',
  iat: 0,
  nbf: 0,
  exp: 1,
  graceDays: 14,
  plan: 'starter',
  limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
  aiModel: 'ceseda-basic-v1',
  advancedFeatures: false,
  overage: { allowed: false, pricePerAnalysisCents: 50 },
};

describe('upgrade options', () => {
  it('takes the contact and the priced offers from the signed license', () => {
    const options = upgradeOptions(
      {
        ...claims,
        vendorContact: { name: 'IA Manager', email: 'commercial@iamanager.test' },
        planPriceCents: 9_900,
        offers: [
          {
            plan: 'cabinet-plus',
            name: 'Cabinet Plus',
            priceCents: 19_900,
            limits: { maxUsers: 6, maxCases: 1000, maxAnalysesMonthly: 250 },
            aiModel: 'ceseda-pro-v1',
            advancedFeatures: true,
            overageAllowed: true,
            overagePriceCents: 40,
          },
        ],
      },
      starterLimits,
    );
    expect(options.source).toBe('license');
    expect(options.contact?.email).toBe('commercial@iamanager.test');
    expect(options.offers.map((o) => [o.plan, o.priceCents])).toEqual([['cabinet-plus', 19_900]]);
  });

  it('falls back on the public ladder, without prices or contact, for a license issued before the offers', () => {
    const options = upgradeOptions(claims, starterLimits);
    expect(options.source).toBe('ladder');
    expect(options.contact).toBeNull();
    expect(options.offers.map((o) => [o.plan, o.priceCents])).toEqual([
      ['professional', null],
      ['enterprise', null],
    ]);
  });
});

describe('the 80 % banner threshold', () => {
  const limits = { ...starterLimits, maxUsers: 10, maxAnalysesMonthly: 100 };
  it.each([
    [79, []],
    [80, [['maxAnalysesMonthly', 80]]],
    [100, [['maxAnalysesMonthly', 100]]],
  ] as const)('%i analyses of 100', (analyses, expected) => {
    const near = limitsNearOrAt({ maxUsers: 1, maxCases: 1, maxAnalysesMonthly: analyses }, limits);
    expect(near.map((n) => [n.limit, n.percent])).toEqual(expected);
  });

  it('lists the worst limit first', () => {
    const near = limitsNearOrAt({ maxUsers: 10, maxCases: 1, maxAnalysesMonthly: 85 }, limits);
    expect(near.map((n) => n.limit)).toEqual(['maxUsers', 'maxAnalysesMonthly']);
  });
});

describe('quota reset', () => {
  // The month after November 2026 begins on 1 December; after December, on 1 January of the next year.
  it.each([
    ['2026-11', '2026-12-01'],
    ['2026-12', '2027-01-01'],
    ['2027-02', '2027-03-01'],
  ])('%s resets on %s', (month, day) => {
    expect(quotaResetDate(month)).toBe(day);
  });
});
