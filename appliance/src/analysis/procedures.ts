/**
 * Procedure codes: part of the API (SPEC, `domain/README.md`). A case names the decision or
 * situation it is about with one of these; the CESEDA analysis is keyed on it.
 */
export const PROCEDURE_CODES = [
  'oqtf',
  'oqtf_assignation_residence',
  'oqtf_detention',
  'oqtf_retention',
  'irtf',
  'refus_titre_sejour',
  'refus_renouvellement_titre',
  'retrait_titre_sejour',
  'refus_visa',
  'asile_rejet_ofpra',
  'transfert_dublin',
  'retention_placement',
  'assignation_residence',
  'naturalisation_refus',
  'regroupement_familial_refus',
  'demande_titre_sejour',
  // Added by the CESEDA analysis (docs/ceseda-rules.md): decisions the domain needs beyond the seed list.
  'expulsion',
  'refus_entree_asile',
  'cnda_rejet',
] as const;

export type ProcedureCode = (typeof PROCEDURE_CODES)[number];
