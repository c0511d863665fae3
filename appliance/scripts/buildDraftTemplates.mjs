#!/usr/bin/env node
/**
 * Writes the templates shipped with the product, appliance/templates/drafts/<kind>.docx, with the
 * `docx` library (a dev dependency: the appliance only reads the committed files). Run it after
 * changing a text below and commit the .docx it writes:
 *   node appliance/scripts/buildDraftTemplates.mjs
 * tests/appliance/drafting/draftTemplatesBuild.test.ts checks that the committed files hold what
 * this script writes. Tags are those of appliance/src/domain/drafting/draftModel.ts (DRAFT_TAGS);
 * a loop's opening and closing tags stand alone in their paragraph, so the paragraph between them
 * repeats (docxtemplater's paragraphLoop).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';

const OUT_DIR = fileURLToPath(new URL('../templates/drafts/', import.meta.url));

/** A paragraph; `**…**` parts are bold. */
const p = (text, options = {}) =>
  new Paragraph({
    ...options,
    spacing: { after: 120 },
    children: text
      .split(/(\*\*[^*]+\*\*)/)
      .map((part) => (part.startsWith('**') ? new TextRun({ text: part.slice(2, -2), bold: true }) : new TextRun({ text: part }))),
  });
const right = (text) => p(text, { alignment: AlignmentType.RIGHT });
const title = (text) => new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun(text)] });
const h1 = (text) =>
  new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 120 }, children: [new TextRun(text)] });
const h2 = (text) =>
  new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 200, after: 100 }, children: [new TextRun(text)] });
/** A paragraph repeated per item of a loop (empty loop: nothing). */
const each = (loop, text) => [p(`{#${loop}}`), p(text), p(`{/${loop}}`)];
/** A paragraph shown only when a loop or a value is empty. */
const unless = (tag, text) => [p(`{^${tag}}`), p(text), p(`{/${tag}}`)];

const letterhead = () => [
  p('**{cabinet.nom}**'),
  p('{cabinet.adresse}'),
  p('Tél. : {cabinet.telephone} — Courriel : {cabinet.email}'),
  p('{avocat.nom}, avocat — {avocat.email}'),
];

const facts = () => [
  ...each('faits', '{libelle} : {valeur}'),
  p('[à compléter : exposé des faits — parcours, entrée en France, situation familiale et professionnelle]'),
];

const grounds = () => [
  ...each('moyens', '**{intitule}** ({article}) : {conditions}. [à compléter : développer]'),
  ...unless('moyens', '[à compléter : moyens — l’analyse n’en a pas relevé]'),
];

const deadlines = () => [
  ...each('delais', '{intitule} : {echeance} — {juridiction} ({base_legale})'),
  ...unless('delais', '[à compléter : délais]'),
];

const pieces = () => [...each('pieces', 'Pièce n° {numero} : {intitule}'), ...unless('pieces', '[à compléter : pièces]')];

const signature = (formula) => [p(formula), right('{avocat.nom}'), right('Avocat au barreau de [à compléter]')];

const clientLine =
  '{client.nom_complet}, né(e) le {client.date_naissance} (nationalité : {client.nationalite} ; AGDREF n° {client.agdref})';

