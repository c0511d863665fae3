/**
 * Monthly usage: analyses run and analyses over quota, one small file per month so the counters
 * of a closed month are never rewritten. Users and open cases are counted live by their modules.
 *
 * Over the monthly quota, a plan without overage (starter) refuses with the plan that would allow
 * more; plans with overage go on and the run counts as overage (the plans: starter, professional, enterprise; docs/billing.md).
 */
import path from 'node:path';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { DocumentCollection, type Document } from '@iamanager/protocol/storage';
import type { Logger } from '@iamanager/protocol/log';
import type { EffectiveLimits } from '../license/effectiveLimits.js';
import { planAllowingMore } from '../license/planLadder.js';

const monthSchema = z.object({ month: z.string(), analysesUsed: z.number().int().min(0), analysesOverage: z.number().int().min(0) });
export type MonthUsage = z.infer<typeof monthSchema>;

/** "YYYY-MM" of a date in Europe/Paris, where a cabinet's month begins and ends. */
export function monthOf(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).formatToParts(date);
  const y = parts.find((p) => p.type === 'year')?.value;
  const m = parts.find((p) => p.type === 'month')?.value;
  return `${y}-${m}`;
}

export class UsageCounters {
  private constructor(private readonly months: DocumentCollection<MonthUsage>) {}

  /** The month's counter file, created at zero on first use (concurrent first runs create it once). */
  private monthDoc(month: string): Promise<Document<MonthUsage>> {
    return this.months.getOrCreate(month, () => ({ month, analysesUsed: 0, analysesOverage: 0 }));
  }

  static async open(dataDir: string, log: Logger): Promise<UsageCounters> {
    return new UsageCounters(await DocumentCollection.open<MonthUsage>(path.join(dataDir, 'usage'), { schema: monthSchema, log }));
  }

  /**
   * The month a run counts in at `now`: the calendar month in Europe/Paris, but never one before a
   * month already counted — a clock set back must not open a fresh quota in a past month.
   */
  monthAt(now: Date): string {
    const month = monthOf(now);
    let latest = month;
    for (const id of this.months.ids()) if (id > latest) latest = id;
    return latest;
  }

  /**
   * Raises each month's counters to what the case files record (every analysis is kept in its case
   * with its date and whether it was overage): a counter file edited down, or lost, frees no quota
   * and lowers no bill. Run once at start-up, when files may have been edited behind our back.
   */
  async reconcile(recorded: ReadonlyMap<string, Omit<MonthUsage, 'month'>>, log: Logger): Promise<void> {
    for (const [month, r] of recorded) {
      const counted = this.forMonth(month);
      if (counted.analysesUsed >= r.analysesUsed && counted.analysesOverage >= r.analysesOverage) continue;
      log.warn({ month, counted: { analysesUsed: counted.analysesUsed, analysesOverage: counted.analysesOverage }, recorded: r }, 'usage: the month counter was below the analyses the case files hold (edited or lost): raised back to them');
      const doc = await this.monthDoc(month);
      doc.data.analysesUsed = Math.max(doc.data.analysesUsed, r.analysesUsed);
      doc.data.analysesOverage = Math.max(doc.data.analysesOverage, r.analysesOverage);
      await doc.write();
    }
  }

  forMonth(month: string): MonthUsage {
    return this.months.get(month)?.data ?? { month, analysesUsed: 0, analysesOverage: 0 };
  }

  /**
   * Counts one analysis run against the month's quota; resolves once the count is durable.
   * Throws `quota_exceeded` (naming the plan that allows more) when the plan has no overage.
   */
  async recordAnalysis(now: Date, limits: EffectiveLimits): Promise<{ overage: boolean; usage: MonthUsage }> {
    const month = this.monthAt(now);
    // The month's file first: from here to the increment nothing awaits, so analyses racing in
    // cannot all see room for one more and overshoot the quota.
    const doc = await this.monthDoc(month);
    const current = doc.data;
    const overQuota = current.analysesUsed >= limits.maxAnalysesMonthly;
    if (overQuota && !limits.overageAllowed) {
      const better = planAllowingMore('maxAnalysesMonthly', limits.maxAnalysesMonthly, limits.plan);
      throw new DomainError(
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
