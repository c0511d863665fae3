/**
 * The procedures' names on the pages: the analysis's French names, except where a name alone
 * misleads — a refusal of a titre that came with an OQTF is an OQTF case (CESEDA L. 911-1, one
 * month, not the two months of CJA R. 421-1), so the refusal procedures say they cover the refusal
 * *without* OQTF. English names alongside.
 */
import { PROCEDURE_CODES, PROCEDURE_NAMES_FR, type ProcedureCode } from '../domain/ceseda/procedures.js';
import type { Locale } from './messages.js';

const FR: Readonly<Record<ProcedureCode, string>> = {
  ...PROCEDURE_NAMES_FR,
  refus_titre_sejour: 'Refus de titre de séjour sans OQTF',
  refus_renouvellement_titre: 'Refus de renouvellement de titre sans OQTF',
  retrait_titre_sejour: 'Retrait de titre de séjour sans OQTF',
};

const EN: Readonly<Record<ProcedureCode, string>> = {
  oqtf: 'Removal order (at liberty)',
  oqtf_assignation_residence: 'Removal order with house arrest',
  oqtf_detention: 'Removal order in prison',
  oqtf_retention: 'Removal order in administrative detention',
  irtf: 'Re-entry ban (IRTF)',
  refus_titre_sejour: 'Residence permit refused, without removal order',
  refus_renouvellement_titre: 'Permit renewal refused, without removal order',
  retrait_titre_sejour: 'Residence permit withdrawn, without removal order',
  refus_visa: 'Visa refused',
  asile_rejet_ofpra: 'Asylum: OFPRA rejection',
  transfert_dublin: 'Dublin transfer',
  retention_placement: 'Placement in detention',
  assignation_residence: 'House arrest',
  naturalisation_refus: 'Naturalisation refused',
  regroupement_familial_refus: 'Family reunification refused',
  demande_titre_sejour: 'Residence permit application',
  expulsion: 'Expulsion order',
  refus_entree_asile: 'Entry refused (asylum at the border)',
  cnda_rejet: 'Asylum: CNDA rejection',
};

export function procedureLabel(code: string, locale: Locale): string {
  const table = locale === 'fr' ? FR : EN;
  return (table as Record<string, string>)[code] ?? code;
}

export function procedureOptions(locale: Locale): Array<{ code: string; label: string }> {
  return PROCEDURE_CODES.map((code) => ({ code, label: procedureLabel(code, locale) }));
}
