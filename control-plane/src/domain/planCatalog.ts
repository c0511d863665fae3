/**
 * The plan catalog: the seed's three plans (prices excl. VAT) plus custom plans the
 * vendor adds. Built-in plans live in code so their figures cannot drift; custom ones in the
 * `PlanStore` (DATA_DIR/plans.json, or the `plans` table shared by every node). A cabinet's
 * effective terms are its plan with its own overrides on top.
 *
 * A plan never changes once created (the store has no update; a new offer is a new plan id), so
 * what a node has read stays true and is kept: only a plan created on another node since can be
 * missing, and `find` asks the store on a miss, so that plan is found on the next request.
 */
import { NotFoundError, type AiModel, type PlanLimits } from '@iamanager/protocol';
import type { Overrides, PlanRecord } from '../storage/records.js';
import type { PlanStore } from '../storage/stores.js';
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

/** Finds a plan among those read together (`PlanCatalog.lookup`), or throws `not_found`. */
export type PlanLookup = (id: string) => PlanRecord;

/** The effective terms of `plan` with a cabinet's `overrides` on top: plan limits, model and features, each overridable. */
export function termsOn(plan: PlanRecord, overrides: Overrides): EffectiveTerms {
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

/** A synchronous lookup among `plans` (a `list()` just read). */
export function planLookup(plans: readonly PlanRecord[]): PlanLookup {
  const byId = new Map(plans.map((p) => [p.id, p]));
  return (id) => {
    const plan = byId.get(id);
    if (!plan) throw new NotFoundError('plan', id);
    return plan;
  };
}

export class PlanCatalog {
  /** The built-in plans and every vendor plan this node has read or created (plans never change). */
  private readonly seen = new Map<string, PlanRecord>(BUILT_IN_PLANS.map((p) => [p.id, p]));

  private constructor(private readonly store: PlanStore) {}

  /** Opens the catalog on its store, reading the vendor's plans once so that `known` starts complete. */
  static async open(store: PlanStore): Promise<PlanCatalog> {
    const catalog = new PlanCatalog(store);
    await catalog.list();
    return catalog;
  }

  /** Every plan, built-in first, then the vendor's in the order they were created: from the store, so a plan made on another node is listed. */
  async list(): Promise<PlanRecord[]> {
    // A stored plan under a built-in id (never made by createPlan) would shadow nothing: the code's figures win.
    const custom = (await this.store.list()).filter((p) => !BUILT_IN_PLANS.some((b) => b.id === p.id));
    return [...BUILT_IN_PLANS, ...custom.map((p) => this.remember(p))];
  }

  /** The plan, from what this node has read, else from the store (a plan created on another node). */
  async find(id: string): Promise<PlanRecord | undefined> {
    const seen = this.seen.get(id);
    if (seen) return seen;
    const stored = await this.store.get(id);
    return stored && this.remember(stored);
  }

  /** The plan or a `not_found` error. */
  async get(id: string): Promise<PlanRecord> {
    const plan = await this.find(id);
    if (!plan) throw new NotFoundError('plan', id);
    return plan;
  }

  /**
   * The plan if this node has already read it, without asking the store: for the hot path that
   * cannot wait on a query (the heartbeat ingest's usage bounds). Complete on the embedded backend,
   * where this process is the only writer; with several nodes a plan created elsewhere is missing
   * until this node's next `list`/`find`.
   */
  known(id: string): PlanRecord | undefined {
    return this.seen.get(id);
  }

  /** Every plan read at once, to look plans up synchronously while drafting (invoices, previews); unknown ids throw `not_found`. */
  async lookup(): Promise<PlanLookup> {
    return planLookup(await this.list());
  }

  /**
   * Adds a custom plan to the catalog; the built-in ids and existing ones are refused (the store
   * refuses an id another node took at the same moment).
   */
  async createPlan(input: NewPlan, now: Date): Promise<PlanRecord> {
    if (await this.find(input.id))
      throw new ControlPlaneError('already_exists', `plan "${input.id}" already exists: choose another id`, { id: input.id });
    const plan: PlanRecord = { ...input, builtIn: false, createdAt: now.toISOString() };
    await this.store.create(plan);
    return this.remember(plan);
  }

  /** The cabinet's effective terms: plan limits, model and features, each overridable. */
  async effectiveTerms(planId: string, overrides: Overrides): Promise<EffectiveTerms> {
    return termsOn(await this.get(planId), overrides);
  }

  private remember(plan: PlanRecord): PlanRecord {
    // The first copy read stays: a plan never changes, and callers may hold it already.
    const seen = this.seen.get(plan.id);
    if (seen) return seen;
    this.seen.set(plan.id, plan);
    return plan;
  }
}
