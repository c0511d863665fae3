/**
 * What happened to a case (its history) and in the audit log, in the page's language. The stored
 * actions are stable codes shared with the API and the audit chain; only the page translates them.
 * An action missing here is shown as its code, never hidden.
 */
import type { Locale } from './messages.js';

const FR: Readonly<Record<string, string>> = {
  // Case history (cases.ts, Cases.mutate)
  'created': 'Dossier créé',
  'updated': 'Dossier modifié',
  'archived': 'Dossier archivé',
  'unarchived': 'Dossier désarchivé',
  'document.upload': 'Pièce ajoutée',
  'analysis': 'Analyse CESEDA lancée',
  // Audit log
  'case.create': 'Création d’un dossier',
  'case.read': 'Consultation d’un dossier',
  'case.update': 'Modification d’un dossier',
  'case.archive': 'Archivage d’un dossier',
  'case.unarchive': 'Désarchivage d’un dossier',
  'case.search': 'Recherche de dossiers',
  'case.export': 'Export d’un dossier',
  'case.analyses.read': 'Consultation des analyses d’un dossier',
  'case.document.upload': 'Ajout d’une pièce',
  'case.analysis': 'Analyse CESEDA lancée',
  'document.download': 'Téléchargement d’une pièce',
  'calendar.feed.create': 'Création d’une adresse d’abonnement au calendrier',
  'calendar.feed.read': 'Lecture du calendrier par abonnement',
  'calendar.feed.revoke': 'Révocation d’une adresse d’abonnement au calendrier',
  'license.enroll': 'Nouvel enregistrement de l’appliance auprès de l’éditeur',
  'license.import': 'Import d’une licence',
  'support.upload': 'Envoi d’un paquet de support à l’éditeur',
  'reminders.preferences': 'Choix de ses rappels d’échéances',
  'reminders.policy': 'Modification des règles de rappel du cabinet',
  'reminders.mail': 'Modification du serveur de messagerie des rappels',
};

const EN: Readonly<Record<string, string>> = {
  'created': 'Case created',
  'updated': 'Case updated',
  'archived': 'Case archived',
  'unarchived': 'Case unarchived',
  'document.upload': 'Document added',
  'analysis': 'CESEDA analysis run',
  'case.create': 'Case created',
  'case.read': 'Case read',
  'case.update': 'Case updated',
  'case.archive': 'Case archived',
  'case.unarchive': 'Case unarchived',
  'case.search': 'Cases searched',
  'case.export': 'Case exported',
  'case.analyses.read': 'Case analyses read',
  'case.document.upload': 'Document added',
  'case.analysis': 'CESEDA analysis run',
  'document.download': 'Document downloaded',
  'calendar.feed.create': 'Calendar subscription URL created',
  'calendar.feed.read': 'Calendar read by subscription',
  'calendar.feed.revoke': 'Calendar subscription URL revoked',
  'license.enroll': 'Appliance enrolled again with the vendor',
  'license.import': 'License imported',
  'support.upload': 'Support bundle sent to the vendor',
  'reminders.preferences': 'Own reminder choices changed',
  'reminders.policy': 'Cabinet reminder rules changed',
  'reminders.mail': 'Reminder mail server changed',
};

export function actionLabel(action: string, locale: Locale): string {
  return (locale === 'fr' ? FR : EN)[action] ?? action;
}
