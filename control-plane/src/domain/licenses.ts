/**
 * License issuance. A license restates the cabinet's effective terms (plan + overrides) for one
 * appliance. Active cabinets get `LICENSE_VALIDITY_DAYS`, renewed through heartbeats once half of
 * it has run; a suspended or cancelled cabinet gets a license that expires at once, so its
 * appliance enters the grace period and then stops creating (existing data stays readable).
 */
import { randomBytes } from 'node:crypto';
import { MAX_LICENSE_OFFERS, signLicense, type LicenseClaims, type PlanOffer } from '@iamanager/protocol';
import type { Config } from '../config.js';
import { epochSeconds } from '../clock.js';
import type { ApplianceRecord, CabinetRecord, PlanRecord } from '../storage/records.js';
import type { EffectiveTerms, PlanCatalog } from './planCatalog.js';
import type { VendorKeys } from './vendorKeys.js';

const DAY = 86_400;

export type IssuedLicense = ApplianceRecord['license'];

export interface LicenseIssuer {
  config: Pick<Config, 'issuer' | 'licenseValidityDays' | 'licenseGraceDays' | 'salesContact'>;
  plans: PlanCatalog;
  keys: VendorKeys;
}

/**
 * The plans a cabinet on `terms` may move up to: catalog plans that cost more and allow more of at
 * least one limit without allowing less of any, cheapest first — what the appliance shows beside a
 * refusal for a limit. Prices are the catalog's, per month excl. VAT.
 */
export function upgradeOffers(plans: readonly PlanRecord[], terms: EffectiveTerms): PlanOffer[] {
  const keys = ['maxUsers', 'maxCases', 'maxAnalysesMonthly'] as const;
  return plans
    .filter(
      (p) =>
        p.id !== terms.plan &&
        p.priceCents > terms.priceCents &&
        keys.every((k) => p.limits[k] >= terms.limits[k]) &&
        keys.some((k) => p.limits[k] > terms.limits[k]),
    )
    .sort((a, b) => a.priceCents - b.priceCents || (a.id < b.id ? -1 : 1))
    .slice(0, MAX_LICENSE_OFFERS)
    .map((p) => ({
      plan: p.id,
      name: p.name,
      priceCents: p.priceCents,
      limits: { ...p.limits },
      aiModel: p.aiModel,
      advancedFeatures: p.advancedFeatures,
      overageAllowed: p.overage.allowed,
      overagePriceCents: p.overage.pricePerAnalysisCents,
    }));
}

/**
 * Signs the cabinet's current terms for one appliance. `previous` is the license it replaces: the
 * new one never shares its expiry, because the appliance tells which license it runs by reporting
 * `licenseExpiresAt` in its heartbeats. `withOffers` (the appliance said it reads them) adds the
 * vendor's contact, the plan's price and the plans above it; an older appliance's strict schema
 * would refuse a license with them.
 */
export async function issueLicense(
  issuer: LicenseIssuer,
  cabinet: CabinetRecord,
  applianceId: string,
  now: Date,
  previous?: IssuedLicense,
  options: { withOffers?: boolean } = {},
): Promise<IssuedLicense> {
  const terms = await issuer.plans.effectiveTerms(cabinet.plan, cabinet.overrides);
  const iat = epochSeconds(now);
  let exp = cabinet.status === 'active' ? iat + issuer.config.licenseValidityDays * DAY : iat;
  if (previous && exp === previous.exp) exp += 1;
  const claims: LicenseClaims = {
    iss: issuer.config.issuer,
    sub: cabinet.id,
    aud: applianceId,
    jti: randomBytes(12).toString('base64url'),
    iat,
    nbf: iat,
    exp,
    graceDays: issuer.config.licenseGraceDays,
    plan: terms.plan,
    limits: terms.limits,
    aiModel: terms.aiModel,
    advancedFeatures: terms.advancedFeatures,
    overage: terms.overage,
  };
  if (options.withOffers) {
    if (issuer.config.salesContact) claims.vendorContact = issuer.config.salesContact;
    claims.planPriceCents = terms.priceCents;
    claims.offers = upgradeOffers(await issuer.plans.list(), terms);
  }
  const jws = await signLicense(claims, await issuer.keys.signingKey());
  return { jws, jti: claims.jti, iat, exp, revision: cabinet.licenseRevision, plan: terms.plan, withOffers: options.withOffers === true };
}

/** Whether the appliance's current license no longer says what it should (or is half spent). */
export function licenseIsStale(license: IssuedLicense, cabinet: CabinetRecord, validityDays: number, now: Date): boolean {
  if (license.revision !== cabinet.licenseRevision) return true;
  if (cabinet.status !== 'active') return false;
  return epochSeconds(now) >= license.exp - (validityDays * DAY) / 2;
}
