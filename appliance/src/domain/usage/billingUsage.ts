/**
 * `GET /api/billing/usage` with the seed's fields, exactly (docs/billing.md): amounts in euros as the seed
 * shows them, and the same amounts in integer cents alongside (`…_cents`) for scripts.
 */
import { quotaResetDate } from '../license/upgradeOffers.js';
import type { Appliance } from '../../appliance.js';
import { PLAN_LADDER } from '../license/planLadder.js';

export interface BillingUsage {
  client_id: string | null;
  plan: string | null;
  month: string;
  analyses_used: number;
  analyses_overage: number;
  analyses_limit: number | null;
  users_active: number;
  users_limit: number | null;
  cases_open: number;
  cases_limit: number | null;
  overage_fees: number;
  overage_fees_cents: number;
  total_due: number | null;
  total_due_cents: number | null;
  billing_cycle: 'monthly';
  next_billing: string;
}

export function billingUsage(appliance: Appliance): BillingUsage {
  const month = appliance.usage.currentMonth();
  const usage = appliance.usage.forMonth(month);
  const limits = appliance.license.limits();
  const overageCents = limits ? usage.analysesOverage * limits.overagePriceCents : 0;
  // The plan price is public for the catalog plans; a custom plan's price is on the vendor's invoice only.
  const planPrice = PLAN_LADDER.find((p) => p.name === limits?.plan)?.priceCents;
  const totalCents = planPrice === undefined ? null : planPrice + overageCents;
  const next = quotaResetDate(month);
  return {
    client_id: appliance.license.cabinetId ?? appliance.config.clientId ?? null,
    plan: limits?.plan ?? null,
    month,
    analyses_used: usage.analysesUsed,
    analyses_overage: usage.analysesOverage,
    analyses_limit: limits?.maxAnalysesMonthly ?? null,
    users_active: appliance.users.activeCount(),
    users_limit: limits?.maxUsers ?? null,
    cases_open: appliance.casesOpen(),
    cases_limit: limits?.maxCases ?? null,
    overage_fees: overageCents / 100,
    overage_fees_cents: overageCents,
    total_due: totalCents === null ? null : totalCents / 100,
    total_due_cents: totalCents,
    billing_cycle: 'monthly',
    next_billing: next,
  };
}
