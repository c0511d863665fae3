/**
 * Monthly usage: analyses run and analyses over quota, one small file per month so the counters
 * of a closed month are never rewritten. Users and open cases are counted live by their modules.
 *
 * Over the monthly quota, a plan without overage (starter) refuses with the plan that would allow
 * more; plans with overage go on and the run counts as overage (SPEC "Plans").
 */
import path from 'node:path';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { DocumentCollection } from '@iamanager/protocol/storage';
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

  forMonth(month: string): MonthUsage {
    return this.months.get(month)?.data ?? { month, analysesUsed: 0, analysesOverage: 0 };
  }

  /**
   * Counts one analysis run against the month's quota; resolves once the count is durable.
   * Throws `quota_exceeded` (naming the plan that allows more) when the plan has no overage.
   */
  async recordAnalysis(now: Date, limits: EffectiveLimits): Promise<{ overage: boolean; usage: MonthUsage }> {
    const month = this.monthAt(now);
    const current = this.forMonth(month);
    const overQuota = current.analysesUsed >= limits.maxAnalysesMonthly;
    if (overQuota && !limits.overageAllowed) {
      const better = planAllowingMore('maxAnalysesMonthly', limits.maxAnalysesMonthly, limits.plan);
      throw new DomainError(
        'quota_exceeded',
        `the ${limits.plan} plan's ${limits.maxAnalysesMonthly} analyses for ${month} are used${better ? `: the ${better.name} plan allows ${better.maxAnalysesMonthly} a month, with overage beyond` : ''}. Ask your vendor to change plan; existing analyses stay readable`,
        { plan: limits.plan, limit: limits.maxAnalysesMonthly, upgradePlan: better?.name ?? null },
      );
    }
    let doc = this.months.get(month);
    if (!doc) doc = await this.months.create(month, { month, analysesUsed: 0, analysesOverage: 0 });
    doc.data.analysesUsed += 1;
    if (overQuota) doc.data.analysesOverage += 1;
    await doc.write();
    return { overage: overQuota, usage: { ...doc.data } };
  }
}
