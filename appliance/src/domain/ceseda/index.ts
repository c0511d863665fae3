/** The CESEDA analysis library: pure, deterministic, no I/O. */
export { runAnalysis, assertModelLicensed, type AnalysisInput, type AnalysisResult } from './runAnalysis.js';
export { computeDeadlines } from './deadlines.js';
export { RULES_VERSION, TO_VERIFY } from './rules.js';
export { caseFactsSchema, type CaseFacts } from './facts.js';
export { PROCEDURE_CODES, type ProcedureCode } from './procedures.js';
export type { PastCase } from './calibration.js';
