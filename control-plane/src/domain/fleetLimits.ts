/**
 * Commercial flags: where a cabinet stands against its plan's limits, shown beside the health
 * status (not a health alert — an appliance at 10/10 users is healthy, and a sale to make). A
 * limit is near at 80 % of it and reached at 100 % (or when the plan allows none); the cabinet's
 * flag is its worst limit's. Users and open cases are as the latest heartbeat counted them; the
 * analyses are the current month's (Europe/Paris, as the appliance's counter resets), so a quota
 * used up last month does not flag a cabinet whose new month has begun.
 */
import { limitFlag, type HeartbeatUsage, type LimitFlag, type PlanLimits } from '@iamanager/protocol';
import { parisMonth } from './billing/calendar.js';

export const LIMIT_FLAGS = ['ok', 'near_limit', 'at_limit'] as const satisfies readonly LimitFlag[];
export const LIMIT_FLAG_SEVERITY: Readonly<Record<LimitFlag, number>> = { ok: 0, near_limit: 1, at_limit: 2 };

export type LimitName = keyof PlanLimits;

export interface LimitUse {
  limit: LimitName;
  used: number;
  max: number;
  /** used ÷ max (1 when the plan allows none). */
  ratio: number;
  flag: LimitFlag;
}

export interface CommercialFlags {
  flag: LimitFlag;
  /** The highest ratio of the three, for sorting. */
  highestRatio: number;
  limits: LimitUse[];
}

export function commercialFlags(
  usage: Pick<HeartbeatUsage, 'usersActive' | 'casesOpen' | 'analysesUsed'> | null,
  usageMonth: string | null,
  limits: PlanLimits | null,
  now: Date,
): CommercialFlags {
  if (!usage || !limits) return { flag: 'ok', highestRatio: 0, limits: [] };
  const analyses = usageMonth === parisMonth(now) ? usage.analysesUsed : 0;
  const uses: LimitUse[] = (
    [
      ['maxUsers', usage.usersActive],
      ['maxCases', usage.casesOpen],
      ['maxAnalysesMonthly', analyses],
    ] as const
  ).map(([limit, used]) => {
    const max = limits[limit];
    return { limit, used, max, ratio: max > 0 ? used / max : 1, flag: limitFlag(used, max) };
  });
  const flag = uses.reduce<LimitFlag>((worst, u) => (LIMIT_FLAG_SEVERITY[u.flag] > LIMIT_FLAG_SEVERITY[worst] ? u.flag : worst), 'ok');
  return { flag, highestRatio: Math.max(...uses.map((u) => u.ratio)), limits: uses };
}
