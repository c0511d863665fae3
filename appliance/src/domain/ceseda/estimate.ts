import type { TitreEligibility } from './eligibility.js';
import type { CaseFacts } from './facts.js';
import { pourcentage } from './frenchFormat.js';
import { PROCEDURE_NAMES_FR, type ProcedureCode } from './procedures.js';

/**
 * ceseda-pro-v1 outcome estimate: a small logistic model. The intercept is the published success
 * rate for the kind of remedy; the factor coefficients are expert priors (log-odds), not fitted,
 * documented here and in docs/ceseda-rules.md. No judge, chamber or formation is ever an input
 * (CJA art. L. 10: the identity of judges may not be used to evaluate or predict their practice).
 */

/** A published base rate: the probability a remedy of this kind succeeds, with its source. */
export interface BaseRate {
  p: number;
  /** Standard error on the logit scale: small for a specific statistic, larger for a borrowed one. */
  logitSe: number;
  source: string;
  /**
   * True when the procedure has no statistic of its own and reuses another's (the OQTF rate for a
   * Dublin transfer) or all foreigners' litigation: the page says so and the range is wider.
   */
  borrowed?: boolean;
}

/**
 * Extra standard error (logit scale) of a rate reused for a procedure it was not measured on: how
 * far a neighbouring remedy's success rate may plausibly sit from this one's. 0.45 on the logit
 * scale around 19 % spans roughly 13 % to 27 %, i.e. the gap between the published rates of the
 * different remedies (19 % OQTF, 20 % refus d'entrée, 20,5 % CNDA, 26 % all litigation) and a margin.
 */
export const BORROWING_SE = 0.45;

/** The same statistic used for a procedure without its own: flagged, and its range widened. */
function borrowed(rate: BaseRate): BaseRate {
  return { ...rate, logitSe: Math.hypot(rate.logitSe, BORROWING_SE), borrowed: true };
}

const OQTF_RATE: BaseRate = {
  p: 0.19,
  logitSe: 0.2,
  source:
    'Cour des comptes, janv. 2024 : environ 18 % à 20 % des OQTF contestées sont annulées (rapport « La politique de lutte contre l’immigration irrégulière »)',
};
// A national aggregate, as precise in itself as the OQTF statistic; every procedure that uses it
// borrows it (it measures all foreigners' litigation, none of them in particular).
const ALL_LITIGATION_RATE: BaseRate = {
  p: 0.26,
  logitSe: 0.2,
  source:
    'Ensemble du contentieux des étrangers devant les tribunaux administratifs, 2019 : 26 % d’annulations (La Cimade, « Droit des étrangers : cartographie des contentieux », chiffres du Conseil d’État)',
};
const GENERIC_TA_RATE = borrowed(ALL_LITIGATION_RATE);

/** Base rate per procedure; null where no published statistic exists (no estimate is given). */
export const BASE_RATES: Record<ProcedureCode, BaseRate | null> = {
  oqtf: OQTF_RATE,
  oqtf_assignation_residence: OQTF_RATE,
  oqtf_detention: OQTF_RATE,
  oqtf_retention: OQTF_RATE,
  // No statistic of their own: the OQTF rate, flagged and widened.
  irtf: borrowed(OQTF_RATE),
  assignation_residence: borrowed(OQTF_RATE),
  transfert_dublin: borrowed(OQTF_RATE),
  refus_entree_asile: {
    p: 0.2,
    logitSe: 0.3,
    source:
      'Refus d’entrée au titre de l’asile, 2019 : 20 % d’annulations (La Cimade, « Droit des étrangers : cartographie des contentieux »)',
  },
  asile_rejet_ofpra: {
    p: 0.205,
    logitSe: 0.15,
    source: 'CNDA, 2023 : 20,5 % des recours ont abouti à l’octroi d’une protection (CNDA, chiffres 2023 repris par vie-publique.fr)',
  },
  refus_titre_sejour: GENERIC_TA_RATE,
  refus_renouvellement_titre: GENERIC_TA_RATE,
  retrait_titre_sejour: GENERIC_TA_RATE,
  regroupement_familial_refus: GENERIC_TA_RATE,
  refus_visa: GENERIC_TA_RATE,
  naturalisation_refus: GENERIC_TA_RATE,
  expulsion: GENERIC_TA_RATE,
  retention_placement: null,
  cnda_rejet: null,
  demande_titre_sejour: null,
};

