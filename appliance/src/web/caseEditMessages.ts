/**
 * The texts of the case edit page (/dossiers/:id/modifier), of the field-by-field history and of
 * the case page's « Modifier » block: a catalogue of its own beside messages.ts (French first,
 * English with exactly the French keys). Field names already in messages.ts are reused from there.
 */
import type { Locale } from './messages.js';

const fr = {
  editTitle: 'Modifier le dossier',
  editLink: 'Modifier le dossier',
  editIntro:
    'Chaque modification est inscrite à l’historique du dossier (ancienne et nouvelle valeur, auteur, date). Les faits utiles à l’analyse se modifient dans le questionnaire.',
  factsLink: 'Modifier les faits (questionnaire)',
  save: 'Enregistrer les modifications',
  cancel: 'Annuler',
  saved: 'Modifications enregistrées.',
  nothingChanged: 'Aucune valeur n’a changé : rien n’a été enregistré.',
  sectionClient: 'Le client',
  sectionDecision: 'La décision contestée',
  sectionFollowUp: 'Suivi du dossier',
  email: 'E-mail du client',
  phone: 'Téléphone du client',
  address: 'Adresse du client',
  decisionAuthority: 'Autorité qui a pris la décision',
  decisionReference: 'Référence de la décision',
  decisionSummary: 'Résumé de la décision',
  departement: 'Département de la préfecture',
  departementHint: 'Département de la préfecture : saisissez son numéro, par exemple 75, 2A, 974.',
  departementHelp: 'Par exemple 75, 2A, 974. Laissez vide s’il n’est pas connu.',
  notificationTimeHint:
    'À renseigner pour les délais qui courent en heures (rétention, assignation : 48 h). Inconnue : laissez vide, le délai est alors décompté depuis 0 h.',
  letterDateNote:
    'La décision a été notifiée par lettre recommandée : la date de notification est déduite des dates du pli, à modifier dans le questionnaire.',
  caseStatus: 'Statut du dossier',
  outcome: 'Issue du dossier',
  outcomeHint: 'Obligatoire pour clore ou archiver le dossier ; c’est ce que le modèle du cabinet apprend.',
  outcomeRequired:
    'Issue du dossier : indiquez comment le dossier s’est terminé (annulation, rejet, désistement, non-lieu…) pour le clore ou l’archiver.',
  outcomeRequiredToArchive:
    'Le dossier ne peut pas être archivé sans son issue : indiquez-la (annulation, rejet, désistement, non-lieu…) dans « Modifier le dossier ».',
  restricted: 'Avocat en charge, statut et issue : modifiables par un avocat ou un administrateur.',
  notAllowed: '{field} : seul un avocat ou un administrateur peut modifier ce champ.',
  birthAfterNotification: 'Date de naissance : elle est postérieure à la date de notification de la décision ; vérifiez l’une et l’autre.',
  stale:
    'Ce dossier a été modifié par {by} le {at}, après l’ouverture de votre formulaire : rien n’a été enregistré. Vos saisies sont conservées ci-dessous ; vérifiez le dossier puis enregistrez à nouveau.',
  noLawyer: '— aucun —',
  backupLawyer: 'Second avocat',
  backupLawyerHelp: 'Reçoit l’escalade des rappels d’une échéance que personne n’a prise en charge (docs/reminders.md).',
  // The field-by-field history.
  changesTitle: 'Modifications',
  noChanges: 'Aucune modification depuis la création du dossier.',
  changeLine: '{field} : {before} → {after}',
  changeBy: 'par {who}, le {at}',
  none: '(vide)',
  // The case page.
  analysisStale:
    'La {what} a changé depuis la dernière analyse ({at}) : ses délais ne tiennent pas compte de la modification. Relancez l’analyse.',
  staleProcedure: 'procédure',
  staleNotification: 'date de notification',
  staleBoth: 'procédure et la date de notification',
  outcomeShown: 'Issue',
};

