/**
 * Revenue figures (the seed's check: 10 starter + 5 professional + 2 enterprise = 3,683 €/month MRR,
 * 44,196 €/year ARR).
 *
 * MRR is the sum, over cabinets that are active now, of the catalog price of their current plan
 * (excl. VAT). Overrides do not change a price, and overage is usage, not recurring revenue, so
 * neither counts; suspended and cancelled cabinets count for nothing. ARR is 12 × MRR.
 * Per month (Europe/Paris): the MRR at the month's end by the same rule, the cabinets that became
 * active for the first time in it (new), and those that went to `cancelled` in it (churned).
 * A suspension is not churn: the cabinet is still a customer.
 */
import type { CabinetRecord, CabinetStatus, PlanRecord } from '../../storage/records.js';
import { parisMonth, previousMonth } from './calendar.js';

export interface PlanRevenue {
  cabinets: number;
  mrrCents: number;
}

export interface MonthRevenue {
  month: string;
  mrrCents: number;
  byPlan: Record<string, number>;
  newCabinets: number;
  churnedCabinets: number;
}

export interface RevenueReport {
  asOf: string;
  mrrCents: number;
  arrCents: number;
  byPlan: Record<string, PlanRevenue>;
  months: MonthRevenue[];
}

interface Step {
  month: string;
  plan: string;
  status: CabinetStatus;
}

export function revenueReport(
  cabinets: readonly CabinetRecord[],
  plans: readonly PlanRecord[],
  now: Date,
  monthCount: number,
): RevenueReport {
  const price = new Map(plans.map((p) => [p.id, p.priceCents]));
  const byPlan: Record<string, PlanRevenue> = Object.fromEntries(plans.map((p) => [p.id, { cabinets: 0, mrrCents: 0 }]));
  let mrrCents = 0;
  for (const cabinet of cabinets) {
    if (cabinet.status !== 'active') continue;
    const cents = price.get(cabinet.plan) ?? 0;
    const entry = (byPlan[cabinet.plan] ??= { cabinets: 0, mrrCents: 0 });
    entry.cabinets += 1;
    entry.mrrCents += cents;
    mrrCents += cents;
  }

  const current = parisMonth(now);
  const monthList: string[] = [current];
  while (monthList.length < monthCount) monthList.unshift(previousMonth(monthList[0]!));
  const months = new Map<string, MonthRevenue>(
    monthList.map((m) => [
      m,
      { month: m, mrrCents: 0, byPlan: Object.fromEntries(plans.map((p) => [p.id, 0])), newCabinets: 0, churnedCabinets: 0 },
    ]),
  );

  for (const cabinet of cabinets) {
    const steps: Step[] = [...cabinet.planHistory]
      .sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt))
      .map((h) => ({ month: parisMonth(new Date(h.effectiveAt)), plan: h.plan, status: h.status }));
    const firstActive = steps.find((s) => s.status === 'active');
    const newRow = firstActive && months.get(firstActive.month);
    if (newRow) newRow.newCabinets += 1;
    const churnedIn = new Set<string>();
    steps.forEach((s, i) => {
      if (s.status === 'cancelled' && i > 0 && steps[i - 1]!.status !== 'cancelled') churnedIn.add(s.month);
    });
    for (const m of churnedIn) {
      const row = months.get(m);
      if (row) row.churnedCabinets += 1;
    }
    // The state at each month's end: the last step dated in or before that month.
    let i = 0;
    let state: Step | undefined;
    for (const m of monthList) {
      while (i < steps.length && steps[i]!.month <= m) state = steps[i++];
      if (!state || state.status !== 'active') continue;
      const row = months.get(m)!;
      const cents = price.get(state.plan) ?? 0;
      row.mrrCents += cents;
      row.byPlan[state.plan] = (row.byPlan[state.plan] ?? 0) + cents;
    }
  }
  return { asOf: now.toISOString(), mrrCents, arrCents: 12 * mrrCents, byPlan, months: [...months.values()] };
}
