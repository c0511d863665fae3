/**
 * Monthly usage: analyses run and analyses over quota, one small file per month so the counters
 * of a closed month are never rewritten. Users and open cases are counted live by their modules.
 *
 * The month a run counts in comes from the guarded clock (license/clockGuard.ts) only, never from
 * the names of the files found in DATA_DIR/usage: a file made by hand for a later month
 * (`usage/9999-12.json`) would otherwise draw every analysis and every heartbeat into a month the
 * vendor never bills. Such a file is ignored — not counted in, not reported — and named in the
 * log at start-up and by `appliance doctor`.
 *
 * Over the monthly quota, a plan without overage (starter) refuses with the plan that would allow
 * more; plans with overage go on and the run counts as overage (the plans: starter, professional, enterprise; docs/billing.md).
 */
import path from 'node:path';
import { z } from 'zod';
import { DocumentCollection, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import type { EffectiveLimits } from '../license/effectiveLimits.js';
import { planAllowingMore } from '../license/planLadder.js';
import { ApplianceError } from '../../errors.js';

const monthSchema = z.object({ month: z.string(), analysesUsed: z.number().int().min(0), analysesOverage: z.number().int().min(0) });
export type MonthUsage = z.infer<typeof monthSchema>;

/** "YYYY-MM" of a date in Europe/Paris, where a cabinet's month begins and ends. */
export function monthOf(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).formatToParts(date);
  const y = parts.find((p) => p.type === 'year')?.value;
  const m = parts.find((p) => p.type === 'month')?.value;
  return `${y}-${m}`;
}

/** The time usage is judged by: the clock guard's, which a clock set back does not move back. */
export interface GuardedClock {
  now(): Date;
}

export const FUTURE_MONTHS_WARNING =
  'usage: counter files for months after the current one (by the guarded clock) are ignored: they were not written by this appliance; remove them';

export class UsageCounters {
  private constructor(
    private readonly months: DocumentCollection<MonthUsage>,
    private readonly clock: GuardedClock,
  ) {}

  /** The month's counter file, created at zero on first use (concurrent first runs create it once). */
  private monthDoc(month: string): Promise<Document<MonthUsage>> {
    return this.months.getOrCreate(month, () => ({ month, analysesUsed: 0, analysesOverage: 0 }));
  }

  static async open(dataDir: string, clock: GuardedClock, log: Logger): Promise<UsageCounters> {
    const counters = new UsageCounters(
      await DocumentCollection.open<MonthUsage>(path.join(dataDir, 'usage'), { schema: monthSchema, log }),
      clock,
    );
    const future = counters.futureMonths();
    if (future.length > 0) log.warn({ months: future, current: counters.currentMonth() }, FUTURE_MONTHS_WARNING);
    return counters;
  }

  /**
   * The month a run counts in now: the calendar month in Europe/Paris of the guarded clock, which
   * never goes back — a clock set back opens no fresh quota in a past month.
   */
  currentMonth(): string {
    return monthOf(this.clock.now());
  }

  /** Counter files named for a month after the current one: made by hand, ignored (see above). */
  futureMonths(): string[] {
    const current = this.currentMonth();
    return [...this.months.ids()].filter((id) => id > current).sort();
  }

  /**
   * Raises each month's counters to what the case files record (every analysis is kept in its case
   * with its date and whether it was overage): a counter file edited down, or lost, frees no quota
   * and lowers no bill. Run once at start-up, when files may have been edited behind our back.
   */
  async reconcile(recorded: ReadonlyMap<string, Omit<MonthUsage, 'month'>>, log: Logger): Promise<void> {
    const current = this.currentMonth();
    for (const [month, r] of recorded) {
      if (month > current) continue; // a future month's analyses were never counted by this clock
      const counted = this.forMonth(month);
      if (counted.analysesUsed >= r.analysesUsed && counted.analysesOverage >= r.analysesOverage) continue;
      log.warn(
        { month, counted: { analysesUsed: counted.analysesUsed, analysesOverage: counted.analysesOverage }, recorded: r },
        'usage: the month counter was below the analyses the case files hold (edited or lost): raised back to them',
      );
      const doc = await this.monthDoc(month);
      doc.data.analysesUsed = Math.max(doc.data.analysesUsed, r.analysesUsed);
      doc.data.analysesOverage = Math.max(doc.data.analysesOverage, r.analysesOverage);
      await doc.write();
    }
  }

  /** The month's counters; zero for a month after the current one, whatever a file says. */
  forMonth(month: string): MonthUsage {
    if (month > this.currentMonth()) return { month, analysesUsed: 0, analysesOverage: 0 };
    return this.months.get(month)?.data ?? { month, analysesUsed: 0, analysesOverage: 0 };
  }

  /**
   * Counts one analysis run against the month's quota; resolves once the count is durable.
   * Throws `quota_exceeded` (naming the plan that allows more) when the plan has no overage.
   */
  async recordAnalysis(limits: EffectiveLimits): Promise<{ overage: boolean; usage: MonthUsage }> {
    const month = this.currentMonth();
    // The month's file first: from here to the increment nothing awaits, so analyses racing in
    // cannot all see room for one more and overshoot the quota.
    const doc = await this.monthDoc(month);
    const current = doc.data;
    const overQuota = current.analysesUsed >= limits.maxAnalysesMonthly;
    if (overQuota && !limits.overageAllowed) {
      const better = planAllowingMore('maxAnalysesMonthly', limits.maxAnalysesMonthly, limits.plan);
      throw new ApplianceError(
        'quota_exceeded',
        `the ${limits.plan} plan's ${limits.maxAnalysesMonthly} analyses for ${month} are used${better ? `: the ${better.name} plan allows ${better.maxAnalysesMonthly} a month, with overage beyond` : ''}. Ask your vendor to change plan; existing analyses stay readable`,
        { plan: limits.plan, limit: limits.maxAnalysesMonthly, upgradePlan: better?.name ?? null },
      );
    }
    doc.data.analysesUsed += 1;
    if (overQuota) doc.data.analysesOverage += 1;
    await doc.write();
    return { overage: overQuota, usage: { ...doc.data } };
  }
}
