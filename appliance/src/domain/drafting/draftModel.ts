/**
 * What goes into a draft: the data model built from a case, and the tags a template may use. The
 * tags are French (a cabinet's secretary edits the templates in Word) and dotted for what belongs
 * together (`{client.nom}`); loops (`{#delais}…{/delais}`) repeat a paragraph per item. A value the
 * case does not hold renders as « [à compléter] », where the lawyer writes.
 */
import { caseSchedule } from '../cases/caseDeadlines.js';
import type { CaseRecord } from '../cases/caseSchema.js';
import { dateLongue, instantLong } from '../ceseda/frenchFormat.js';
import { PROCEDURE_NAMES_FR, type ProcedureCode } from '../ceseda/procedures.js';

/** What a template writes where the case holds nothing. */
export const TO_COMPLETE = '[à compléter]';

/** A loop's item fields, each with what it holds. */
export interface LoopTag {
  description: string;
  fields: Readonly<Record<string, string>>;
}

/** Every tag a template may use, with what it holds: the upload check and the /modeles page read it. */
export const DRAFT_TAGS: Readonly<Record<string, string | LoopTag>> = {
  'date_du_jour': 'Date du jour, en toutes lettres',
  'cabinet.nom': 'Nom du cabinet (CLIENT_NAME)',
  'cabinet.adresse': 'Adresse du cabinet',
  'cabinet.telephone': 'Téléphone du cabinet',
  'cabinet.email': 'Courriel du cabinet',
  'cabinet.siret': 'SIRET du cabinet',
  'avocat.nom': 'Avocat en charge du dossier',
  'avocat.email': 'Courriel de l’avocat',
  'dossier.reference': 'Référence du dossier',
  'dossier.procedure': 'Procédure (intitulé)',
  'dossier.est_oqtf': 'Condition — la décision est (ou est assortie d’)une OQTF — {#dossier.est_oqtf}…{/dossier.est_oqtf}',
  'client.nom': 'Nom de famille du client',
  'client.prenom': 'Prénom du client',
  'client.nom_complet': 'Prénom et NOM du client',
  'client.nationalite': 'Nationalité (nom du pays)',
  'client.date_naissance': 'Date de naissance',
  'client.adresse': 'Adresse du client',
  'client.agdref': 'Numéro AGDREF',
  'decision.autorite': 'Autorité qui a pris la décision',
  'decision.reference': 'Référence de la décision',
  'decision.objet': 'Objet de la décision (résumé saisi)',
  'decision.date': 'Date de la décision',
  'decision.date_notification': 'Date de notification',
  'tribunal': 'Tribunal compétent',
  'delai_contentieux.intitule': 'Recours contentieux — intitulé',
  'delai_contentieux.echeance': 'Recours contentieux — échéance',
  'delai_contentieux.base_legale': 'Recours contentieux — base légale',
  'delais': {
    description: 'Les délais du dossier, un paragraphe chacun',
    fields: { intitule: 'Intitulé du recours', echeance: 'Échéance', base_legale: 'Base légale', juridiction: 'Juridiction' },
  },
  'faits': {
    description: 'Les faits saisis, un paragraphe chacun',
    fields: { libelle: 'Libellé du fait', valeur: 'Valeur saisie' },
  },
  'moyens': {
    description: 'Les moyens trouvés par l’analyse (conditions remplies d’un titre)',
    fields: { intitule: 'Titre ou droit en cause', article: 'Article', conditions: 'Conditions remplies' },
  },
  'pieces': {
    description: 'Le bordereau des pièces, dans l’ordre',
    fields: { numero: 'Numéro de la pièce', intitule: 'Intitulé de la pièce' },
  },
};

export interface DraftDeadline {
  intitule: string;
  echeance: string;
  base_legale: string;
  juridiction: string;
}

/** The data a template is rendered with: the nested shape of DRAFT_TAGS. */
export interface DraftModel {
  date_du_jour: string;
  cabinet: { nom?: string; adresse?: string; telephone?: string; email?: string; siret?: string };
  avocat: { nom?: string; email?: string };
  dossier: { reference: string; procedure: string; est_oqtf: boolean };
  client: {
    nom: string;
    prenom: string;
    nom_complet: string;
    nationalite: string;
    date_naissance: string;
    adresse?: string;
    agdref?: string;
  };
  decision: { autorite?: string; reference?: string; objet?: string; date?: string; date_notification: string };
  tribunal?: string;
  delai_contentieux?: Omit<DraftDeadline, 'juridiction'>;
  delais: DraftDeadline[];
  faits: Array<{ libelle: string; valeur: string }>;
  moyens: Array<{ intitule: string; article: string; conditions: string }>;
  pieces: Array<{ numero: number; intitule: string }>;
}

/** What the model needs besides the case: the cabinet, the lawyer, today and the facts' French words. */
export interface DraftContext {
  cabinet: { name?: string; address?: string; phone?: string; email?: string; siret?: string };
  lawyer: { name: string; email: string } | null;
  now: Date;
  /** A fact's label and its value in French (the web's catalogue, web/factLabels.ts), or null to leave it out. */
  describeFact: (key: string, value: unknown) => { label: string; value: string } | null;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const present = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v : undefined);

const parisDay = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** `2026-11-02` → `2 novembre 2026`: a letter's date, without the weekday. */
function dateLetter(date: string): string {
  return dateLongue(date).replace(/^\S+ /, '');
}

