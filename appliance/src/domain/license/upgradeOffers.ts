/**
 * What a cabinet at (or near) its plan's limits may move to, and whom to ask: read from the signed
 * license (protocol/src/licenseOffers.ts) — the vendor's contact, the plan's price, the plans above
 * with their prices — so the figures shown are the vendor's word. A license issued before those
 * claims carries none of them: the plans above then come from the public ladder (planLadder.ts),
 * without a price or a contact, and the page says to ask the vendor.
 *
 * The monthly analysis quota starts again on the first day of the next month in Europe/Paris, as
 * the counters do (usage/usageCounters.ts): that date is shown beside every quota refusal.
 */
import { limitFlag, type LicenseClaims, type PlanOffer, type VendorContact } from '@iamanager/protocol';
import type { EffectiveLimits } from './effectiveLimits.js';
import { PLAN_LADDER } from './planLadder.js';

export interface UpgradeOffer extends Omit<PlanOffer, 'priceCents' | 'overagePriceCents'> {
  /** Per month excl. VAT; null when the license carries no offers (the ladder has no binding price). */
  priceCents: number | null;
  overagePriceCents: number | null;
}

export interface UpgradeOptions {
  /** Where the offers come from: the signed license, or the public ladder for a license without them. */
  source: 'license' | 'ladder';
  contact: VendorContact | null;
  planPriceCents: number | null;
  offers: UpgradeOffer[];
}

export function upgradeOptions(claims: LicenseClaims | undefined, limits: EffectiveLimits | undefined): UpgradeOptions {
  if (claims?.offers) {
    return {
      source: 'license',
      contact: claims.vendorContact ?? null,
      planPriceCents: claims.planPriceCents ?? null,
      offers: claims.offers.map((o) => ({ ...o })),
    };
  }
  const rank = PLAN_LADDER.findIndex((p) => p.name === limits?.plan);
  const above = limits
    ? PLAN_LADDER.filter(
        (p, i) =>
          i > rank && (p.maxUsers > limits.maxUsers || p.maxCases > limits.maxCases || p.maxAnalysesMonthly > limits.maxAnalysesMonthly),
      )
    : [];
  return {
    source: 'ladder',
    contact: claims?.vendorContact ?? null,
    planPriceCents: claims?.planPriceCents ?? null,
    offers: above.map((p) => ({
      plan: p.name,
      name: p.name,
      priceCents: null,
      limits: { maxUsers: p.maxUsers, maxCases: p.maxCases, maxAnalysesMonthly: p.maxAnalysesMonthly },
      aiModel: p.aiModel,
      advancedFeatures: p.name !== 'starter',
      overageAllowed: p.name !== 'starter',
      overagePriceCents: null,
    })),
  };
}

/** "YYYY-MM-01" of the month after `month` ("YYYY-MM"): the day the monthly quota starts again. */
export function quotaResetDate(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

export type LimitName = 'maxUsers' | 'maxCases' | 'maxAnalysesMonthly';

export interface LimitUse {
  limit: LimitName;
  used: number;
  max: number;
  /** Whole percent, rounded down: 79.9 % is 79 %, under the 80 % banner. */
  percent: number;
}

/** The limits used at 80 % or more, worst first (the banner names them). */
export function limitsNearOrAt(used: Record<LimitName, number>, limits: EffectiveLimits): LimitUse[] {
  return (['maxUsers', 'maxCases', 'maxAnalysesMonthly'] as const)
    .map((limit) => {
      const max = limits[limit];
      return { limit, used: used[limit], max, percent: max > 0 ? Math.floor((used[limit] * 100) / max) : 100 };
    })
    .filter((u) => limitFlag(u.used, u.max) !== 'ok')
    .sort((a, b) => b.percent - a.percent);
}
