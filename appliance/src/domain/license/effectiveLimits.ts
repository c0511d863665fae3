/**
 * What the appliance enforces: the signed license's limits, lowered (never raised) by the
 * environment. A value that would raise a limit is ignored and reported — in the log and in
 * `appliance doctor` — and is never a reason to refuse to start (docs/appliance.md#configure).
 */
import type { AiModel, LicenseClaims } from '@iamanager/protocol';
import type { EnvLimits } from '../../config.js';
import { MODEL_RANK } from './planLadder.js';

export interface EffectiveLimits {
  plan: string;
  maxUsers: number;
  maxCases: number;
  maxAnalysesMonthly: number;
  aiModel: AiModel;
  advancedFeatures: boolean;
  overageAllowed: boolean;
  overagePriceCents: number;
}

export function effectiveLimits(claims: LicenseClaims, env: EnvLimits): { limits: EffectiveLimits; warnings: string[] } {
  const warnings: string[] = [];
  const lower = (name: string, licensed: number, wanted: number | undefined): number => {
    if (wanted === undefined) return licensed;
    if (wanted > licensed) {
      warnings.push(`${name}=${wanted} is above the license's ${licensed}: ignored (limits come from the signed license)`);
      return licensed;
    }
    return wanted;
  };
  let aiModel = claims.aiModel;
  if (env.aiModel && env.aiModel !== claims.aiModel) {
    if (MODEL_RANK[env.aiModel] > MODEL_RANK[claims.aiModel])
      warnings.push(`AI_MODEL=${env.aiModel} is above the license's ${claims.aiModel}: ignored`);
    else aiModel = env.aiModel;
  }
  let advancedFeatures = claims.advancedFeatures;
  if (env.advancedFeatures !== undefined && env.advancedFeatures !== claims.advancedFeatures) {
    if (env.advancedFeatures) warnings.push('ADVANCED_FEATURES=true is not in the license: ignored');
    else advancedFeatures = false;
  }
  if (env.plan && env.plan !== claims.plan)
    warnings.push(
      `SUBSCRIPTION_PLAN=${env.plan} differs from the license's plan "${claims.plan}": ignored (the plan comes from the license)`,
    );
  return {
    limits: {
      plan: claims.plan,
      maxUsers: lower('MAX_USERS', claims.limits.maxUsers, env.maxUsers),
      maxCases: lower('MAX_CASES', claims.limits.maxCases, env.maxCases),
      maxAnalysesMonthly: lower('MAX_ANALYSIS_MONTHLY', claims.limits.maxAnalysesMonthly, env.maxAnalysesMonthly),
      aiModel,
      advancedFeatures,
      overageAllowed: claims.overage.allowed,
      overagePriceCents: claims.overage.pricePerAnalysisCents,
    },
    warnings,
  };
}