function dueOf(d: Loose): string {
  const due = str(d.due);
  if (!due) return 'à compter d’un événement ultérieur (réponse au recours)';
  return d.dueKind === 'datetime' ? instantLong(due) : dateLetter(due);
}

function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['fr'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The pièces in their order: the number and label PIECES gives them when present, else upload order and file name. */
function piecesOf(c: CaseRecord): DraftModel['pieces'] {
  const docs = c.documents.map(obj).filter((d) => typeof d.draft !== 'string');
  const numbered = docs.map((d, i) => ({
    numero: typeof d.number === 'number' && Number.isInteger(d.number) && d.number > 0 ? d.number : i + 1,
    intitule: present(str(d.label)) ?? str(d.name).replace(/\.[A-Za-z0-9]{1,5}$/, ''),
    order: i,
  }));
  numbered.sort((a, b) => a.numero - b.numero || a.order - b.order);
  return numbered.map(({ numero, intitule }) => ({ numero, intitule }));
}

/**
 * The grounds the latest analysis found: each titre whose conditions it judged (ceseda-pro and
 * above), with the conditions met, which are what a moyen tiré de la méconnaissance de l’article
 * argues. A basic analysis has none: the template's « [à compléter] » stays.
 */
function groundsOf(c: CaseRecord): DraftModel['moyens'] {
  const latest = c.analyses.length > 0 ? obj(c.analyses[c.analyses.length - 1]) : {};
  const eligibility = obj(latest.result).eligibility;
  if (!Array.isArray(eligibility)) return [];
  return (
    eligibility
      .map(obj)
      .map((t) => ({ t, conditions: Array.isArray(t.conditions) ? t.conditions.map(obj) : [] }))
      // A titre the facts meet, or may meet (some conditions met, none failed): one the préfet could
      // not refuse without error. The titres nothing points to are left out of the requête.
      .filter(
        ({ t, conditions }) =>
          t.outcome === 'eligible' ||
          (t.outcome === 'undetermined' && conditions.some((k) => k.status === 'met') && !conditions.some((k) => k.status === 'not_met')),
      )
      .map(({ t, conditions }) => {
        const met = conditions.filter((k) => k.status === 'met');
        return {
          intitule: str(t.label),
          article: str(t.article),
          conditions: met.length > 0 ? met.map((k) => `${str(k.label)} (${str(k.article)})`).join(' ; ') : TO_COMPLETE,
        };
      })
  );
}

export function buildDraftModel(c: CaseRecord, ctx: DraftContext): DraftModel {
  const deadlines = caseSchedule(c).deadlines;
  const delais = deadlines.map((d) => ({
    intitule: str(d.label),
    echeance: dueOf(d),
    base_legale: str(d.legalBasis),
    juridiction: str(d.court),
  }));
  const contentious = deadlines.find((d) => d.remedy === 'recours_contentieux') ?? deadlines.find((d) => str(d.court) !== '');
  const facts = obj(c.facts);
  const faits = Object.entries(facts)
    .map(([k, v]) => ctx.describeFact(k, v))
    .filter((f): f is { label: string; value: string } => f !== null)
    .map((f) => ({ libelle: f.label, valeur: f.value }));
  const decidedOn = str(facts.decisionTakenOn);
  const notified = c.decisionNotifiedAt;
  return {
    date_du_jour: dateLetter(parisDay(ctx.now)),
    cabinet: {
      nom: present(ctx.cabinet.name),
      adresse: present(ctx.cabinet.address),
      telephone: present(ctx.cabinet.phone),
      email: present(ctx.cabinet.email),
      siret: present(ctx.cabinet.siret),
    },
    avocat: ctx.lawyer ? { nom: ctx.lawyer.name, email: ctx.lawyer.email } : {},
    dossier: {
      reference: c.reference,
      procedure: PROCEDURE_NAMES_FR[c.procedure as ProcedureCode] ?? c.procedure,
      // The OQTF's own contentieux (CESEDA L. 614-1 s.): the decision is one, or a refusal notified with one.
      est_oqtf: c.procedure.startsWith('oqtf') || c.procedure === 'irtf' || facts.oqtfAccompanies === true,
    },
    client: {
      nom: c.client.lastName.toUpperCase(),
      prenom: c.client.firstName,
      nom_complet: `${c.client.firstName} ${c.client.lastName.toUpperCase()}`,
      nationalite: countryName(c.client.nationality),
      date_naissance: dateLetter(c.client.birthDate),
      adresse: present(c.client.address),
      agdref: present(c.client.agdrefNumber),
    },
    decision: {
      autorite: present(c.decision?.authority),
      reference: present(c.decision?.reference),
      objet: present(c.decision?.summary),
      date: /^\d{4}-\d{2}-\d{2}$/.test(decidedOn) ? dateLetter(decidedOn) : undefined,
      date_notification: notified.length > 10 ? instantLong(notified) : dateLetter(notified),
    },
    tribunal: present(str(facts.competentCourt)) ?? present(str(contentious?.court)),
    delai_contentieux: contentious
      ? { intitule: str(contentious.label), echeance: dueOf(contentious), base_legale: str(contentious.legalBasis) }
      : undefined,
    delais,
    faits,
    moyens: groundsOf(c),
    pieces: piecesOf(c),
  };
}
