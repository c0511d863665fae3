/**
 * The plan catalog: the seed's three plans (prices excl. VAT) plus custom plans the
 * vendor adds. Built-in plans live in code so their figures cannot drift; custom ones in
 * `plans.json`. A cabinet's effective terms are its plan with its own overrides on top.
 */
import path from 'node:path';
import { NotFoundError, type AiModel, type PlanLimits } from '@iamanager/protocol';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { planCatalogSchema, type Overrides, type PlanCatalogFile, type PlanRecord } from '../storage/records.js';
import { ControlPlaneError } from '../errors.js';

/** Overage: the catalog price per analysis over the quota, 0.50 € excl. VAT unless a plan sets its own. */
export const DEFAULT_OVERAGE_CENTS = 50;

const SEED_DATE = '2026-01-01T00:00:00.000Z';

export const BUILT_IN_PLANS: readonly PlanRecord[] = [
  {
    id: 'starter',
    name: 'Starter',
    priceCents: 9_900,
    limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
    aiModel: 'ceseda-basic-v1',
    advancedFeatures: false,
    // Analyses over the quota are refused on starter, so never billed.
    overage: { allowed: false, pricePerAnalysisCents: DEFAULT_OVERAGE_CENTS },
    builtIn: true,
    createdAt: SEED_DATE,
  },
  {
    id: 'professional',
    name: 'Professional',
    priceCents: 29_900,
    limits: { maxUsers: 10, maxCases: 2_000, maxAnalysesMonthly: 500 },
    aiModel: 'ceseda-pro-v1',
    advancedFeatures: true,
    overage: { allowed: true, pricePerAnalysisCents: DEFAULT_OVERAGE_CENTS },
    builtIn: true,
    createdAt: SEED_DATE,
  },
  {
    id: 'enterprise',
    name: 'Enterprise',
    priceCents: 59_900,
    limits: { maxUsers: 50, maxCases: 10_000, maxAnalysesMonthly: 2_000 },
    aiModel: 'ceseda-enterprise-v1',
    advancedFeatures: true,
    overage: { allowed: true, pricePerAnalysisCents: DEFAULT_OVERAGE_CENTS },
    builtIn: true,
    createdAt: SEED_DATE,
  },
];

export interface NewPlan {
  id: string;
  name: string;
  priceCents: number;
  limits: PlanLimits;
  aiModel: AiModel;
  advancedFeatures: boolean;
  overage: { allowed: boolean; pricePerAnalysisCents: number };
}

/** What a cabinet is entitled to: its plan with its overrides applied. */
export interface EffectiveTerms {
  plan: string;
  priceCents: number;
  limits: PlanLimits;
  aiModel: AiModel;
  advancedFeatures: boolean;
  overage: { allowed: boolean; pricePerAnalysisCents: number };
}

export class PlanCatalog {
  private constructor(private readonly doc: Document<PlanCatalogFile>) {}

  static async open(dataDir: string, log: Logger): Promise<PlanCatalog> {
    const doc = await openDocument<PlanCatalogFile>(path.join(dataDir, 'plans.json'), { custom: [] }, { schema: planCatalogSchema, log });
    return new PlanCatalog(doc);
  }

  list(): PlanRecord[] {
    return [...BUILT_IN_PLANS, ...this.doc.data.custom];
  }

  find(id: string): PlanRecord | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** The plan or a `not_found`-style error naming the plans that exist. */
  get(id: string): PlanRecord {
    const plan = this.find(id);
    if (!plan) throw new NotFoundError('plan', id);
    return plan;
  }

  /** Adds a custom plan to the catalog; the built-in ids and existing ones are refused. */
  async createPlan(input: NewPlan, now: Date): Promise<PlanRecord> {
    if (this.find(input.id))
      throw new ControlPlaneError('already_exists', `plan "${input.id}" already exists: choose another id`, { id: input.id });
    const plan: PlanRecord = { ...input, builtIn: false, createdAt: now.toISOString() };
    this.doc.data.custom.push(plan);
    await this.doc.write();
    return plan;
  }

  /** The cabinet's effective terms: plan limits, model and features, each overridable. */
  effectiveTerms(planId: string, overrides: Overrides): EffectiveTerms {
    const plan = this.get(planId);
    return {
      plan: plan.id,
      priceCents: plan.priceCents,
      limits: {
        maxUsers: overrides.maxUsers ?? plan.limits.maxUsers,
        maxCases: overrides.maxCases ?? plan.limits.maxCases,
        maxAnalysesMonthly: overrides.maxAnalysesMonthly ?? plan.limits.maxAnalysesMonthly,
      },
      aiModel: overrides.aiModel ?? plan.aiModel,
      advancedFeatures: overrides.advancedFeatures ?? plan.advancedFeatures,
      overage: { ...plan.overage },
    };
  }
}
