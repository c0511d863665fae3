/**
 * The procedure a case is about, derived from the answers that set its deadline rather than taken
 * on trust from a list: most refusals of a titre de séjour come with an OQTF, and then the OQTF's
 * time limits govern (one month for a person at liberty, CESEDA L. 911-1; seven days under
 * assignation à résidence or in detention, L. 921-1; 48 hours in rétention, L. 921-2), not the two
 * months of CJA R. 421-1. A lawyer who picks "refus de titre" and answers "OQTF : oui" gets the
 * OQTF procedure, with the reason said; nothing is refused (docs/appliance.md, "Le formulaire").
 */
import type { CaseFacts } from './facts.js';
import type { ProcedureCode } from './procedures.js';

/** Decisions on a titre de séjour that an OQTF may accompany (CESEDA L. 611-1 3°: the OQTF after a refusal; R. 614-1: one remedy for both). */
export const REFUSALS_OQTF_MAY_ACCOMPANY: readonly ProcedureCode[] = [
  'refus_titre_sejour',
  'refus_renouvellement_titre',
  'retrait_titre_sejour',
];

/** The four OQTF procedures, one per measure the person is under when the remedy is filed. */
const OQTF_BY_LIBERTY: Readonly<Record<NonNullable<CaseFacts['libertyStatus']>, ProcedureCode>> = {
  free: 'oqtf',
  assignation_residence: 'oqtf_assignation_residence',
  detention: 'oqtf_detention',
  retention: 'oqtf_retention',
};
const OQTF_PROCEDURES = new Set<ProcedureCode>(Object.values(OQTF_BY_LIBERTY));

/** Why the derived procedure differs from the chosen one (stable codes; the pages word them). */
export type DerivationReason =
  /** A refusal with an OQTF: the OQTF procedure for the person's liberty status. */
  | 'refusal_with_oqtf'
  /** An OQTF procedure that names another measure than the one answered (e.g. "personne libre" but in rétention). */
  | 'liberty_status'
  /** No procedure chosen, but "OQTF : oui": the OQTF procedure for the liberty status. */
  | 'oqtf_without_procedure';

export interface DerivedProcedure {
  /** The procedure the case is created with; undefined when neither a choice nor the answers give one. */
  procedure: ProcedureCode | undefined;
  /** Set when `procedure` differs from the chosen one. */
  reason?: DerivationReason;
  /** The articles that make the difference, cited beside the reason. */
  article?: string;
}

/** The article setting the OQTF's time limit for a liberty status. */
function oqtfArticle(liberty: CaseFacts['libertyStatus']): string {
  if (liberty === 'retention') return 'CESEDA L. 921-2';
  if (liberty === 'assignation_residence' || liberty === 'detention') return 'CESEDA L. 921-1';
  return 'CESEDA L. 911-1';
}

/**
 * The procedure from the chosen one and the deadline-setting answers. An unanswered question
 * (undefined) never changes the choice: only an answer does.
 */
export function deriveProcedure(
  chosen: ProcedureCode | undefined,
  facts: Pick<CaseFacts, 'oqtfAccompanies' | 'libertyStatus'>,
): DerivedProcedure {
  const liberty = facts.libertyStatus;
  // With no liberty status answered, the OQTF of a person at liberty: the case the form asks about first.
  const oqtf = OQTF_BY_LIBERTY[liberty ?? 'free'];
  if (chosen === undefined)
    return facts.oqtfAccompanies === true
      ? { procedure: oqtf, reason: 'oqtf_without_procedure', article: oqtfArticle(liberty) }
      : { procedure: undefined };
  if (REFUSALS_OQTF_MAY_ACCOMPANY.includes(chosen) && facts.oqtfAccompanies === true)
    return {
      procedure: oqtf,
      reason: 'refusal_with_oqtf',
      article: `${oqtfArticle(liberty)} ; R. 614-1 (refus de séjour notifié avec l’OQTF)`,
    };
  if (OQTF_PROCEDURES.has(chosen) && liberty !== undefined && chosen !== oqtf)
    return { procedure: oqtf, reason: 'liberty_status', article: oqtfArticle(liberty) };
  return { procedure: chosen };
}
