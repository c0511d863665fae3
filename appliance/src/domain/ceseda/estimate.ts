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
  /** Standard error on the logit scale: small for a specific statistic, larger for a generic one. */
  logitSe: number;
  source: string;
}

const OQTF_RATE: BaseRate = {
  p: 0.19,
  logitSe: 0.2,
  source:
    'Cour des comptes, janv. 2024 : environ 18 % à 20 % des OQTF contestées sont annulées (rapport « La politique de lutte contre l’immigration irrégulière »)',
};
const GENERIC_TA_RATE: BaseRate = {
  p: 0.26,
  logitSe: 0.45,
  source:
    'Ensemble du contentieux des étrangers devant les tribunaux administratifs, 2019 : 26 % d’annulations (La Cimade, « Droit des étrangers : cartographie des contentieux », chiffres du Conseil d’État) ; taux général, d’où une fourchette plus large',
};

/** Base rate per procedure; null where no published statistic exists (no estimate is given). */
export const BASE_RATES: Record<ProcedureCode, BaseRate | null> = {
  oqtf: OQTF_RATE,
  oqtf_assignation_residence: OQTF_RATE,
  oqtf_detention: OQTF_RATE,
  oqtf_retention: OQTF_RATE,
  irtf: OQTF_RATE,
  assignation_residence: OQTF_RATE,
  transfert_dublin: OQTF_RATE,
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
    read: (_f, entitled) => entitled,
  },
  {
    id: 'procedural_defect',
    label: 'Vice relevé dans la décision (motivation, procédure, compétence)',
    beta: 0.9,
    rationale: 'L’illégalité externe est le moyen d’annulation le plus fréquent ; renseigné par l’avocat après examen de la décision.',
    read: (f) => bool(f.proceduralDefectIdentified),
  },
  {
    id: 'strong_family_ties',
    label: 'Liens familiaux intenses en France',
    beta: 0.8,
    rationale: 'Contrôle de proportionnalité au regard de l’art. 8 CEDH (L. 423-23, L. 613-1 dans sa rédaction issue de la loi de 2024).',
    read: (f) => (f.familyTiesInFrance === undefined ? null : f.familyTiesInFrance === 'strong' ? 1 : 0),
  },
  {
    id: 'children_in_france',
    label: 'Enfants résidant en France',
    beta: 0.4,
    rationale: 'L’intérêt supérieur de l’enfant (CIDE art. 3-1) pèse dans le contrôle de proportionnalité.',
    read: (f) => (f.childrenInFrance === undefined ? null : f.childrenInFrance > 0 ? 1 : 0),
  },
  {
    id: 'ten_years_presence',
    label: 'Présence en France depuis au moins dix ans',
    beta: 0.6,
    rationale: 'La durée de présence en France est un critère que le préfet doit examiner (L. 613-1).',
    read: (f) => (f.yearsOfResidence === undefined ? null : f.yearsOfResidence >= 10 ? 1 : 0),
  },
  {
    id: 'serious_illness',
    label: 'Pathologie grave sans accès effectif à un traitement approprié dans le pays d’origine',
    beta: 0.7,
    rationale: 'Protection prévue par L. 425-9 / L. 611-3, jurisprudence afférente et art. 3 CEDH.',
    read: (f) =>
      f.seriousHealthCondition === undefined ? null : f.seriousHealthCondition && f.treatmentUnavailableInCountry === true ? 1 : 0,
  },
  {
    id: 'stable_employment',
    label: 'Emploi stable (CDI ou métier en tension)',
    beta: 0.3,
    rationale: 'L’insertion professionnelle est prise en compte (L. 423-23, L. 435-4).',
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
    read: (f) => bool(f.publicOrderThreat),
  },
  {
    id: 'criminal_conviction',
    label: 'Condamnation pénale',
    beta: -0.6,
    rationale: 'Pèse défavorablement sur l’appréciation de l’insertion dans le contrôle de proportionnalité.',
    read: (f) => bool(f.criminalConviction),
  },
  {
    id: 'unexecuted_oqtf',
    label: 'OQTF antérieure non exécutée',
    beta: -0.5,
    rationale: 'Retenue comme motif de refus (circulaire du 23 janv. 2025).',
    read: (f) => bool(f.previousOqtfNotExecuted),
  },
];

/** Extra uncertainty (logit variance) per unknown factor, and relative uncertainty of a prior coefficient. */
const UNKNOWN_VARIANCE = 0.04;
const BETA_RELATIVE_SE = 0.5;

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

/** An outcome estimate as the result shows it. */
export interface Estimate {
  model: string;
  probability: number;
  range: { low: number; high: number };
  threshold: number;
  strongCase: boolean;
  verdict: string;
  baseRate: { p: number; source: string };
  raisedBy: { factor: string; beta: number }[];
  loweredBy: { factor: string; beta: number }[];
  unknown: string[];
  caveats: string[];
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
  const unknown: string[] = [];
  x.forEach((v, i) => {
    const factor = FACTORS[i]!;
    if (v === null) {
      unknown.push(factor.label);
      variance += UNKNOWN_VARIANCE + (BETA_RELATIVE_SE * factor.beta) ** 2 / 4;
    } else if (v === 1) {
      variance += (BETA_RELATIVE_SE * factor.beta) ** 2;
      (factor.beta > 0 ? raisedBy : loweredBy).push({ factor: factor.label, beta: factor.beta });
    }
  });
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
  unknown: string[],
): Estimate {
  const probability = toFivePercent(sigmoid(z));
  const low = Math.floor(sigmoid(z - 1.96 * se) * 20) / 20;
  const high = Math.ceil(sigmoid(z + 1.96 * se) * 20) / 20;
  const kind = verdictOf(low, high, threshold);
  const strongCase = kind === 'strong';
  const verdict = strongCase
    ? `Dossier solide : même la borne basse de la fourchette (${pourcentage(low)}) atteint le seuil du cabinet (${pourcentage(threshold)}).`
    : kind === 'uncertain'
      ? `Issue incertaine : la fourchette (${pourcentage(low)} à ${pourcentage(high)}) encadre le seuil du cabinet (${pourcentage(threshold)}).`
      : `Dossier en deçà du seuil du cabinet (${pourcentage(threshold)}) : probabilité estimée à ${pourcentage(probability)}.`;
  return {
    model,
    probability,
    range: { low, high },
    threshold,
    strongCase,
    verdict,
    baseRate: { p: base.p, source: base.source },
    raisedBy,
    loweredBy,
    unknown,
    caveats: [
      'Ordre de grandeur établi à partir de moyennes publiées et de pondérations fixées à dire d’expert et documentées, arrondi à 5 points ; ce n’est pas une prédiction de la décision d’une juridiction ou d’un juge déterminé (CJA art. L. 10).',
      'Les faits inconnus élargissent la fourchette ; les renseigner la resserre.',
    ],
  };
}

/**
 * The verdict on a range against the cabinet's threshold: "strong" only when the whole range
 * clears it, "uncertain" when the range straddles it. The analysis and the pages both say it.
 */
export function verdictOf(low: number, high: number, threshold: number): 'strong' | 'uncertain' | 'below' {
  return low >= threshold ? 'strong' : high >= threshold ? 'uncertain' : 'below';
}