/** One factor of the model. */
export interface Factor {
  id: string;
  label: string;
  /** Log-odds added when present. */
  beta: number;
  rationale: string;
  /** The case facts (`case.facts` keys) that settle it; empty for the titre, settled by the eligibility's conditions. */
  facts: readonly (keyof CaseFacts)[];
  /** 1 present, 0 absent, null unknown. */
  read: (f: CaseFacts, entitled: 0 | 1 | null) => 0 | 1 | null;
}

const bool = (v: boolean | undefined): 0 | 1 | null => (v === undefined ? null : v ? 1 : 0);

/** The factors and their coefficients (priors; see docs/ceseda-rules.md). */
export const FACTORS: readonly Factor[] = [
  {
    id: 'entitled_de_plein_droit',
    label: 'Conditions d’un titre de séjour de plein droit toutes remplies',
    beta: 1.2,
    rationale:
      'Le refus de titre ou l’éloignement d’un étranger qui remplit les conditions d’un titre de plein droit est entaché d’erreur de droit (L. 423-1, L. 423-7, L. 425-9…).',
    facts: [],
    read: (_f, entitled) => entitled,
  },
  {
    id: 'procedural_defect',
    label: 'Vice relevé dans la décision (motivation, procédure, compétence)',
    beta: 0.9,
    rationale: 'L’illégalité externe est le moyen d’annulation le plus fréquent ; renseigné par l’avocat après examen de la décision.',
    facts: ['proceduralDefectIdentified'],
    read: (f) => bool(f.proceduralDefectIdentified),
  },
  {
    id: 'strong_family_ties',
    label: 'Liens familiaux intenses en France',
    beta: 0.8,
    rationale: 'Contrôle de proportionnalité au regard de l’art. 8 CEDH (L. 423-23, L. 613-1 dans sa rédaction issue de la loi de 2024).',
    facts: ['familyTiesInFrance'],
    read: (f) => (f.familyTiesInFrance === undefined ? null : f.familyTiesInFrance === 'strong' ? 1 : 0),
  },
  {
    id: 'children_in_france',
    label: 'Enfants résidant en France',
    beta: 0.4,
    rationale: 'L’intérêt supérieur de l’enfant (CIDE art. 3-1) pèse dans le contrôle de proportionnalité.',
    facts: ['childrenInFrance'],
    read: (f) => (f.childrenInFrance === undefined ? null : f.childrenInFrance > 0 ? 1 : 0),
  },
  {
    id: 'ten_years_presence',
    label: 'Présence en France depuis au moins dix ans',
    beta: 0.6,
    rationale: 'La durée de présence en France est un critère que le préfet doit examiner (L. 613-1).',
    facts: ['yearsOfResidence'],
    read: (f) => (f.yearsOfResidence === undefined ? null : f.yearsOfResidence >= 10 ? 1 : 0),
  },
  {
    id: 'serious_illness',
    label: 'Pathologie grave sans accès effectif à un traitement approprié dans le pays d’origine',
    beta: 0.7,
    rationale: 'Protection prévue par L. 425-9 / L. 611-3, jurisprudence afférente et art. 3 CEDH.',
    facts: ['seriousHealthCondition', 'treatmentUnavailableInCountry'],
    // A serious illness whose treatment abroad is not yet known is unknown, not absent.
    read: (f) =>
      f.seriousHealthCondition === undefined
        ? null
        : !f.seriousHealthCondition
          ? 0
          : f.treatmentUnavailableInCountry === undefined
            ? null
            : f.treatmentUnavailableInCountry
              ? 1
              : 0,
  },
  {
    id: 'stable_employment',
    label: 'Emploi stable (CDI ou métier en tension)',
    beta: 0.3,
    rationale: 'L’insertion professionnelle est prise en compte (L. 423-23, L. 435-4).',
    facts: ['employmentContract', 'shortageOccupation'],
    read: (f) =>
      f.employmentContract === undefined && f.shortageOccupation === undefined
        ? null
        : f.employmentContract === 'cdi' || f.shortageOccupation === true
          ? 1
          : 0,
  },
  {
    id: 'public_order_threat',
    label: 'Menace pour l’ordre public invoquée',
    beta: -1.2,
    rationale: 'Les juridictions annulent rarement lorsqu’une menace pour l’ordre public est établie (L. 432-1, L. 612-2).',
    facts: ['publicOrderThreat'],
    read: (f) => bool(f.publicOrderThreat),
  },
  {
    id: 'criminal_conviction',
    label: 'Condamnation pénale',
    beta: -0.6,
    rationale: 'Pèse défavorablement sur l’appréciation de l’insertion dans le contrôle de proportionnalité.',
    facts: ['criminalConviction'],
    read: (f) => bool(f.criminalConviction),
  },
  {
    id: 'unexecuted_oqtf',
    label: 'OQTF antérieure non exécutée',
    beta: -0.5,
    rationale: 'Retenue comme motif de refus (circulaire du 23 janv. 2025).',
    facts: ['previousOqtfNotExecuted'],
    read: (f) => bool(f.previousOqtfNotExecuted),
  },
];

