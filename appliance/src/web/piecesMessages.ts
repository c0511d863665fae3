/**
 * The texts of a case's pièces block, its delete confirmation and the Télérecours export
 * (docs/telerecours.md). A catalogue of its own beside messages.ts: French first, English with
 * exactly the French keys.
 */
import type { Locale } from './messages.js';
import type { RefusalReason } from '../domain/documents/telerecoursExport.js';

const fr = {
  piecesTitle: 'Pièces',
  piecesIntro:
    'Le numéro d’une pièce est sa place dans le bordereau : déplacer ou supprimer une pièce renumérote les suivantes. L’export Télérecours reprend ces numéros et ces intitulés.',
  pieceNumber: 'N°',
  pieceLabel: 'Intitulé',
  pieceFile: 'Fichier',
  pieceActions: 'Actions',
  pieceLabelFor: 'Intitulé de la pièce n° {n}',
  pieceNumberFor: 'Nouveau numéro de la pièce n° {n}',
  pieceSave: 'Enregistrer',
  pieceUp: 'Monter',
  pieceDown: 'Descendre',
  pieceUpFor: 'Monter la pièce n° {n}',
  pieceDownFor: 'Descendre la pièce n° {n}',
  pieceDelete: 'Supprimer',
  pieceDeleteFor: 'Supprimer la pièce n° {n}',
  pieceNotConvertible: 'Format non exportable vers Télérecours : déposez-la en PDF.',
  exportZip: 'Exporter pour Télérecours (un PDF par pièce, zip)',
  exportPdf: 'Un seul PDF avec signets',
  deleteTitle: 'Supprimer la pièce n° {n}',
  deleteQuestion: 'Supprimer la pièce n° {n} « {label} » (fichier {file}) du dossier {reference} ?',
  deleteConsequences:
    'Le fichier est effacé du disque de l’appliance. L’historique du dossier et le journal d’audit gardent le numéro, l’intitulé et le nom du fichier. Les pièces suivantes sont renumérotées.',
  deleteConfirm: 'Supprimer définitivement',
  deleteCancel: 'Annuler',
  pieceSaved: 'Pièce n° {n} enregistrée.',
  pieceDeleted: 'Pièce supprimée ; les pièces suivantes ont été renumérotées.',
  labelRequired: 'Intitulé de la pièce : saisissez ce qu’est la pièce (par exemple « Décision attaquée »).',
  labelTooLong: 'Intitulé de la pièce : 120 caractères au plus ; raccourcissez-le.',
  numberInvalid: 'Numéro de la pièce : saisissez un nombre entier de 1 à {max}.',
  exportRefusedTitle: 'Export Télérecours impossible',
  exportRefusedIntro: 'Ces pièces empêchent l’export ; corrigez-les puis exportez de nouveau :',
  exportEmpty: 'Le dossier n’a aucune pièce à exporter : ajoutez-en d’abord.',
  exportTooLarge: 'Les pièces du dossier dépassent ensemble {max} Mo, la limite d’un export : supprimez ou compressez des pièces.',
  backToCase: 'Retour au dossier',
  reasonNotConvertible: 'ce format (Word, ODT, texte) ne peut pas être converti en PDF ici : déposez la pièce en PDF.',
  reasonEncrypted: 'PDF protégé par mot de passe : déposez une copie sans protection.',
  reasonBroken: 'fichier illisible (PDF ou image endommagé) : déposez-le de nouveau, scanné ou imprimé en PDF.',
  reasonTooLarge: 'plus de 32 Mo une fois en PDF : scindez-la en plusieurs pièces.',
};

export type PiecesMessages = Readonly<Record<keyof typeof fr, string>>;

const en: PiecesMessages = {
  piecesTitle: 'Documents (pièces)',
  piecesIntro:
    'A document’s number is its place in the list of exhibits (bordereau): moving or deleting one renumbers the next ones. The Télérecours export uses these numbers and labels.',
  pieceNumber: 'No.',
  pieceLabel: 'Label',
  pieceFile: 'File',
  pieceActions: 'Actions',
  pieceLabelFor: 'Label of document no. {n}',
  pieceNumberFor: 'New number of document no. {n}',
  pieceSave: 'Save',
  pieceUp: 'Up',
  pieceDown: 'Down',
  pieceUpFor: 'Move document no. {n} up',
  pieceDownFor: 'Move document no. {n} down',
  pieceDelete: 'Delete',
  pieceDeleteFor: 'Delete document no. {n}',
  pieceNotConvertible: 'Format cannot be exported to Télérecours: upload it as PDF.',
  exportZip: 'Export for Télérecours (one PDF per document, zip)',
  exportPdf: 'One PDF with bookmarks',
  deleteTitle: 'Delete document no. {n}',
  deleteQuestion: 'Delete document no. {n} “{label}” (file {file}) from case {reference}?',
  deleteConsequences:
    'The file is erased from the appliance’s disk. The case history and the audit log keep its number, label and file name. The next documents are renumbered.',
  deleteConfirm: 'Delete for good',
  deleteCancel: 'Cancel',
  pieceSaved: 'Document no. {n} saved.',
  pieceDeleted: 'Document deleted; the next documents were renumbered.',
  labelRequired: 'Document label: say what the document is (e.g. “Contested decision”).',
  labelTooLong: 'Document label: at most 120 characters; shorten it.',
  numberInvalid: 'Document number: enter a whole number from 1 to {max}.',
  exportRefusedTitle: 'Télérecours export impossible',
  exportRefusedIntro: 'These documents prevent the export; fix them, then export again:',
  exportEmpty: 'The case has no document to export: add one first.',
  exportTooLarge: 'The case’s documents exceed {max} MB together, the limit of one export: delete or compress some.',
  backToCase: 'Back to the case',
  reasonNotConvertible: 'this format (Word, ODT, text) cannot be converted to PDF here: upload the document as PDF.',
  reasonEncrypted: 'password-protected PDF: upload a copy without protection.',
  reasonBroken: 'unreadable file (damaged PDF or image): upload it again, scanned or printed to PDF.',
  reasonTooLarge: 'over 32 MB once in PDF: split it into several documents.',
};

export const PIECES_CATALOGUES: Readonly<Record<Locale, PiecesMessages>> = { fr, en };

export function reasonText(m: PiecesMessages, reason: RefusalReason): string {
  switch (reason) {
    case 'not_convertible':
      return m.reasonNotConvertible;
    case 'encrypted':
      return m.reasonEncrypted;
    case 'broken':
      return m.reasonBroken;
    case 'too_large':
      return m.reasonTooLarge;
  }
}
