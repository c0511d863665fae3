/**
 * What a cabinet owes for a month, before it is numbered: pure, so the figures can be checked by
 * hand in tests.
 *
 * Subscription, prorated by day. Each day of the month (Europe/Paris) is billed under the state
 * the cabinet's `planHistory` gives it on that day — a change takes effect from the day it was
 * made, that day included. Only `active` days are billed: a suspended or cancelled cabinet gets a
 * license that expires at once (domain/licenses.ts), so no service is sold for those days.
 * A full month at one plan is billed at the plan price; a part of it at
 * price × days / days-in-month, rounded to the cent (halves up). Overrides do not change a
 * price: the catalog plan does.
 *
 * Overage: the analyses over quota that the month's final signed counters report, at the catalog
 * price per analysis of the latest plan in force during the month that allows overage (a plan that
 * refuses overage — starter — never bills it; its appliance refuses those analyses).
 *
 * The customer's mandatory mentions (address, SIRET…) are not a warning here but a block on the
 * finalize (mandatoryMentions.ts, billingPreview.ts).
 */
import type { PlanRecord } from '../../storage/records.js';
import type { CabinetRecord, PlanHistoryEntry } from '../../storage/records.js';
import type { InvoiceLine, UsageRecord } from '../../storage/billingRecords.js';
import { daysInMonth, frenchMonth, parisDate } from './calendar.js';
import { divRoundHalfUp, totalsOf, type Totals } from './money.js';

export interface DraftWarning {
  cabinetId: string;
  code: 'no_usage_report' | 'overage_not_allowed';
  message: string;
}

export interface DraftInvoice extends Totals {
  lines: InvoiceLine[];
  usage: UsageRecord | null;
  warnings: DraftWarning[];
}

interface Segment {
  from: number;
  to: number;
  entry: PlanHistoryEntry;
}

/** The month cut into runs of days under one history entry (only days the cabinet existed). */
function segmentsOf(history: readonly PlanHistoryEntry[], month: string, days: number): Segment[] {
  const first = `${month}-01`;
  const last = `${month}-${String(days).padStart(2, '0')}`;
  let current: PlanHistoryEntry | undefined;
  const changes: { day: number; entry: PlanHistoryEntry }[] = [];
  const ordered = [...history].sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
  for (const entry of ordered) {
    const date = parisDate(new Date(entry.effectiveAt));
    if (date < first) current = entry;
    else if (date <= last) changes.push({ day: Number(date.slice(8, 10)), entry });
  }
  const segments: Segment[] = [];
  let start = 1;
  for (const change of changes) {
    if (current && change.day > start) segments.push({ from: start, to: change.day - 1, entry: current });
    // Several changes on one day: the last one of the day is what that day is billed under.
    current = change.entry;
    start = change.day;
  }
  if (current) segments.push({ from: start, to: days, entry: current });
  return segments;
}

/** Active runs, neighbours under the same plan merged (an override change does not split a line). */
function billedRuns(segments: readonly Segment[]): { from: number; to: number; plan: string }[] {
  const runs: { from: number; to: number; plan: string }[] = [];
  for (const s of segments) {
    if (s.entry.status !== 'active') continue;
    const previous = runs.at(-1);
    if (previous && previous.plan === s.entry.plan && previous.to + 1 === s.from) previous.to = s.to;
    else runs.push({ from: s.from, to: s.to, plan: s.entry.plan });
  }
  return runs;
}

const dayLabel = (d: number) => (d === 1 ? '1er' : String(d));

/**
 * The draft invoice of `cabinet` for `month`, or `undefined` when there is nothing to bill (no
 * active day in the month). `planOf` resolves a plan id from the catalog.
 */
export function draftInvoice(
  cabinet: CabinetRecord,
  month: string,
  planOf: (id: string) => PlanRecord,
  usage: UsageRecord | undefined,
): DraftInvoice | undefined {
  const days = daysInMonth(month);
  const runs = billedRuns(segmentsOf(cabinet.planHistory, month, days));
  if (runs.length === 0) return undefined;
  const warnings: DraftWarning[] = [];
  const lines: InvoiceLine[] = runs.map((run) => {
    const plan = planOf(run.plan);
    const n = run.to - run.from + 1;
    const whole = n === days;
    return {
      kind: 'subscription',
      description: whole
        ? `Abonnement ${plan.name} — ${frenchMonth(month)}`
        : `Abonnement ${plan.name} — du ${dayLabel(run.from)} au ${run.to} ${frenchMonth(month)} (${n}/${days} jours)`,
      plan: plan.id,
      from: `${month}-${String(run.from).padStart(2, '0')}`,
      to: `${month}-${String(run.to).padStart(2, '0')}`,
      days: n,
      daysInMonth: days,
      unitPriceCents: plan.priceCents,
      amountCents: whole ? plan.priceCents : divRoundHalfUp(plan.priceCents * n, days),
    };
  });

  if (!usage) {
    warnings.push({
      cabinetId: cabinet.id,
      code: 'no_usage_report',
      message: `no signed usage for ${month} (no heartbeat or usage report): overage, if any, is not billed`,
    });
  } else if (usage.analysesOverage > 0) {
    const overagePlan = [...runs]
      .reverse()
      .map((r) => planOf(r.plan))
      .find((p) => p.overage.allowed);
    if (!overagePlan) {
      warnings.push({
        cabinetId: cabinet.id,
        code: 'overage_not_allowed',
        message: `${usage.analysesOverage} analyses over quota reported, but no plan of the month allows overage: not billed`,
      });
    } else {
      lines.push({
        kind: 'overage',
        description: `Analyses au-delà du quota mensuel — ${frenchMonth(month)} (relevé signé n° ${usage.seq} de l'appliance ${usage.applianceId})`,
        plan: overagePlan.id,
        quantity: usage.analysesOverage,
        unitPriceCents: overagePlan.overage.pricePerAnalysisCents,
        amountCents: usage.analysesOverage * overagePlan.overage.pricePerAnalysisCents,
        evidence: { applianceId: usage.applianceId, seq: usage.seq, receivedAt: usage.receivedAt, jwsSha256: usage.jwsSha256 },
      });
    }
  }

  return { lines, usage: usage ?? null, warnings, ...totalsOf(lines.map((l) => l.amountCents)) };
}
