/**
 * The drafts the appliance writes from a case, and the procedures each one fits. A draft is the
 * lawyer's starting point, never a filing: the kinds follow the remedies the CESEDA analysis
 * computes (domain/ceseda/rules.ts), so the « Rédiger » block never offers a letter the law does
 * not provide for that decision.
 */
import type { ProcedureCode } from '../ceseda/procedures.js';

export const DRAFT_KINDS = ['recours_gracieux', 'rapo_visa', 'rapo_naturalisation', 'aide_juridictionnelle', 'requete_annulation'] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];

export interface DraftKindInfo {
  /** As a French lawyer names it (page, file name, history). */
  title: string;
  /** The text the draft stands on, shown beside the title. */
  legalBasis: string;
  /** The procedures it fits. */
  procedures: readonly ProcedureCode[];
}

/**
 * Decisions whose contentieux follows the droit commun (two months, CJA R. 421-1), where a recours
 * gracieux or hiérarchique filed within the délai keeps it (CRPA L. 411-2). The OQTF family is left
 * out: its special délais (CESEDA L. 614-1 s., L. 911-1) are not kept by an administrative recours.
 */
const GRACIEUX: readonly ProcedureCode[] = [
  'refus_titre_sejour',
  'refus_renouvellement_titre',
  'retrait_titre_sejour',
  'regroupement_familial_refus',
  'expulsion',
];

/**
 * Decisions a requête en annulation before the administrative judge attacks (CJA R. 411-1). Left
 * out: the placement en rétention (juge judiciaire, CESEDA L. 614-13 / L. 741-10), the OFPRA's and
 * the CNDA's decisions (recours before the CNDA, pourvoi before the Conseil d’État) and a demand
 * not yet answered (no decision to attack until the silence gardé makes one).
 */
const ANNULATION: readonly ProcedureCode[] = [
  'oqtf',
  'oqtf_assignation_residence',
  'oqtf_detention',
  'oqtf_retention',
  'irtf',
  'refus_titre_sejour',
  'refus_renouvellement_titre',
  'retrait_titre_sejour',
  'refus_visa',
  'transfert_dublin',
  'assignation_residence',
  'naturalisation_refus',
  'regroupement_familial_refus',
  'expulsion',
  'refus_entree_asile',
];

export const DRAFT_KIND_INFO: Readonly<Record<DraftKind, DraftKindInfo>> = {
  recours_gracieux: {
    title: 'Recours gracieux',
    legalBasis: 'CRPA L. 411-2',
    procedures: GRACIEUX,
  },
  rapo_visa: {
    title: 'RAPO refus de visa',
    legalBasis: 'CESEDA D. 312-3',
    procedures: ['refus_visa'],
  },
  rapo_naturalisation: {
    title: 'RAPO refus de naturalisation',
    legalBasis: 'décret n° 93-1362, art. 45',
    procedures: ['naturalisation_refus'],
  },
  aide_juridictionnelle: {
    title: 'Demande d’aide juridictionnelle (lettre d’accompagnement)',
    legalBasis: 'loi n° 91-647 ; décret n° 2020-1717',
    // Every decision a court hears: the aid is asked for the recours, whichever court it goes to.
    procedures: [...ANNULATION, 'retention_placement', 'asile_rejet_ofpra', 'cnda_rejet'],
  },
  requete_annulation: {
    title: 'Requête en annulation',
    legalBasis: 'CJA R. 411-1',
    procedures: ANNULATION,
  },
};

export function isDraftKind(value: string): value is DraftKind {
  return (DRAFT_KINDS as readonly string[]).includes(value);
}

/** The drafts that fit a procedure, in the order a lawyer uses them (recours administratif first). */
export function draftKindsFor(procedure: string): DraftKind[] {
  return DRAFT_KINDS.filter((k) => (DRAFT_KIND_INFO[k].procedures as readonly string[]).includes(procedure));
}
