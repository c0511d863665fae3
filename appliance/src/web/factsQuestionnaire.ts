/**
 * The per-procedure questionnaire (GET/POST /dossiers/:id/faits): a short guided list of questions
 * in sections a lawyer recognises (situation familiale, enfants, durée de présence, emploi, santé,
 * condamnations, OQTF antérieure…), only those that matter for the case's procedure. Each question
 * is one fact of `caseFactsSchema`; the answers are checked by that schema (the API's) and saved in
 * `case.facts`, where the next analysis reads them. "Ne sait pas" removes the fact: an unknown fact
 * leaves its conditions "à établir", never "non remplie".
 */
import type { z } from 'zod';
import { caseFactsInputSchema, type CaseFacts } from '../domain/ceseda/facts.js';
import type { ProcedureCode } from '../domain/ceseda/procedures.js';
import { factLabel, type FactKey } from './factLabels.js';
import type { FactsMessages } from './factsMessages.js';
import { parseForm, type FormField } from './formIssues.js';
import { fill, type Locale, type Messages } from './messages.js';
import type { FieldError } from './viewModels.js';

export type QuestionKind = 'yesno' | 'choice' | 'number' | 'date' | 'text';

export interface Question {
  fact: FactKey;
  kind: QuestionKind;
  /** Bounds of a number, as the schema sets them (said in the error). */
  min?: number;
  max?: number;
}

export type SectionCode =
  | 'situation'
  | 'presence'
  | 'family'
  | 'children'
  | 'work'
  | 'studies'
  | 'health'
  | 'integration'
  | 'record'
  | 'asylum'
  | 'visa'
  | 'decision';

const yes = (fact: FactKey): Question => ({ fact, kind: 'yesno' });
const choice = (fact: FactKey): Question => ({ fact, kind: 'choice' });
const count = (fact: FactKey, max: number): Question => ({ fact, kind: 'number', min: 0, max });
const day = (fact: FactKey): Question => ({ fact, kind: 'date' });

/** The sections, in the order the page shows them; each lists its questions. */
export const SECTIONS: ReadonlyArray<{ code: SectionCode; questions: readonly Question[] }> = [
  { code: 'situation', questions: [choice('libertyStatus'), choice('territory'), { fact: 'competentCourt', kind: 'text' }] },
  {
    code: 'presence',
    questions: [
      count('yearsOfResidence', 120),
      count('yearsOfRegularResidence', 120),
      yes('regularEntry'),
      yes('longStayVisa'),
      choice('residencePermitKind'),
      day('residencePermitExpiresOn'),
      yes('residencePermitRenewalOnline'),
    ],
  },
  {
    code: 'family',
    questions: [
      choice('familyTiesInFrance'),
      choice('tiesInCountryOfOrigin'),
      yes('marriedToFrenchNational'),
      day('marriageDate'),
      yes('marriedInFrance'),
      yes('marriageTranscribed'),
      yes('communityOfLifeOngoing'),
      yes('spouseStillFrench'),
      count('monthsOfCohabitationInFrance', 1200),
    ],
  },
  {
    code: 'children',
    questions: [
      count('childrenInFrance', 30),
      yes('parentOfFrenchChild'),
      yes('childIsMinor'),
      yes('childResidesInFrance'),
      count('yearsContributingToChild', 120),
      yes('contributesSinceBirth'),
      count('yearsHoldingParentTitle', 120),
    ],
  },
  {
    code: 'work',
    questions: [
      choice('employmentContract'),
      yes('workAuthorization'),
      yes('shortageOccupation'),
      count('monthsInShortageOccupationLast24', 24),
      yes('workExperienceAsStudentOrAsylumSeeker'),
      yes('resourcesAboveSmic'),
      yes('healthInsurance'),
      yes('adequateHousing'),
    ],
  },
  { code: 'studies', questions: [yes('enrolledInStudies'), yes('sufficientMeans')] },
  { code: 'health', questions: [yes('seriousHealthCondition'), yes('treatmentUnavailableInCountry'), yes('ofiiMedicalOpinionFavourable')] },
  { code: 'integration', questions: [choice('frenchLevel'), yes('civicExamPassed'), yes('republicanCommitmentSigned')] },
  {
    code: 'record',
    questions: [
      yes('criminalConviction'),
      yes('bulletin2Clean'),
      yes('publicOrderThreat'),
      yes('polygamy'),
      yes('previousOqtfNotExecuted'),
    ],
  },
  { code: 'asylum', questions: [yes('asylumProtectionGranted')] },
  { code: 'visa', questions: [choice('visaType')] },
  { code: 'decision', questions: [yes('proceduralDefectIdentified')] },
];

const SECTION_TITLES: Readonly<Record<Locale, Readonly<Record<SectionCode, string>>>> = {
  fr: {
    situation: 'Situation actuelle et juridiction',
    presence: 'Durée de présence et séjour',
    family: 'Situation familiale',
    children: 'Enfants',
    work: 'Emploi, ressources et logement',
    studies: 'Études',
    health: 'Santé',
    integration: 'Intégration',
    record: 'Condamnations et OQTF antérieure',
    asylum: 'Asile',
    visa: 'Visa',
    decision: 'La décision contestée',
  },
  en: {
    situation: 'Current situation and court',
    presence: 'Length of stay',
    family: 'Family',
    children: 'Children',
    work: 'Work, resources and housing',
    studies: 'Studies',
    health: 'Health',
    integration: 'Integration',
    record: 'Convictions and earlier removal order',
    asylum: 'Asylum',
    visa: 'Visa',
    decision: 'The decision challenged',
  },
};

