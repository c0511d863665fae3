/** The procedures' names as a French lawyer says them (codes from analysis/procedures.ts). */
import { PROCEDURE_CODES, type ProcedureCode } from '../analysis/procedures.js';
import type { Locale } from './messages.js';

const FR: Readonly<Record<ProcedureCode, string>> = {
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
  const table = locale === 'fr' ? FR : EN;
  return (table as Record<string, string>)[code] ?? code;
}

export function procedureOptions(locale: Locale): Array<{ code: string; label: string }> {
  return PROCEDURE_CODES.map((code) => ({ code, label: procedureLabel(code, locale) }));
}