/** Extra uncertainty (logit variance) per unknown factor, and relative uncertainty of a prior coefficient. */
const UNKNOWN_VARIANCE = 0.04;
const BETA_RELATIVE_SE = 0.5;

/**
 * The logit variance an unknown factor of coefficient `beta` adds: what knowing it (absent) would
 * take off the range, so the unknowns are ordered by it. Shared with the enterprise model.
 */
export const unknownVariance = (beta: number): number => UNKNOWN_VARIANCE + (BETA_RELATIVE_SE * beta) ** 2 / 4;

/** 1 when a titre "de plein droit" is met, 0 when all are defeated, null while open. */
export function entitlementOf(eligibility: TitreEligibility[]): 0 | 1 | null {
  const plein = eligibility.filter((t) => t.dePleinDroit);
  if (plein.some((t) => t.outcome === 'eligible')) return 1;
  return plein.some((t) => t.outcome === 'undetermined') ? null : 0;
}

/** Reads the factors of a case: 1, 0 or null (unknown) for each of FACTORS. */
export function readFactors(facts: CaseFacts, entitled: 0 | 1 | null): (0 | 1 | null)[] {
  return FACTORS.map((factor) => factor.read(facts, entitled));
}

export const logit = (p: number): number => Math.log(p / (1 - p));
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The pro model's logit for read factors (unknown counts as absent). */
export function proLogit(base: BaseRate, x: (0 | 1 | null)[]): number {
  return x.reduce<number>((z, v, i) => z + (v === 1 ? FACTORS[i]!.beta : 0), logit(base.p));
}

/** Rounded to 5 points: the model has no finer precision. */
export const toFivePercent = (p: number): number => Math.round(p * 20) / 20;

/**
 * No court's decision is certain either way: every figure shown (estimate and range) is kept
 * between 5 % and 95 %, the model's 5-point step from each end.
 */
export const SHOWN_MIN = 0.05;
export const SHOWN_MAX = 0.95;
export const shownProbability = (p: number): number => Math.min(SHOWN_MAX, Math.max(SHOWN_MIN, p));

/** Said with the verdict when the cabinet's threshold is above the cap: no case could ever reach it. */
const UNREACHABLE_THRESHOLD =
  'Le seuil du cabinet dépasse 95 %, plafond de toute estimation : aucun dossier ne peut l’atteindre ; abaissez PREDICTION_THRESHOLD.';

/** A range at least this wide (50 points) says almost nothing about the outcome, and the estimate says so. */
export const WIDE_RANGE = 0.5;

/**
 * The lowest the range's low end may go for a "dossier solide" when the cabinet's threshold is
 * higher: an annulment still more likely than a rejection at the unfavourable end of the range.
 */
export const STRONG_LOW_END = 0.5;

