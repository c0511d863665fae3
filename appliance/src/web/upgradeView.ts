/**
 * The upgrade path's view models, built from the appliance: the plan page (`/admin/formule`), the
 * limit refusal page, and the 80 % banner every page's frame carries.
 */
import type { VendorContact } from '@iamanager/protocol';
import type { Appliance } from '../appliance.js';
import { quotaResetDate, upgradeOptions, type UpgradeOffer } from '../domain/license/upgradeOffers.js';
import type { StoredUpgradeRequest } from '../domain/license/upgradeRequest.js';
import type { Messages } from './messages.js';
import type { FieldError, Meter } from './viewModels.js';
import { usageMeters } from './routes/workspacePages.js';

export interface OfferView extends UpgradeOffer {
  /** What it adds over the current limits (0 when it adds nothing to that limit). */
  adds: { maxUsers: number; maxCases: number; maxAnalysesMonthly: number };
}

export interface UpgradeView {
  plan: string | null;
  planPriceCents: number | null;
  meters: Meter[];
  /** "YYYY-MM-DD": the first day of next month in Paris, when the analysis quota starts again. */
  quotaResetsOn: string;
  source: 'license' | 'ladder';
  contact: VendorContact | null;
  offers: OfferView[];
}

export interface PlanPageView extends UpgradeView {
  canRequest: boolean;
  requests: readonly StoredUpgradeRequest[];
  queued: number;
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
}

export function upgradeView(appliance: Appliance, m: Messages): UpgradeView {
  const limits = appliance.license.limits();
  const options = upgradeOptions(appliance.license.verifiedClaims(), limits);
  return {
    plan: limits?.plan ?? null,
    planPriceCents: options.planPriceCents,
    meters: usageMeters(appliance, m),
    quotaResetsOn: quotaResetDate(appliance.usage.currentMonth()),
    source: options.source,
    contact: options.contact,
    offers: options.offers.map((o) => ({
      ...o,
      adds: {
        maxUsers: Math.max(0, o.limits.maxUsers - (limits?.maxUsers ?? 0)),
        maxCases: Math.max(0, o.limits.maxCases - (limits?.maxCases ?? 0)),
        maxAnalysesMonthly: Math.max(0, o.limits.maxAnalysesMonthly - (limits?.maxAnalysesMonthly ?? 0)),
      },
    })),
  };
}

export function planPageView(
  appliance: Appliance,
  m: Messages,
  canRequest: boolean,
  errors: readonly FieldError[] = [],
  values: Readonly<Record<string, string>> = {},
): PlanPageView {
  return {
    ...upgradeView(appliance, m),
    canRequest,
    requests: appliance.upgradeRequests.list(),
    queued: appliance.upgradeRequests.queued(),
    errors,
    values,
  };
}
