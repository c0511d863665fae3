/**
 * Running the license's CESEDA model on a case and keeping the result in the case file (model,
 * rules version, the facts used, the result). The model comes from the signed license, never from
 * the request; each run counts against MAX_ANALYSIS_MONTHLY (`UsageCounters.recordAnalysis`
 * refuses a plan without overage and counts overage otherwise); reading stored analyses counts
 * nothing.
 */
import crypto from 'node:crypto';
import { runAnalysis, type AnalysisResult, type PastCase } from '../ceseda/index.js';
import type { Actor } from './cases.js';
import type { CaseRecord } from './caseSchema.js';
import type { EffectiveLimits } from '../license/effectiveLimits.js';
import { monthOf, type MonthUsage, type UsageCounters } from '../usage/usageCounters.js';

/** An analysis as stored in `case.analyses`. */
export interface StoredAnalysis {
  id: string;
  createdAt: string;
  createdBy: string;
  model: AnalysisResult['model'];
  rulesVersion: string;
  facts: AnalysisResult['factsUsed'];
  /** Billed beyond the monthly quota. */
  overage: boolean;
  /** The month it counts in: that of `createdAt`, or a later one if the clock was set back (see UsageCounters.monthAt). Absent in older files. */
  month?: string;
  result: AnalysisResult;
}

/** What the analyses need from the case module (`Cases` provides it). */
export interface CaseAccess {
  /** The case, or `not_found`. */
  get(id: string): CaseRecord;
  /** Every case of the cabinet (enterprise: the past cases). */
  all(): Iterable<CaseRecord>;
  /** Reads a case and logs the access. */
  readCase(id: string, actor: Actor, action?: string): Promise<CaseRecord>;
  /** Changes a stored case durably, with its history and audit entry. */
  mutate<T>(id: string, actor: Actor, action: string, change: (record: CaseRecord) => T): Promise<T>;
}

export interface AnalysisDeps {
  cases: CaseAccess;
  usage: UsageCounters;
  /** Throws unless the license allows a new analysis (enrolled, not expired); returns the limits. */
  assertCanRun: () => EffectiveLimits;
  threshold: number;
  clock: () => Date;
}

// Courts sitting in Alsace-Moselle observe two more holidays: when the facts do not name the court,
// the prefecture's département says where the TA sits (67, 68 → TA de Strasbourg; 57 → TA de Strasbourg).
const ALSACE_MOSELLE = new Set(['57', '67', '68']);

function factsOf(record: CaseRecord): Record<string, unknown> {
  const facts = { ...record.facts };
  if (facts.competentCourt === undefined && record.departement !== null && ALSACE_MOSELLE.has(record.departement))
    facts.competentCourt = 'TA de Strasbourg';
  return facts;
}

/**
 * What a recorded outcome teaches the enterprise model (calibration.ts fits won against lost):
 * annulation is won, rejet lost. A désistement or a non-lieu says nothing about whether the
 * recours would have succeeded, so such cases are left out, like open ones.
 */
export function learnedOutcome(outcome: CaseRecord['outcome']): PastCase['outcome'] {
  return outcome === 'won' || outcome === 'lost' ? outcome : null;
}

/** Runs the license's model on a case, counts it and stores it in the case; returns it. */
export async function runCaseAnalysis(deps: AnalysisDeps, caseId: string, actor: Actor): Promise<StoredAnalysis> {
  const limits = deps.assertCanRun();
  const target = deps.cases.get(caseId);
  const now = deps.clock();
  const pastCases: PastCase[] = [];
  if (limits.aiModel === 'ceseda-enterprise-v1') {
    for (const c of deps.cases.all())
      if (c.id !== target.id) pastCases.push({ id: c.id, procedure: c.procedure, facts: c.facts, outcome: learnedOutcome(c.outcome) });
  }
  // Run before counting: a case whose data cannot be analysed is refused without using the quota.
  const result = runAnalysis({
    model: limits.aiModel,
    procedure: target.procedure,
    decisionNotifiedAt: target.decisionNotifiedAt,
    facts: factsOf(target),
    departement: target.departement,
    now,
    threshold: deps.threshold,
    pastCases,
  });
  const { overage, usage } = await deps.usage.recordAnalysis(limits);
  const stored: StoredAnalysis = {
    id: crypto.randomUUID(),
    createdAt: now.toISOString(),
    createdBy: actor.email,
    model: result.model,
    rulesVersion: result.rulesVersion,
    facts: result.factsUsed,
    overage,
    month: usage.month,
    result,
  };
  await deps.cases.mutate(caseId, actor, 'analysis', (record) => {
    record.analyses.push(stored);
  });
  return stored;
}

/** The stored analyses of a case, newest first (reading counts nothing against the quota). */
export async function listCaseAnalyses(deps: AnalysisDeps, caseId: string, actor: Actor): Promise<StoredAnalysis[]> {
  const record = await deps.cases.readCase(caseId, actor, 'case.analyses.read');
  return [...(record.analyses as StoredAnalysis[])].reverse();
}

/** Analyses kept in the case files, counted by month (Europe/Paris) — what the usage counters must reach. */
export function recordedAnalysesByMonth(cases: Iterable<CaseRecord>): Map<string, Omit<MonthUsage, 'month'>> {
  const months = new Map<string, Omit<MonthUsage, 'month'>>();
  for (const c of cases) {
    for (const a of c.analyses as Array<Partial<StoredAnalysis>>) {
      const at = typeof a.createdAt === 'string' ? new Date(a.createdAt) : undefined;
      if (!at || Number.isNaN(at.getTime())) continue;
      const month = typeof a.month === 'string' && /^\d{4}-\d{2}$/.test(a.month) ? a.month : monthOf(at);
      const m = months.get(month) ?? { analysesUsed: 0, analysesOverage: 0 };
      m.analysesUsed += 1;
      if (a.overage === true) m.analysesOverage += 1;
      months.set(month, m);
    }
  }
  return months;
}