/** An unknown fact that widens the range: its factor, the case facts to fill in, its French label. */
export interface UnknownFact {
  factor: string;
  facts: readonly (keyof CaseFacts)[];
  label: string;
}

/** An outcome estimate as the result shows it. */
export interface Estimate {
  model: string;
  /** Central estimate, in 5-point steps, between 5 % and 95 %. */
  probability: number;
  /** 95 % range, outward to 5-point steps, between 5 % and 95 %. */
  range: { low: number; high: number };
  /** The range is 50 points wide or more: it says almost nothing (`rangeNote` says so in words). */
  wideRange: boolean;
  rangeNote: string | null;
  threshold: number;
  strongCase: boolean;
  verdict: string;
  baseRate: { p: number; source: string; borrowed: boolean };
  raisedBy: { factor: string; beta: number }[];
  loweredBy: { factor: string; beta: number }[];
  /** Unknown facts, the one whose knowledge would narrow the range most first. */
  unknown: UnknownFact[];
  caveats: string[];
}

/** The unknown factors, by the variance each adds (most first; FACTORS order on a tie). */
export function unknownFacts(x: readonly (0 | 1 | null)[], betas: readonly number[]): UnknownFact[] {
  return x
    .map((v, i) => ({ v, i, variance: unknownVariance(betas[i]!) }))
    .filter((u) => u.v === null)
    .sort((a, b) => b.variance - a.variance || a.i - b.i)
    .map(({ i }) => ({ factor: FACTORS[i]!.id, facts: FACTORS[i]!.facts, label: FACTORS[i]!.label }));
}

/** The pro estimate, or null with the reason when the model has no base rate for the procedure. */
export function estimateOutcome(
  procedure: ProcedureCode,
  facts: CaseFacts,
  eligibility: TitreEligibility[],
  threshold: number,
): Estimate | { unavailable: string } {
  const base = BASE_RATES[procedure];
  if (base === null)
    return {
      unavailable: `Aucun taux de succès publié pour la procédure « ${PROCEDURE_NAMES_FR[procedure]} » : aucune estimation n’est donnée plutôt qu’un chiffre inventé.`,
    };
  const x = readFactors(facts, entitlementOf(eligibility));
  const z = proLogit(base, x);
  let variance = base.logitSe ** 2;
  const raisedBy: Estimate['raisedBy'] = [];
  const loweredBy: Estimate['loweredBy'] = [];
  x.forEach((v, i) => {
    const factor = FACTORS[i]!;
    if (v === null) variance += unknownVariance(factor.beta);
    else if (v === 1) {
      variance += (BETA_RELATIVE_SE * factor.beta) ** 2;
      (factor.beta > 0 ? raisedBy : loweredBy).push({ factor: factor.label, beta: factor.beta });
    }
  });
  const unknown = unknownFacts(
    x,
    FACTORS.map((f) => f.beta),
  );
  return describe('ceseda-pro-v1', z, Math.sqrt(variance), threshold, base, raisedBy, loweredBy, unknown);
}

