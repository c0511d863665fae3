/**
 * Procedure codes: part of the API (docs/ceseda-rules.md). A case names the decision or
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

/** Each procedure as a French lawyer names it: in the analysis's sentences and on the pages. */
export const PROCEDURE_NAMES_FR: Readonly<Record<ProcedureCode, string>> = {
  oqtf: 'OQTF (personne libre)',
  oqtf_assignation_residence: 'OQTF avec assignation à résidence',
  oqtf_detention: 'OQTF en détention',
  oqtf_retention: 'OQTF en rétention',
  irtf: 'Interdiction de retour (IRTF)',
  refus_titre_sejour: 'Refus de titre de séjour',
  refus_renouvellement_titre: 'Refus de renouvellement de titre',
  retrait_titre_sejour: 'Retrait de titre de séjour',
  refus_visa: 'Refus de visa',
  asile_rejet_ofpra: 'Asile : rejet OFPRA',
  transfert_dublin: 'Transfert Dublin',
  retention_placement: 'Placement en rétention',
  assignation_residence: 'Assignation à résidence',
  naturalisation_refus: 'Refus de naturalisation',
  regroupement_familial_refus: 'Refus de regroupement familial',
  demande_titre_sejour: 'Demande de titre de séjour',
  expulsion: 'Arrêté d’expulsion',
  refus_entree_asile: 'Refus d’entrée au titre de l’asile',
  cnda_rejet: 'Asile : rejet CNDA',
};
