/**
 * The public plan ladder (the plans: starter, professional, enterprise; docs/billing.md), used only to tell a cabinet which plan would allow more
 * when it reaches a limit. What a cabinet may do comes from its signed license, never from here.
 */
import type { AiModel } from '@iamanager/protocol';

export interface PublicPlan {
  name: string;
  maxUsers: number;
  maxCases: number;
  maxAnalysesMonthly: number;
  aiModel: AiModel;
  priceCents: number;
}

export const PLAN_LADDER: readonly PublicPlan[] = [
  { name: 'starter', maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100, aiModel: 'ceseda-basic-v1', priceCents: 9900 },
  { name: 'professional', maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500, aiModel: 'ceseda-pro-v1', priceCents: 29900 },
  { name: 'enterprise', maxUsers: 50, maxCases: 10000, maxAnalysesMonthly: 2000, aiModel: 'ceseda-enterprise-v1', priceCents: 59900 },
];

/**
 * The first public plan above `plan` that allows more than `current` of the given limit, if any
 * (for a custom plan, the first public plan allowing more).
 */
export function planAllowingMore(
  limit: 'maxUsers' | 'maxCases' | 'maxAnalysesMonthly',
  current: number,
  plan?: string,
): PublicPlan | undefined {
  const rank = PLAN_LADDER.findIndex((p) => p.name === plan);
  return PLAN_LADDER.find((p, i) => i > rank && p[limit] > current);
}

export const MODEL_RANK: Readonly<Record<AiModel, number>> = { 'ceseda-basic-v1': 0, 'ceseda-pro-v1': 1, 'ceseda-enterprise-v1': 2 };