/** Shapes an estimate from a logit and its standard error (shared with the enterprise model). */
export function describe(
  model: string,
  z: number,
  se: number,
  threshold: number,
  base: BaseRate,
  raisedBy: Estimate['raisedBy'],
  loweredBy: Estimate['loweredBy'],
  unknown: UnknownFact[],
): Estimate {
  const probability = shownProbability(toFivePercent(sigmoid(z)));
  const low = shownProbability(Math.floor(sigmoid(z - 1.96 * se) * 20) / 20);
  const high = shownProbability(Math.ceil(sigmoid(z + 1.96 * se) * 20) / 20);
  const kind = verdictOf(probability, low, high, threshold);
  const t = pourcentage(threshold);
  const verdict =
    {
      strong_range: `Dossier solide : même la borne basse de la fourchette (${pourcentage(low)}) atteint le seuil du cabinet (${t}).`,
      strong: `Dossier solide : l’estimation (${pourcentage(probability)}) atteint le seuil du cabinet (${t}) et la borne basse de la fourchette (${pourcentage(low)}) reste d’au moins ${pourcentage(strongLowEnd(threshold))}.`,
      uncertain_low_end: `Issue incertaine : l’estimation (${pourcentage(probability)}) atteint le seuil du cabinet (${t}), mais la borne basse de la fourchette (${pourcentage(low)}) est sous ${pourcentage(strongLowEnd(threshold))}.`,
      uncertain: `Issue incertaine : la fourchette (${pourcentage(low)} à ${pourcentage(high)}) encadre le seuil du cabinet (${t}).`,
      below: `Dossier en deçà du seuil du cabinet (${t}) : probabilité estimée à ${pourcentage(probability)}.`,
    }[kind] + (threshold > SHOWN_MAX ? ` ${UNREACHABLE_THRESHOLD}` : '');
  const wideRange = isWide(low, high);
  // A borrowed base rate is flagged on baseRate (the page and PDF say it beside the source).
  const caveats = [
    'Ordre de grandeur établi à partir de moyennes publiées et de pondérations fixées à dire d’expert et documentées, arrondi à 5 points ; ce n’est pas une prédiction de la décision d’une juridiction ou d’un juge déterminé (CJA art. L. 10).',
    'Les faits inconnus élargissent la fourchette ; les renseigner la resserre.',
    'Aucune issue juridictionnelle n’est certaine : l’estimation et la fourchette restent entre 5 % et 95 %.',
  ];
  return {
    model,
    probability,
    range: { low, high },
    wideRange,
    rangeNote: wideRange ? wideRangeNote(low, high, unknown) : null,
    threshold,
    strongCase: isStrong(kind),
    verdict,
    baseRate: { p: base.p, source: base.source, borrowed: base.borrowed === true },
    raisedBy,
    loweredBy,
    unknown,
    caveats,
  };
}

/** Whether a range is too wide to say much (compared in whole 5-point steps, free of float noise). */
export function isWide(low: number, high: number): boolean {
  return Math.round((high - low) * 20) >= Math.round(WIDE_RANGE * 20);
}

function wideRangeNote(low: number, high: number, unknown: UnknownFact[]): string {
  const said = `Fourchette très large (${pourcentage(low)} à ${pourcentage(high)}) : elle ne dit presque rien de l’issue du recours.`;
  return unknown.length === 0
    ? `${said} Elle tient à l’incertitude du taux de référence et des pondérations, non à des faits inconnus.`
    : `${said} Pour la resserrer, renseigner d’abord : ${unknown.map((u) => u.label).join(' ; ')}.`;
}

/** The low end a "dossier solide" needs: even odds, or the threshold itself when the cabinet sets it lower. */
export const strongLowEnd = (threshold: number): number => Math.min(threshold, STRONG_LOW_END);

export type VerdictKind = 'strong_range' | 'strong' | 'uncertain_low_end' | 'uncertain' | 'below';

/**
 * The verdict against the cabinet's threshold (PREDICTION_THRESHOLD). The threshold is the
 * estimated probability of success a "dossier solide" must reach; the estimate alone is not
 * enough: the low end of its 95 % range must also stay at even odds or better (or at the
 * threshold, if lower). Requiring the whole range above the threshold, as the first version did,
 * made 87 % unreachable: even with every favourable fact the low end stops near 80 %.
 * - strong_range: the whole range reaches the threshold;
 * - strong: the estimate reaches it and the low end stays at strongLowEnd or above;
 * - uncertain_low_end: the estimate reaches it but the low end falls below strongLowEnd;
 * - uncertain: the estimate is below the threshold but the range reaches it;
 * - below: the whole range is below it.
 */
export function verdictOf(probability: number, low: number, high: number, threshold: number): VerdictKind {
  if (low >= threshold) return 'strong_range';
  if (probability >= threshold) return low >= strongLowEnd(threshold) ? 'strong' : 'uncertain_low_end';
  return high >= threshold ? 'uncertain' : 'below';
}

/** Whether a verdict calls the case a "dossier solide". */
export const isStrong = (kind: VerdictKind): boolean => kind === 'strong_range' || kind === 'strong';
