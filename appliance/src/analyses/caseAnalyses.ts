/**
 * Running the license's CESEDA model on a case and keeping the result with it. The model comes
 * from the signed license (never from the request); each run counts against MAX_ANALYSIS_MONTHLY
 * (`UsageCounters.recordAnalysis` refuses a plan without overage and counts overage otherwise);
 * reading stored analyses counts nothing.
 */
import crypto from 'node:crypto';
import { NotFoundError } from '@iamanager/protocol';
import { runAnalysis, type PastCase, type ProcedureCode } from '../analysis/index.js';
import type { EffectiveLimits } from '../license/effectiveLimits.js';
import type { UsageCounters } from '../usage/usageCounters.js';
import type { AnalysisStore, StoredAnalysis } from './analysisStore.js';

/** What the analysis reads from a case (the case module provides it; no client identity). */
export interface AnalysableCase {
  id: string;
  procedure: ProcedureCode;
  decisionNotifiedAt: string;
  facts?: unknown;
  /** Known outcome of a closed case, for the enterprise calibration. */
  outcome?: 'won' | 'lost' | null;
}

/** The case module's view for analyses. */
export interface CaseSource {
  get(id: string): AnalysableCase | undefined;
  all(): Iterable<AnalysableCase>;
}

export interface AnalysisDeps {
  cases: CaseSource;
  store: AnalysisStore;
  usage: UsageCounters;
  /** Throws unless the license allows a new analysis (enrolled, not expired); returns the limits. */
  assertCanRun: () => EffectiveLimits;
  threshold: number;
  clock: () => Date;
}

function caseOf(deps: AnalysisDeps, caseId: string): AnalysableCase {
  const found = deps.cases.get(caseId);
  if (!found) throw new NotFoundError('case', caseId);
  return found;
}

/** Runs the license's model on a case, counts it, stores it; returns the stored analysis. */
export async function runCaseAnalysis(deps: AnalysisDeps, caseId: string, userId: string): Promise<StoredAnalysis> {
  const limits = deps.assertCanRun();
  const target = caseOf(deps, caseId);
  const now = deps.clock();
  const pastCases: PastCase[] = [];
  if (limits.aiModel === 'ceseda-enterprise-v1') {
    for (const c of deps.cases.all()) {
      if (c.id === target.id || c.facts === null || typeof c.facts !== 'object') continue;
      pastCases.push({ id: c.id, procedure: c.procedure, facts: c.facts, outcome: c.outcome ?? null });
    }
  }
  // Run before counting: a case whose data cannot be analysed is refused without using the quota.
  const result = runAnalysis({ model: limits.aiModel, procedure: target.procedure, decisionNotifiedAt: target.decisionNotifiedAt, facts: target.facts, now, threshold: deps.threshold, pastCases });
  const { overage } = await deps.usage.recordAnalysis(now, limits);
  const stored: StoredAnalysis = {
    id: crypto.randomUUID(),
    caseId: target.id,
    createdAt: now.toISOString(),
    createdBy: userId,
    model: result.model,
    rulesVersion: result.rulesVersion,
    facts: result.factsUsed,
    overage,
    result,
  };
  await deps.store.append(stored);
  return stored;
}

/** The stored analyses of a case, newest first (reading counts nothing). */
export function listCaseAnalyses(deps: AnalysisDeps, caseId: string): StoredAnalysis[] {
  caseOf(deps, caseId);
  return [...deps.store.list(caseId)].reverse();
}
