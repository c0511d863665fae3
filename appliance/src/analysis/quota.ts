import { DomainError } from '@iamanager/protocol';

/**
 * Whether one more analysis may run this month, from the signed license's figures (SPEC: over
 * MAX_ANALYSIS_MONTHLY, a plan without overage is refused with a message naming the plan that
 * would allow it; a plan with overage goes on and the run counts as overage).
 */
export interface AnalysisQuota {
  plan: string;
  maxAnalysesMonthly: number;
  overage: { allowed: boolean; pricePerAnalysisCents: number };
}

/** The seed's plans, in order, for naming the one that allows more analyses. */
const SEED_PLANS: readonly { plan: string; maxAnalysesMonthly: number; overage: boolean }[] = [
  { plan: 'starter', maxAnalysesMonthly: 100, overage: false },
  { plan: 'professional', maxAnalysesMonthly: 500, overage: true },
  { plan: 'enterprise', maxAnalysesMonthly: 2000, overage: true },
];

/** The outcome for the run about to start: whether it is billed as overage. */
export interface QuotaDecision {
  overage: boolean;
  /** Runs this month including this one. */
  used: number;
  limit: number;
}

/**
 * Decides the next run given the runs already counted this month. Throws `analysis_quota_exceeded`
 * (details: plan, limit, used, upgradeTo) when the plan has no overage and the quota is used up.
 */
export function decideAnalysisRun(quota: AnalysisQuota, usedThisMonth: number): QuotaDecision {
  const used = usedThisMonth + 1;
  if (used <= quota.maxAnalysesMonthly) return { overage: false, used, limit: quota.maxAnalysesMonthly };
  if (quota.overage.allowed) return { overage: true, used, limit: quota.maxAnalysesMonthly };
  const upgrade = SEED_PLANS.find((p) => p.overage || p.maxAnalysesMonthly > quota.maxAnalysesMonthly);
  const euros = (quota.overage.pricePerAnalysisCents / 100).toFixed(2).replace('.', ',');
  const advice = upgrade
    ? ` The ${upgrade.plan} plan allows ${upgrade.maxAnalysesMonthly} analyses a month and bills further ones as overage${quota.overage.pricePerAnalysisCents > 0 ? ` (${euros} € HT each)` : ''}.`
    : '';
  throw new DomainError(
    'analysis_quota_exceeded',
    `Monthly analysis quota reached: ${usedThisMonth} of ${quota.maxAnalysesMonthly} on the ${quota.plan} plan.${advice} Stored analyses stay readable.`,
    { plan: quota.plan, limit: quota.maxAnalysesMonthly, used: usedThisMonth, upgradeTo: upgrade?.plan ?? null },
  );
}
