/**
 * The texts of the dashboard's deadline sections and of the dossier list's sorting, filters,
 * pages and duplicate warning. A catalogue of its own beside messages.ts (French first, English
 * with exactly the French keys), so these pages' texts do not crowd the shared catalogue.
 */
import type { Locale } from './messages.js';

const fr = {
  // The dashboard's sections (dashboardView.ts).
  mine: 'Mes échéances',
  cabinet: 'Les autres dossiers du cabinet',
  optional: 'Recours facultatifs (gracieux, hiérarchique)',
  optionalIntro:
    'Ces recours administratifs ne conditionnent pas le recours contentieux (CRPA L. 411-2) : ils sont listés à part. Les RAPO, obligatoires (CESEDA D. 312-3 ; décret n° 93-1362, art. 45), restent dans les échéances ci-dessus.',
  noneMine: 'Aucune échéance sur les dossiers qui vous sont attribués.',
  noneCabinet: 'Aucune autre échéance au cabinet.',
  groupRange: '{from}–{to} sur {total}',
  earlier: '‹ Précédentes',
  later: 'Suivantes ›',
  groupPages: 'Pages de « {group} »',
  // The dossier list (GET /dossiers).
  sortLabel: 'Trier par',
  sortDeadline: 'Prochaine échéance',
  sortRecent: 'Dernière modification',
  sortReference: 'Référence',
  statusOpen: 'Ouverts',
  statusArchived: 'Archivés',
  statusAll: 'Ouverts et archivés',
  mineOnly: 'Mes dossiers seulement',
  pageOf: 'Page {page} sur {pages} — {total} dossier(s)',
  pageEmpty: 'Aucun résultat sur cette page : la liste compte {pages} page(s).',
  lastPage: 'Aller à la dernière page',
  noDeadline: 'Aucune',
  listPages: 'Pages de la liste',
  // The new-case form's duplicate warning.
  duplicateTitle: 'Ce client a peut-être déjà un dossier',
  duplicateIntro: 'Même nom et même date de naissance que :',
  duplicateConfirm: 'Créer quand même',
  duplicateHint: 'Ou corrigez le formulaire ci-dessous.',
  duplicateArchived: 'archivé',
};

const en: Record<keyof typeof fr, string> = {
  mine: 'My deadlines',
  cabinet: 'The cabinet’s other cases',
  optional: 'Optional remedies (gracieux, hiérarchique)',
  optionalIntro:
    'These administrative appeals do not condition the court appeal (CRPA L. 411-2): they are listed apart. The mandatory RAPO (CESEDA D. 312-3; décret 93-1362, art. 45) stay in the deadlines above.',
  noneMine: 'No deadline on the cases assigned to you.',
  noneCabinet: 'No other deadline in the cabinet.',
  groupRange: '{from}–{to} of {total}',
  earlier: '‹ Earlier',
  later: 'Later ›',
  groupPages: 'Pages of “{group}”',
  sortLabel: 'Sort by',
  sortDeadline: 'Next deadline',
  sortRecent: 'Last change',
  sortReference: 'Reference',
  statusOpen: 'Open',
  statusArchived: 'Archived',
  statusAll: 'Open and archived',
  mineOnly: 'My cases only',
  pageOf: 'Page {page} of {pages} — {total} case(s)',
  pageEmpty: 'No result on this page: the list has {pages} page(s).',
  lastPage: 'Go to the last page',
  noDeadline: 'None',
  listPages: 'List pages',
  duplicateTitle: 'This client may already have a case',
  duplicateIntro: 'Same last name and birth date as:',
  duplicateConfirm: 'Create anyway',
  duplicateHint: 'Or correct the form below.',
  duplicateArchived: 'archived',
};

export type DashboardMessages = Readonly<Record<keyof typeof fr, string>>;
export const DASHBOARD_CATALOGUES: Readonly<Record<Locale, DashboardMessages>> = { fr, en };
