import { AI_MODELS, ValidationError, parseWith, type AiModel } from '@iamanager/protocol';
import { calibrateOnCabinet, type Calibration, type PastCase, type SimilarCase } from './calibration.js';
import { documentChecklist } from './checklists.js';
import type { Deadline } from './deadlineEngine.js';
import { computeDeadlines } from './deadlines.js';
import { assessEligibility, type TitreEligibility } from './eligibility.js';
import { entitlementOf, estimateOutcome, readFactors, type Estimate } from './estimate.js';
import { caseFactsSchema, type CaseFacts } from './facts.js';
import { resolveTerritory, type ResolvedTerritory } from './overseas.js';
import { OVERSEAS_HOLIDAYS_TO_VERIFY } from './overseasHolidays.js';
import { PROCEDURE_CODES, type ProcedureCode } from './procedures.js';
import { computeRenewalWindow, prefectureCalendar, type RenewalWindow } from './renewal.js';
import { RULES_VERSION, TO_VERIFY, type DeadlineContext } from './rules.js';
import { ApplianceError } from '../../errors.js';

/** Tier order: a license's model allows itself and the tiers below it. */
const TIER: Record<AiModel, number> = { 'ceseda-basic-v1': 0, 'ceseda-pro-v1': 1, 'ceseda-enterprise-v1': 2 };

/** Refuses a model above the license's (`model_not_licensed`, naming the plan's model). */
export function assertModelLicensed(licensed: AiModel, requested: AiModel): void {
  if (TIER[requested] > TIER[licensed]) {
    throw new ApplianceError('model_not_licensed', `This license runs ${licensed}; ${requested} needs a higher plan.`, {
      licensed,
      requested,
    });
  }
}

export interface AnalysisInput {
  model: AiModel;
  procedure: ProcedureCode;
  /** YYYY-MM-DD or ISO date-time (the time matters for hour délais). */
  decisionNotifiedAt: string;
  /** The case's structured facts (validated; unknown fields such as a judge's name are dropped). */
  facts?: unknown;
  /** The moment of the analysis (eligibility is judged on its Paris date). */
  now: Date;
  /** The cabinet's PREDICTION_THRESHOLD, 0..1. */
  threshold: number;
  /** The cabinet's other cases (enterprise only). */
  pastCases?: readonly PastCase[];
  /** The case's département (971–978 are overseas): the territory when the facts do not give it. */
  departement?: string | null;
}

/** What an analysis returns and the case stores. */
export interface AnalysisResult {
  model: AiModel;
  rulesVersion: string;
  computedAt: string;
  procedure: ProcedureCode;
  decisionNotifiedAt: string;
  factsUsed: CaseFacts;
  deadlines: Deadline[];
  /** Where the decision applies and how that was known (overseas derogations and holidays). */
  territory?: ResolvedTerritory;
  /** The current residence document's renewal window (R. 431-5), whatever the procedure, when its expiry is recorded. */
  renewalWindow?: RenewalWindow;
  checklist: readonly string[];
  toVerify: readonly string[];
  eligibility?: TitreEligibility[];
  estimate?: Estimate | { unavailable: string };
  similarCases?: SimilarCase[];
  calibration?: Calibration;
}

function parisDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * Runs the CESEDA analysis of a case with a model tier. Pure and deterministic: the same input
 * gives the same result. Basic: deadlines and checklist; pro: + eligibility and estimate;
 * enterprise: + similar cases and the cabinet's calibration.
 */
export function runAnalysis(input: AnalysisInput): AnalysisResult {
  if (!(AI_MODELS as readonly string[]).includes(input.model)) throw new ValidationError([`model: must be one of ${AI_MODELS.join(', ')}`]);
  if (!(PROCEDURE_CODES as readonly string[]).includes(input.procedure))
    throw new ValidationError([`procedure: must be one of ${PROCEDURE_CODES.join(', ')}`]);
  if (!(input.threshold >= 0 && input.threshold <= 1)) throw new ValidationError(['threshold: must be a number between 0 and 1']);
  const facts = parseWith(caseFactsSchema, input.facts ?? {}, 'facts');
  const ctx: DeadlineContext = { ...facts, departement: input.departement ?? null };
  let deadlines: Deadline[];
  try {
    deadlines = computeDeadlines(input.procedure, input.decisionNotifiedAt, ctx);
  } catch (error) {
    if (error instanceof RangeError)
      throw new ValidationError([`decisionNotifiedAt: ${error.message}; use YYYY-MM-DD or an ISO date-time`]);
    throw error;
  }
  let renewalWindow: RenewalWindow | null;
  try {
    renewalWindow = computeRenewalWindow(facts, prefectureCalendar(ctx));
  } catch (error) {
    if (error instanceof RangeError) throw new ValidationError([`facts.residencePermitExpiresOn: ${error.message}`]);
    throw error;
  }
  const territory = resolveTerritory(ctx);
  const toVerify = [
    ...new Set([
      ...deadlines.flatMap((d) => d.toVerify),
      ...(renewalWindow?.toVerify ?? []),
      ...(territory.territory === 'metropole' ? [] : OVERSEAS_HOLIDAYS_TO_VERIFY),
      ...TO_VERIFY,
    ]),
  ];
  const result: AnalysisResult = {
    model: input.model,
    rulesVersion: RULES_VERSION,
    computedAt: input.now.toISOString(),
    procedure: input.procedure,
    decisionNotifiedAt: input.decisionNotifiedAt,
    factsUsed: facts,
    deadlines,
    territory,
    ...(renewalWindow !== null ? { renewalWindow } : {}),
    checklist: documentChecklist(input.procedure),
    toVerify,
  };
  if (TIER[input.model] < 1) return result;

  const today = parisDate(input.now);
  const eligibility = assessEligibility(facts, today);
  result.eligibility = eligibility;
  result.estimate = estimateOutcome(input.procedure, facts, eligibility, input.threshold);
  if (TIER[input.model] < 2) return result;

  const enterprise = calibrateOnCabinet(
    input.procedure,
    readFactors(facts, entitlementOf(eligibility)),
    input.pastCases ?? [],
    input.threshold,
    today,
  );
  result.similarCases = enterprise.similarCases;
  result.calibration = enterprise.calibration;
  if (enterprise.estimate !== null) result.estimate = enterprise.estimate;
  return result;
}
