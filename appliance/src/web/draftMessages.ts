/**
 * The texts of the drafts: the « Rédiger » block of the case page and the templates page
 * (/modeles). A catalogue of its own beside messages.ts, French first, English with the same keys.
 * The drafts themselves are French documents whatever the page's language.
 */
import type { DraftKind } from '../domain/drafting/draftKinds.js';
import type { Locale } from './messages.js';

const fr = {
  draftsTitle: 'Rédiger',
  draftsIntro:
    'Un premier jet au format Word (.docx), rempli avec les données du dossier, à relire et compléter aux endroits marqués « [à compléter] ». Il est ajouté aux pièces du dossier.',
  draftsNone: 'Aucun modèle ne correspond à cette procédure.',
  draftGenerate: 'Générer : {title}',
  draftGenerated: 'Brouillon généré et ajouté aux pièces : {name}.',
  draftDownload: 'Télécharger le brouillon',
  templatesLink: 'Modèles de brouillons du cabinet',
  templatesTitle: 'Modèles de brouillons',
  templatesIntro:
    'Les brouillons sont écrits à partir de ces modèles Word. Téléchargez un modèle, modifiez-le dans Word ou LibreOffice en conservant les balises entre accolades, puis déposez-le : il remplacera le modèle fourni pour tout le cabinet.',
  templateShipped: 'Modèle fourni',
  templateReplaced: 'Modèle du cabinet, déposé le {date}',
  templateDownload: 'Télécharger',
  templateUpload: 'Remplacer par un fichier .docx',
  templateSend: 'Déposer',
  templateReset: 'Revenir au modèle fourni',
  templateSaved: 'Modèle « {title} » remplacé.',
  templateWasReset: 'Modèle « {title} » : le modèle fourni est de nouveau utilisé.',
  templateUnknownTags: 'Modèle refusé : balise inconnue {tags}. Corrigez-la dans le document (balises possibles ci-dessous).',
  templateRefused: 'Modèle refusé : {reason}',
  templateNotDocx:
    'Modèle refusé : ce n’est pas un document Word .docx. Enregistrez-le depuis Word ou LibreOffice au format .docx (pas .doc ni .odt).',
  templateSyntax:
    'Modèle refusé : ses balises ne se lisent pas ({errors}). Vérifiez que chaque boucle ouverte est fermée et que chaque accolade est appariée.',
  templateTooLarge: 'Modèle refusé : le fichier dépasse 2 Mio. Retirez-en les images.',
  tagsTitle: 'Balises possibles',
  tagsLoop: 'pour chaque élément : {fields}',
};

const en: typeof fr = {
  draftsTitle: 'Draft',
  draftsIntro:
    'A first draft as a Word document (.docx), filled with the case’s data, to read and complete where it says « [à compléter] ». It is added to the case’s documents.',
  draftsNone: 'No template fits this procedure.',
  draftGenerate: 'Generate: {title}',
  draftGenerated: 'Draft generated and added to the documents: {name}.',
  draftDownload: 'Download the draft',
  templatesLink: 'The cabinet’s draft templates',
  templatesTitle: 'Draft templates',
  templatesIntro:
    'Drafts are written from these Word templates. Download one, edit it in Word or LibreOffice keeping the tags in braces, then upload it: it replaces the shipped template for the whole cabinet.',
  templateShipped: 'Shipped template',
  templateReplaced: 'Cabinet template, uploaded on {date}',
  templateDownload: 'Download',
  templateUpload: 'Replace with a .docx file',
  templateSend: 'Upload',
  templateReset: 'Back to the shipped template',
  templateSaved: 'Template “{title}” replaced.',
  templateWasReset: 'Template “{title}”: the shipped template is used again.',
  templateUnknownTags: 'Template refused: unknown tag {tags}. Correct it in the document (the tags it may use are listed below).',
  templateRefused: 'Template refused: {reason}',
  templateNotDocx: 'Template refused: it is not a Word .docx document. Save it from Word or LibreOffice as .docx (not .doc or .odt).',
  templateSyntax: 'Template refused: its tags cannot be read ({errors}). Check that every loop opened is closed and every brace paired.',
  templateTooLarge: 'Template refused: the file is larger than 2 MiB. Remove its images.',
  tagsTitle: 'Tags a template may use',
  tagsLoop: 'for each item: {fields}',
};

export type DraftMessages = typeof fr;
export const DRAFT_CATALOGUES: Readonly<Record<Locale, DraftMessages>> = { fr, en };

/** The drafts' names on the pages (the legal names are French in both languages). */
export const DRAFT_TITLES_EN: Readonly<Record<DraftKind, string>> = {
  recours_gracieux: 'Recours gracieux (administrative appeal)',
  rapo_visa: 'RAPO — visa refusal (mandatory prior appeal)',
  rapo_naturalisation: 'RAPO — naturalisation refusal (mandatory prior appeal)',
  aide_juridictionnelle: 'Legal aid request (cover letter)',
  requete_annulation: 'Requête en annulation (application to annul)',
};