export type CaseEditMessages = Readonly<Record<keyof typeof fr, string>>;

const en: CaseEditMessages = {
  editTitle: 'Edit the case',
  editLink: 'Edit the case',
  editIntro:
    'Every change is written to the case history (former and new value, who, when). The facts used by the analysis are edited in the questionnaire.',
  factsLink: 'Edit the facts (questionnaire)',
  save: 'Save the changes',
  cancel: 'Cancel',
  saved: 'Changes saved.',
  nothingChanged: 'No value changed: nothing was saved.',
  sectionClient: 'The client',
  sectionDecision: 'The decision challenged',
  sectionFollowUp: 'Follow-up',
  email: 'Client’s email',
  phone: 'Client’s phone',
  address: 'Client’s address',
  decisionAuthority: 'Authority that took the decision',
  decisionReference: 'Decision reference',
  decisionSummary: 'Summary of the decision',
  departement: 'Prefecture’s département',
  departementHint: 'Prefecture’s département: enter its number, e.g. 75, 2A, 974.',
  departementHelp: 'E.g. 75, 2A, 974. Leave empty if unknown.',
  notificationTimeHint:
    'Needed for deadlines counted in hours (retention, house arrest: 48 h). Unknown: leave empty, the deadline then runs from 0:00.',
  letterDateNote:
    'The decision was notified by registered letter: the notification date follows from the letter’s dates, edited in the questionnaire.',
  caseStatus: 'Case status',
  outcome: 'Outcome',
  outcomeHint: 'Required to close or archive the case; it is what the cabinet’s model learns from.',
  outcomeRequired: 'Outcome: say how the case ended (annulment, dismissal, withdrawal, no ruling…) to close or archive it.',
  outcomeRequiredToArchive:
    'The case cannot be archived without its outcome: record it (annulment, dismissal, withdrawal, no ruling…) in “Edit the case”.',
  restricted: 'Lawyer in charge, status and outcome: editable by a lawyer or an administrator.',
  notAllowed: '{field}: only a lawyer or an administrator can change this field.',
  birthAfterNotification: 'Date of birth: it is after the notification date of the decision; check both.',
  stale:
    'This case was changed by {by} on {at}, after you opened the form: nothing was saved. Your entries are kept below; check the case and save again.',
  noLawyer: '— none —',
  backupLawyer: 'Backup lawyer',
  backupLawyerHelp: 'Receives the escalation of reminders for a deadline nobody has taken in hand.',
  changesTitle: 'Changes',
  noChanges: 'No change since the case was created.',
  changeLine: '{field}: {before} → {after}',
  changeBy: 'by {who}, on {at}',
  none: '(empty)',
  analysisStale:
    'The {what} changed since the last analysis ({at}): its deadlines do not take the change into account. Run the analysis again.',
  staleProcedure: 'procedure',
  staleNotification: 'notification date',
  staleBoth: 'procedure and the notification date',
  outcomeShown: 'Outcome',
};

export const CASE_EDIT_CATALOGUES: Readonly<Record<Locale, CaseEditMessages>> = { fr, en };

/** The lawyers' words for a case's status and outcome (caseSchema's CASE_STATUSES and OUTCOMES). */
export const STATUS_LABELS: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  fr: { open: 'Ouvert', waiting: 'En attente', filed: 'Recours déposé', hearing: 'Audience fixée', closed: 'Clos' },
  en: { open: 'Open', waiting: 'Waiting', filed: 'Appeal filed', hearing: 'Hearing set', closed: 'Closed' },
};

export const OUTCOME_LABELS: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  fr: {
    won: 'Annulation (requête accueillie)',
    lost: 'Rejet',
    withdrawn: 'Désistement',
    moot: 'Non-lieu à statuer',
    other: 'Autre issue',
  },
  en: {
    won: 'Annulment (claim upheld)',
    lost: 'Dismissed',
    withdrawn: 'Withdrawn',
    moot: 'No need to rule (non-lieu)',
    other: 'Other outcome',
  },
};
