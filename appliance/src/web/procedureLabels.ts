/** The procedures' names on the pages: the analysis's French names, and English ones alongside. */
import { PROCEDURE_CODES, PROCEDURE_NAMES_FR, type ProcedureCode } from '../domain/ceseda/procedures.js';
import type { Locale } from './messages.js';

const EN: Readonly<Record<ProcedureCode, string>> = {
  oqtf: 'Removal order (at liberty)',
  oqtf_assignation_residence: 'Removal order with house arrest',
  oqtf_detention: 'Removal order in prison',
  oqtf_retention: 'Removal order in administrative detention',
  irtf: 'Re-entry ban (IRTF)',
  refus_titre_sejour: 'Residence permit refused',
  refus_renouvellement_titre: 'Permit renewal refused',
  retrait_titre_sejour: 'Residence permit withdrawn',
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
  const table = locale === 'fr' ? PROCEDURE_NAMES_FR : EN;
  return (table as Record<string, string>)[code] ?? code;
}

export function procedureOptions(locale: Locale): Array<{ code: string; label: string }> {
  return PROCEDURE_CODES.map((code) => ({ code, label: procedureLabel(code, locale) }));
}
