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
  // Pièces (domain/documents/pieces.ts): history, then audit
  'document.label': 'Pièce renommée',
  'document.move': 'Pièce renumérotée',
  'document.delete': 'Pièce supprimée',
  'case.document.label': 'Intitulé d’une pièce modifié',
  'case.document.move': 'Numéro d’une pièce modifié',
  'case.document.delete': 'Suppression d’une pièce',
  // Drafts (docs/drafting.md)
  'draft.generate': 'Brouillon généré',
  'case.draft.generate': 'Brouillon généré',
  'draft.template.replace': 'Remplacement d’un modèle de brouillon',
  'draft.template.reset': 'Retour au modèle de brouillon fourni',
  // Closing deadlines (docs/deadlines.md): in the case history, and as `case.…` in the audit log
  'deadline.close.requested': 'Clôture d’échéance demandée (à confirmer)',
  'deadline.closed': 'Échéance clôturée',
  'deadline.close.confirmed': 'Clôture d’échéance confirmée',
  'deadline.close.refused': 'Clôture d’échéance refusée',
  'deadline.reopened': 'Échéance rouverte',
  'case.deadline.close.requested': 'Clôture d’échéance demandée (à confirmer)',
  'case.deadline.closed': 'Échéance clôturée',
  'case.deadline.close.confirmed': 'Clôture d’échéance confirmée',
  'case.deadline.close.refused': 'Clôture d’échéance refusée',
  'case.deadline.reopened': 'Échéance rouverte',
  'deadline.proof': 'Preuve de diligence émise',
  'deadline.register': 'Registre des échéances édité',
  'deadline.rules.update': 'Règle de clôture des échéances modifiée',
  'reminders.preferences': 'Choix de ses rappels d’échéances',
  'reminders.policy': 'Modification des règles de rappel du cabinet',
  'reminders.mail': 'Modification du serveur de messagerie des rappels',
  // Users' access (docs/administration.md)
  'user.create': 'Création d’un utilisateur (mot de passe choisi par l’administrateur)',
  'user.invite': 'Invitation d’un utilisateur',
  'user.reset': 'Réinitialisation de l’accès d’un utilisateur',
  'user.role': 'Changement de rôle',
  'user.disable': 'Désactivation d’un utilisateur',
  'user.enable': 'Réactivation d’un utilisateur',
  'user.link.used': 'Mot de passe choisi par lien à usage unique',
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
  'document.label': 'Document renamed',
  'document.move': 'Document renumbered',
  'document.delete': 'Document deleted',
  'case.document.label': 'Document label changed',
  'case.document.move': 'Document number changed',
  'case.document.delete': 'Document deleted',
  'draft.generate': 'Draft generated',
  'case.draft.generate': 'Draft generated',
  'draft.template.replace': 'Draft template replaced',
  'draft.template.reset': 'Draft template back to the shipped one',
  'deadline.close.requested': 'Deadline closing asked (to confirm)',
  'deadline.closed': 'Deadline closed',
  'deadline.close.confirmed': 'Deadline closing confirmed',
  'deadline.close.refused': 'Deadline closing refused',
  'deadline.reopened': 'Deadline reopened',
  'case.deadline.close.requested': 'Deadline closing asked (to confirm)',
  'case.deadline.closed': 'Deadline closed',
  'case.deadline.close.confirmed': 'Deadline closing confirmed',
  'case.deadline.close.refused': 'Deadline closing refused',
  'case.deadline.reopened': 'Deadline reopened',
  'deadline.proof': 'Proof of diligence issued',
  'deadline.register': 'Register of deadlines printed',
  'deadline.rules.update': 'Deadline closing rule changed',
  'reminders.preferences': 'Own reminder choices changed',
  'reminders.policy': 'Cabinet reminder rules changed',
  'reminders.mail': 'Reminder mail server changed',
  'user.create': 'User created (password chosen by the admin)',
  'user.invite': 'User invited',
  'user.reset': 'User access reset',
  'user.role': 'Role changed',
  'user.disable': 'User disabled',
  'user.enable': 'User enabled again',
  'user.link.used': 'Password set through a one-time link',
};

export function actionLabel(action: string, locale: Locale): string {
  return (locale === 'fr' ? FR : EN)[action] ?? action;
}

/** The audit log's action codes (those with a dot: the case history's own have none), for the log's filter. */
export function auditActions(): string[] {
  return Object.keys(FR).filter((k) => k.includes('.'));
}
