import type { StoredAnalysis } from '../domain/cases/caseAnalyses.js';

/** What goes out for a stored analysis: exactly these fields (the result is the analysis library's own shape, docs/ceseda-rules.md). */
export function presentAnalysis(a: StoredAnalysis) {
  return {
    id: a.id,
    createdAt: a.createdAt,
    createdBy: a.createdBy,
    model: a.model,
    rulesVersion: a.rulesVersion,
    overage: a.overage,
    facts: a.facts,
    result: a.result,
  };
}