const TEMPLATES = {
  recours_gracieux: [
    ...letterhead(),
    right('{decision.autorite}'),
    right('[adresse de l’autorité — à compléter]'),
    right('Le {date_du_jour}'),
    p('Lettre recommandée avec demande d’avis de réception'),
    p(
      '**Objet : recours gracieux** contre la décision du {decision.date}, notifiée le {decision.date_notification} ({dossier.procedure}) — réf. de la décision : {decision.reference} — nos réf. : {dossier.reference}',
    ),
    p('Madame, Monsieur le Préfet,'),
    p(
      `J’ai l’honneur de vous saisir, en qualité de conseil de ${clientLine}, d’un recours gracieux contre votre décision du {decision.date}, sur le fondement de l’article L. 411-2 du code des relations entre le public et l’administration.`,
    ),
    p('Objet de la décision : {decision.objet}'),
    h1('I. Les faits'),
    ...facts(),
    h1('II. Discussion'),
    ...grounds(),
    h1('III. Délais'),
    p(
      'Le présent recours, formé dans le délai du recours contentieux, en interrompt le cours (CRPA L. 411-2) : le délai de deux mois pour saisir le tribunal administratif (CJA R. 421-1) recommencera à courir à compter de votre décision expresse ou implicite de rejet, le silence gardé pendant deux mois valant rejet (CRPA L. 231-4).',
    ),
    ...deadlines(),
    p(
      'Par ces motifs, je vous remercie de bien vouloir retirer votre décision du {decision.date} et [à compléter : délivrer le titre sollicité / réexaminer la situation de {client.nom_complet}].',
    ),
    h2('Pièces jointes'),
    ...pieces(),
    ...signature('Je vous prie d’agréer, Madame, Monsieur le Préfet, l’expression de ma haute considération.'),
  ],

  rapo_visa: [
    ...letterhead(),
    right('Commission de recours contre les décisions de refus de visa d’entrée en France'),
    right('BP 83609 — 44036 Nantes Cedex 1'),
    right('[visa de court séjour : sous-directeur des visas — à vérifier]'),
    right('Le {date_du_jour}'),
    p('Lettre recommandée avec demande d’avis de réception'),
    p(
      '**Objet : recours administratif préalable obligatoire** contre le refus de visa du {decision.date}, notifié le {decision.date_notification} — {decision.autorite}, réf. {decision.reference} — nos réf. : {dossier.reference}',
    ),
    p('Madame la Présidente, Monsieur le Président,'),
    p(
      `J’ai l’honneur de saisir la Commission, en qualité de conseil de ${clientLine}, du recours préalable obligatoire prévu à l’article D. 312-3 du code de l’entrée et du séjour des étrangers et du droit d’asile contre la décision de refus de visa du {decision.date} ({decision.autorite}).`,
    ),
    p(
      'Ce recours est formé dans le délai de trente jours suivant la notification du refus (CESEDA D. 312-4 ; délai à vérifier selon le type de visa). Il est le préalable obligatoire de tout recours contentieux : à défaut de réponse dans un délai de deux mois, le refus est implicitement confirmé et peut être déféré au tribunal administratif de Nantes (CJA R. 312-18).',
    ),
    p('Motif du refus : {decision.objet}'),
    h1('I. Les faits'),
    ...facts(),
    h1('II. Discussion'),
    p(
      '[à compléter : erreur manifeste d’appréciation du risque migratoire, des ressources ou de l’objet du séjour ; droit au respect de la vie privée et familiale (CEDH, art. 8)]',
    ),
    ...grounds(),
    h1('III. Délais'),
    ...deadlines(),
    p('Par ces motifs, je vous demande de bien vouloir recommander au ministre de délivrer le visa sollicité par {client.nom_complet}.'),
    h2('Pièces jointes'),
    p('La décision de refus de visa et la preuve de sa notification sont jointes au présent recours.'),
    ...pieces(),
    ...signature('Je vous prie d’agréer, Madame la Présidente, Monsieur le Président, l’expression de ma haute considération.'),
  ],

  rapo_naturalisation: [
    ...letterhead(),
    right('Monsieur le Ministre de l’Intérieur'),
    right('Sous-direction de l’accès à la nationalité française'),
    right('12 rue Francis Le Carval — 44404 Rezé Cedex'),
    right('Le {date_du_jour}'),
    p('Lettre recommandée avec demande d’avis de réception'),
    p(
      '**Objet : recours administratif préalable obligatoire** contre la décision du {decision.date}, notifiée le {decision.date_notification} — {decision.autorite}, réf. {decision.reference} — nos réf. : {dossier.reference}',
    ),
    p('Monsieur le Ministre,'),
    p(
      `J’ai l’honneur de former, en qualité de conseil de ${clientLine}, le recours prévu à l’article 45 du décret n° 93-1362 du 30 décembre 1993 contre la décision du {decision.date} ({decision.autorite}) relative à sa demande de naturalisation (code civil, art. 21-15 et suivants).`,
    ),
    p(
      'Ce recours est formé dans le délai de deux mois suivant la notification de la décision (décret n° 93-1362, art. 45). Votre décision se substituera à celle du préfet ; le silence gardé pendant quatre mois vaudra rejet, contestable devant le tribunal administratif de Nantes dans le délai de deux mois.',
    ),
    p('Décision contestée : {decision.objet}'),
    h1('I. Les faits'),
    ...facts(),
    h1('II. Discussion'),
    p(
      '[à compléter : résidence et centre des intérêts en France (C. civ. art. 21-17), assimilation et connaissance de la langue (C. civ. art. 21-24), insertion professionnelle, bonnes vie et mœurs (C. civ. art. 21-23)]',
    ),
    ...grounds(),
    h1('III. Délais'),
    ...deadlines(),
    p(
      'Par ces motifs, je vous demande de bien vouloir réformer la décision contestée et proposer la naturalisation de {client.nom_complet}.',
    ),
    h2('Pièces jointes'),
    ...pieces(),
    ...signature('Je vous prie d’agréer, Monsieur le Ministre, l’expression de ma haute considération.'),
  ],

  aide_juridictionnelle: [
    ...letterhead(),
    right('Bureau d’aide juridictionnelle'),
    right('près le {tribunal}'),
    right('Le {date_du_jour}'),
    p(
      '**Objet : demande d’aide juridictionnelle** — {client.nom_complet} — recours contre la décision du {decision.date}, notifiée le {decision.date_notification} ({dossier.procedure}) — nos réf. : {dossier.reference}',
    ),
    p('Madame, Monsieur,'),
    p(
      `Je vous prie de trouver ci-joint la demande d’aide juridictionnelle de ${clientLine}, établie sur le formulaire Cerfa officiel et accompagnée de ses justificatifs (loi n° 91-647 du 10 juillet 1991 relative à l’aide juridique ; décret n° 2020-1717 du 28 décembre 2020).`,
    ),
    p(
      'Elle porte sur le recours que {client.nom_complet} entend former devant le {tribunal} contre la décision du {decision.date} ({decision.autorite} ; réf. {decision.reference}). J’accepte de lui prêter mon concours au titre de l’aide juridictionnelle.',
    ),
    p(
      'L’aide juridictionnelle est accordée aux étrangers faisant l’objet de l’une des procédures prévues par le CESEDA sans condition de résidence (loi n° 91-647, art. 3). Compte tenu de l’urgence, je sollicite l’admission provisoire (loi n° 91-647, art. 20).',
    ),
    p(
      'La demande adressée au bureau avant l’expiration du délai de recours interrompt ce délai (décret n° 2020-1717, art. 43) ; pour les délais spéciaux du contentieux des étrangers, elle est présentée au plus tard lors de l’introduction du recours (CESEDA L. 911-1, al. 2) — [effet interruptif à vérifier selon la procédure].',
    ),
    h2('Délais du dossier'),
    ...deadlines(),
    h2('Pièces jointes'),
    p('Formulaire de demande (Cerfa), copie de la décision contestée, justificatifs d’identité et de ressources.'),
    ...pieces(),
    ...signature('Je vous prie d’agréer, Madame, Monsieur, l’expression de mes salutations distinguées.'),
  ],

  requete_annulation: [
    title('REQUÊTE EN ANNULATION'),
    p('À Mesdames et Messieurs les président et conseillers composant le {tribunal}', { alignment: AlignmentType.CENTER }),
    h2('POUR'),
    p(`${clientLine}, demeurant {client.adresse}`),
    p('Ayant pour avocat {avocat.nom}, {cabinet.nom}, {cabinet.adresse} — {cabinet.telephone} — {cabinet.email}'),
    h2('CONTRE'),
    p(
      'La décision du {decision.date} ({decision.autorite}), notifiée le {decision.date_notification} (réf. {decision.reference}) : {dossier.procedure}. Objet : {decision.objet}',
    ),
    p('Nos réf. : {dossier.reference}'),
    h1('DÉLAIS'),
    ...deadlines(),
    p('{#dossier.est_oqtf}'),
    p(
      'La décision portant obligation de quitter le territoire français est contestée dans les délais et selon les règles des articles L. 614-1 et suivants du CESEDA ; les décisions notifiées avec elle (refus de séjour, délai de départ, interdiction de retour) le sont dans la même requête. [à compléter : délai applicable et formation de jugement]',
    ),
    p('{/dossier.est_oqtf}'),
    h1('I. FAITS ET PROCÉDURE'),
    ...facts(),
    h1('II. DISCUSSION'),
    p(
      'La présente requête contient l’exposé des faits et moyens ainsi que l’énoncé des conclusions soumises au juge (CJA R. 411-1). La décision attaquée est produite (CJA R. 412-1).',
    ),
    h2('A. Sur la légalité externe'),
    p('[à compléter : incompétence de l’auteur de l’acte ; insuffisance de motivation (CRPA L. 211-2 et L. 211-5) ; vice de procédure]'),
    h2('B. Sur la légalité interne'),
    ...grounds(),
    p(
      '[à compléter : erreur manifeste d’appréciation ; atteinte disproportionnée au droit au respect de la vie privée et familiale (CEDH, art. 8)]',
    ),
    h1('III. CONCLUSIONS'),
    p('PAR CES MOTIFS, {client.nom_complet} demande au tribunal de :'),
    p('— ANNULER la décision du {decision.date} ({decision.autorite}) ;'),
    p(
      '— ENJOINDRE à l’autorité compétente de [à compléter : délivrer le titre sollicité / réexaminer sa situation] dans un délai de [à compléter] à compter de la notification du jugement, sous astreinte de [à compléter] euros par jour de retard (CJA L. 911-1, L. 911-2 et L. 911-3) ;',
    ),
    p(
      '— METTRE À LA CHARGE de l’État la somme de [à compléter] euros au titre de l’article L. 761-1 du code de justice administrative et de l’article 37 de la loi n° 91-647 du 10 juillet 1991.',
    ),
    ...signature('Fait le {date_du_jour}'),
    h1('BORDEREAU DES PIÈCES'),
    p('Inventaire détaillé des pièces jointes (CJA R. 412-2) :'),
    ...pieces(),
  ],
};

/** The documents: one per kind, every paragraph in Word's own styles so a cabinet restyles them at once. */
export async function buildDraftTemplates() {
  const out = {};
  for (const [kind, children] of Object.entries(TEMPLATES)) {
    const doc = new Document({
      creator: 'IAManager',
      title: kind,
      styles: { default: { document: { run: { font: 'Times New Roman', size: 24 } } } },
      sections: [{ children }],
    });
    out[kind] = await Packer.toBuffer(doc);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await fs.mkdir(OUT_DIR, { recursive: true });
  for (const [kind, content] of Object.entries(await buildDraftTemplates())) {
    await fs.writeFile(path.join(OUT_DIR, `${kind}.docx`), content);
    console.log(`${kind}.docx (${content.length} bytes)`);
  }
}
