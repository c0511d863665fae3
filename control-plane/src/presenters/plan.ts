/** The plan as it goes out; prices only to roles that see money. */
import type { PlanRecord } from '../storage/records.js';

export function presentPlan(plan: PlanRecord, options: { seeMoney: boolean }) {
  return {
    id: plan.id,
    name: plan.name,
    limits: { maxUsers: plan.limits.maxUsers, maxCases: plan.limits.maxCases, maxAnalysesMonthly: plan.limits.maxAnalysesMonthly },
    aiModel: plan.aiModel,
    advancedFeatures: plan.advancedFeatures,
    overageAllowed: plan.overage.allowed,
    builtIn: plan.builtIn,
    ...(options.seeMoney ? { priceCents: plan.priceCents, overagePricePerAnalysisCents: plan.overage.pricePerAnalysisCents } : {}),
  };
}
