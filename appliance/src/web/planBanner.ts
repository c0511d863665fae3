/**
 * The banner every page's frame carries while any plan limit is used at 80 % or more (users, open
 * cases, the month's analyses): a cabinet sees the limit coming before a refusal, and an admin is
 * pointed to the plan page (`/admin/formule`) to ask for more.
 */
import { planLabel } from './planLabels.js';
import type { Appliance } from '../appliance.js';
import { limitsNearOrAt } from '../domain/license/upgradeOffers.js';
import { CATALOGUES, fill, type Locale } from './messages.js';
import { UPGRADE_CATALOGUES } from './upgradeLabels.js';

export interface PlanBanner {
  text: string;
  /** The plan page for an admin; null for other users (they are told to ask their admin). */
  href: string | null;
}

/** The banner shown on every page while any limit is used at 80 % or more; null otherwise. */
export function planBanner(appliance: Appliance, locale: Locale, isAdmin: boolean): PlanBanner | null {
  const limits = appliance.license.limits();
  if (!limits) return null;
  const month = appliance.usage.currentMonth();
  const near = limitsNearOrAt(
    {
      maxUsers: appliance.users.activeCount(),
      maxCases: appliance.casesOpen(),
      maxAnalysesMonthly: appliance.usage.forMonth(month).analysesUsed,
    },
    limits,
  );
  if (near.length === 0) return null;
  const m = CATALOGUES[locale];
  const u = UPGRADE_CATALOGUES[locale];
  const label = { maxUsers: m.usageUsers, maxCases: m.usageCases, maxAnalysesMonthly: m.usageAnalyses } as const;
  const items = near.map((n) => fill(u.bannerItem, { label: label[n.limit], used: n.used, max: n.max, percent: n.percent })).join(' ; ');
  const text = fill(u.bannerNear, { plan: planLabel(limits.plan, locale), items });
  return { text: isAdmin ? text : `${text} ${u.bannerAskAdmin}`, href: isAdmin ? '/admin/formule' : null };
}