export function sectionTitle(code: SectionCode, locale: Locale): string {
  return SECTION_TITLES[locale][code];
}

// What each family of procedures asks: the removal and residence cases every route to a titre
// (L. 423-1 s., L. 425-9, L. 435-1 s.), asylum the protection and the personal situation, a visa its
// kind, naturalisation presence, integration and resources (C. civ. 21-15 s.).
const STAY: readonly SectionCode[] = [
  'situation',
  'presence',
  'family',
  'children',
  'work',
  'studies',
  'health',
  'integration',
  'record',
  'decision',
];
const SECTIONS_BY_PROCEDURE: Readonly<Record<ProcedureCode, readonly SectionCode[]>> = {
  oqtf: STAY,
  oqtf_assignation_residence: STAY,
  oqtf_detention: STAY,
  oqtf_retention: STAY,
  irtf: STAY,
  refus_titre_sejour: STAY,
  refus_renouvellement_titre: STAY,
  retrait_titre_sejour: STAY,
  demande_titre_sejour: STAY,
  expulsion: STAY,
  assignation_residence: STAY,
  retention_placement: STAY,
  transfert_dublin: ['situation', 'family', 'children', 'health', 'asylum', 'decision'],
  asile_rejet_ofpra: ['situation', 'family', 'children', 'health', 'record', 'asylum', 'decision'],
  cnda_rejet: ['situation', 'family', 'children', 'health', 'record', 'asylum', 'decision'],
  refus_entree_asile: ['situation', 'family', 'health', 'asylum', 'decision'],
  refus_visa: ['visa', 'family', 'children', 'work', 'studies', 'record', 'decision'],
  naturalisation_refus: ['presence', 'family', 'work', 'integration', 'record', 'decision'],
  regroupement_familial_refus: ['presence', 'family', 'children', 'work', 'record', 'decision'],
};

/** The sections of the questionnaire for a procedure, with their questions. */
export function questionnaireFor(procedure: ProcedureCode): ReadonlyArray<{ code: SectionCode; questions: readonly Question[] }> {
  // A case stored under a procedure code since retired still gets the residence questions.
  const codes = (SECTIONS_BY_PROCEDURE as Partial<Record<string, readonly SectionCode[]>>)[procedure] ?? STAY;
  return SECTIONS.filter((s) => codes.includes(s.code));
}

/** The facts the questionnaire of a procedure asks (the ones a save may set or clear). */
export function questionnaireFacts(procedure: ProcedureCode): FactKey[] {
  return questionnaireFor(procedure).flatMap((s) => s.questions.map((q) => q.fact));
}

/** A stored fact as the form shows it: `true` → "yes", 3 → "3". */
export function answerOf(facts: Readonly<Record<string, unknown>>, fact: FactKey): string {
  const value = facts[fact];
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return value === undefined || value === null ? '' : String(value);
}

const WHOLE = /^\d{1,4}$/;

/** A yes/no answer as the schema's input: unanswered is left out; anything else goes as typed for the schema to refuse. */
export function yesNoInput(raw: string | undefined): boolean | string | undefined {
  const value = (raw ?? '').trim();
  if (value === '') return undefined;
  return value === 'yes' ? true : value === 'no' ? false : value;
}

/** One answer as the schema's input: unknown is left out; anything else goes as typed for the schema to judge. */
function inputOf(q: Question, raw: string): unknown {
  const value = raw.trim();
  if (value === '') return undefined;
  if (q.kind === 'yesno') return yesNoInput(value);
  if (q.kind === 'number') return WHOLE.test(value) ? Number(value) : value;
  return value;
}

export type QuestionnaireResult = { ok: true; facts: CaseFacts } | { ok: false; errors: FieldError[] };

/**
 * The case's facts after a save: the questionnaire's facts replaced by the answers (unknown ones
 * removed), every other fact kept (those of the new-case form, for instance). Checked with the
 * API's facts schema; each refusal said in French beside its question.
 */
export function applyQuestionnaire(
  m: Messages,
  f: FactsMessages,
  locale: Locale,
  procedure: ProcedureCode,
  stored: Readonly<Record<string, unknown>>,
  answers: Readonly<Record<string, string>>,
): QuestionnaireResult {
  const questions = questionnaireFor(procedure).flatMap((s) => s.questions);
  const next: Record<string, unknown> = { ...stored };
  for (const q of questions) {
    const value = inputOf(q, answers[q.fact] ?? '');
    if (value === undefined) delete next[q.fact];
    else next[q.fact] = value;
  }
  const fields: FormField[] = questions.map((q) => {
    const label = factLabel(q.fact, locale);
    const hint =
      q.kind === 'number'
        ? fill(f.invalidNumberRange, { field: label, min: q.min ?? 0, max: q.max ?? 0 })
        : q.kind === 'date'
          ? fill(m.invalidDate, { field: label })
          : undefined;
    return { name: q.fact, path: q.fact, label, ...(hint ? { hint } : {}) };
  });
  const parsed = parseForm(caseFactsInputSchema as z.ZodType<CaseFacts>, next, fields, m);
  return parsed.ok ? { ok: true, facts: parsed.data } : { ok: false, errors: parsed.errors };
}
