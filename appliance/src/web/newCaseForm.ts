/**
 * The new-case form, checked by the API's `newCaseSchema` (POST /api/cases): the page builds the
 * schema's input from its fields and says each refusal in French beside its field. The page checks
 * by hand only what the schema cannot know, each said where it is done.
 *
 * Besides the client, the form asks the few facts that set the deadline (is there an OQTF, is the
 * person free, assigned, detained or in rétention, where, how and when the decision was notified)
 * and stores them in `case.facts`; the procedure is then derived from the answers
 * (`deriveProcedure`): a refusal "with OQTF: yes" becomes the OQTF procedure for the person's
 * situation, and the case page says why.
 */
import { yesNoInput } from './factsQuestionnaire.js';
import { deriveProcedure, REFUSALS_OQTF_MAY_ACCOMPANY, type DerivedProcedure } from '../domain/ceseda/deriveProcedure.js';
import { PROCEDURE_CODES, type ProcedureCode } from '../domain/ceseda/procedures.js';
import { newCaseSchema, type NewCase } from '../domain/cases/caseSchema.js';
import { notificationInstant } from './caseViews.js';
import type { FactsMessages } from './factsMessages.js';
import { parseForm, type FormField } from './formIssues.js';
import { CATALOGUES, fill, type Locale, type Messages } from './messages.js';
import { REMINDERS_CATALOGUES } from './remindersMessages.js';

/** The locale of a catalogue (the field list is built from the page's catalogue alone). */
const localeOfMessages = (m: Messages): Locale => (m === CATALOGUES.en ? 'en' : 'fr');
import type { FieldError } from './viewModels.js';
import { nationalityFromInput } from './countries.js';
import { NATIONALITY_CATALOGUES, type NationalityMessages } from './nationalityMessages.js';

/** The inputs of the form, as the route reads them (in the order the page shows them). */
export const NEW_CASE_INPUTS = [
  'lastName',
  'firstName',
  'nationality',
  'birthDate',
  'agdref',
  'procedure',
  'oqtfAccompanies',
  'libertyStatus',
  'territory',
  'competentCourt',
  'decisionTakenOn',
  'notificationMode',
  'notificationDate',
  'notificationTime',
  'letterFirstPresentedOn',
  'letterCollectedOn',
  'letterNeverCollected',
  'assignedTo',
  'notes',
  // The case's second lawyer, who receives the escalation of its reminders (docs/reminders.md).
  'backupAssignedTo',
] as const;

/** The form's inputs, in the order the page shows them, with where each goes in the schema's input. */
export function newCaseFields(m: Messages, f: FactsMessages): FormField[] {
  const date = (label: string) => fill(m.invalidDate, { field: label });
  return [
    { name: 'lastName', path: 'client.lastName', label: m.lastName },
    { name: 'firstName', path: 'client.firstName', label: m.firstName },
    {
      name: 'nationality',
      path: 'client.nationality',
      label: m.nationality,
      hint: fill(m.fieldFix, { field: m.nationality, fix: m.nationalityHint }),
    },
    { name: 'birthDate', path: 'client.birthDate', label: m.birthDate, hint: date(m.birthDate) },
    { name: 'agdref', path: 'client.agdrefNumber', label: m.agdref, hint: fill(m.fieldFix, { field: m.agdref, fix: m.agdrefHint }) },
    { name: 'procedure', path: 'procedure', label: m.procedure },
    { name: 'oqtfAccompanies', path: 'facts.oqtfAccompanies', label: f.oqtfAccompanies },
    { name: 'libertyStatus', path: 'facts.libertyStatus', label: f.libertyStatus },
    { name: 'territory', path: 'facts.territory', label: f.territory },
    { name: 'competentCourt', path: 'facts.competentCourt', label: f.competentCourt },
    { name: 'decisionTakenOn', path: 'facts.decisionTakenOn', label: f.decisionTakenOn, hint: date(f.decisionTakenOn) },
    { name: 'notificationMode', path: 'facts.notificationMode', label: f.notificationMode },
    { name: 'notificationDate', path: 'decisionNotifiedAt', label: m.notificationDate, hint: date(m.notificationDate) },
    { name: 'notificationTime', label: m.notificationTime },
    {
      name: 'letterFirstPresentedOn',
      path: 'facts.letterFirstPresentedOn',
      label: f.letterFirstPresentedOn,
      hint: date(f.letterFirstPresentedOn),
    },
    { name: 'letterCollectedOn', path: 'facts.letterCollectedOn', label: f.letterCollectedOn, hint: date(f.letterCollectedOn) },
    { name: 'letterNeverCollected', path: 'facts.letterNeverCollected', label: f.letterNeverCollected },
    { name: 'assignedTo', path: 'assignedTo', label: m.assignedTo },
    { name: 'notes', path: 'notes', label: m.notes },
    { name: 'backupAssignedTo', path: 'backupAssignedTo', label: REMINDERS_CATALOGUES[localeOfMessages(m)].backupAssignedTo },
  ];
}

/** A YYYY-MM-DD date some calendar has (2026-02-30 is not): only such a date can be compared with another. */
const isRealDate = (d: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

/** HH:MM, 00:00 to 23:59. */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Also read by the case edit form (caseEditForm.ts). */
export const NOTIFICATION_TIME = TIME;

/** The date and time as one instant with Paris's offset; a date no calendar has goes as typed, for the schema to refuse. */
function joined(date: string, time: string): string {
  return Number.isNaN(Date.parse(`${date}T${time}:00Z`)) ? `${date}T${time}` : notificationInstant(date, time);
}

/** The form's notification date and optional time as the schema's one value (also the case edit form's). */
export function joinNotification(date: string, time: string): string {
  return date && time && TIME.test(time) ? joined(date, time) : date;
}

/** A yes/no/unknown answer: unknown is left out (an unknown fact is "to establish", never "no"). */
/** The deadline facts the form asks, as `case.facts` stores them (unanswered ones left out). */
function deadlineFacts(v: Readonly<Record<string, string>>): Record<string, unknown> {
  const facts: Record<string, unknown> = {
    oqtfAccompanies: yesNoInput(v.oqtfAccompanies),
    libertyStatus: v.libertyStatus || undefined,
    territory: v.territory || undefined,
    competentCourt: v.competentCourt?.trim() || undefined,
    decisionTakenOn: v.decisionTakenOn || undefined,
    notificationMode: v.notificationMode || undefined,
  };
  // The letter's dates only mean something for a registered letter: typed then changed to "in person", they are dropped.
  if (v.notificationMode === 'registered_letter') {
    facts.letterFirstPresentedOn = v.letterFirstPresentedOn || undefined;
    facts.letterCollectedOn = v.letterCollectedOn || undefined;
    facts.letterNeverCollected = v.letterNeverCollected ? true : undefined;
  }
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
}

/** The schema's input from the form's values (text fields, as the page read them). */
function newCaseInput(v: Readonly<Record<string, string>>): Record<string, unknown> {
  const date = v.notificationDate ?? '';
  const time = v.notificationTime ?? '';
  const facts = deadlineFacts(v);
  // A registered letter with no date typed: the notification date follows from the letter's dates
  // (the deadline engine reads them, CE 24 avril 2012 n° 341146); nothing is invented here.
  const fromLetter = !date && v.notificationMode === 'registered_letter';
  return {
    client: {
      lastName: v.lastName,
      firstName: v.firstName,
      // A country's name (French or English) or a code, as the picker sends it: the schema checks the code.
      nationality: nationalityFromInput(v.nationality ?? '') ?? v.nationality,
      birthDate: v.birthDate,
      ...(v.agdref ? { agdrefNumber: v.agdref } : {}),
    },
    procedure: v.procedure || undefined,
    ...(fromLetter ? {} : { decisionNotifiedAt: joinNotification(date, time) }),
    ...(v.assignedTo ? { assignedTo: v.assignedTo } : {}),
    ...(v.notes ? { notes: v.notes } : {}),
    ...(v.backupAssignedTo ? { backupAssignedTo: v.backupAssignedTo } : {}),
    ...(Object.keys(facts).length > 0 ? { facts } : {}),
  };
}

const isProcedure = (code: string | undefined): code is ProcedureCode => (PROCEDURE_CODES as readonly string[]).includes(code ?? '');

/** A procedure the answers changed, with the choice it replaced. */
export type Derivation = Required<DerivedProcedure> & { chosen: ProcedureCode | undefined };

export type NewCaseFormResult = { ok: true; data: NewCase; derivation?: Derivation | undefined } | { ok: false; errors: FieldError[] };

/**
 * The form's values as a `NewCase`, or its errors in French. `today` is the cabinet's date
 * (YYYY-MM-DD, Paris time).
 */
export function parseNewCaseForm(
  m: Messages,
  f: FactsMessages,
  v: Readonly<Record<string, string>>,
  today: string,
  n: NationalityMessages = NATIONALITY_CATALOGUES.fr,
): NewCaseFormResult {
  const fields = newCaseFields(m, f);
  const input = newCaseInput(v);
  // The procedure from the answers, before the schema reads it: "refus de titre" + "OQTF : oui" is an OQTF case.
  const chosen = isProcedure(v.procedure) ? v.procedure : undefined;
  const facts = (input.facts ?? {}) as Parameters<typeof deriveProcedure>[1];
  const derived = v.procedure && !chosen ? { procedure: undefined } : deriveProcedure(chosen, facts);
  if (derived.procedure !== undefined) input.procedure = derived.procedure;
  const parsed = parseForm(newCaseSchema, input, fields, m);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  const refused = (name: string) => errors.some((e) => e.field === name);
  const add = (field: string, message: string) => {
    if (!refused(field)) errors.push({ field, message });
  };
  // The form splits the schema's one date-time into a date and a time: the time's shape is checked
  // here, since the schema only ever sees the two joined.
  if (v.notificationTime && !TIME.test(v.notificationTime)) add('notificationTime', fill(m.invalidTime, { field: m.notificationTime }));
  // A refusal of a titre: whether an OQTF came with it decides between one month and two (L. 911-1 / CJA R. 421-1).
  if (chosen && REFUSALS_OQTF_MAY_ACCOMPANY.includes(chosen) && !v.oqtfAccompanies) add('oqtfAccompanies', f.oqtfAccompaniesRequired);
  if (v.notificationMode === 'registered_letter' && !v.notificationDate && !v.letterFirstPresentedOn)
    add('letterFirstPresentedOn', f.letterDatesNeeded);
  // The schema has no clock (the API takes the dates a client states): a person typing a date after
  // today's, in the cabinet's time zone, has mistyped it.
  const labels: Record<string, string> = {
    birthDate: m.birthDate,
    decisionTakenOn: f.decisionTakenOn,
    notificationDate: m.notificationDate,
    letterFirstPresentedOn: f.letterFirstPresentedOn,
    letterCollectedOn: f.letterCollectedOn,
  };
  for (const [name, label] of Object.entries(labels)) {
    const value = v[name] ?? '';
    if (value <= today || (refused(name) && !isRealDate(value))) continue;
    // A real date in the future: this sentence, rather than the schema's (e.g. born after the notification), says the slip.
    const at = errors.findIndex((e) => e.field === name);
    if (at >= 0) errors.splice(at, 1);
    errors.push({ field: name, message: fill(m.futureDate, { field: label }) });
  }
  // Answers that contradict each other: refused, naming the field to correct. The schema refuses
  // them too, in the API's words; the form's own sentence, which says what to change, replaces it.
  const contradiction = (field: string, message: string) => {
    const at = errors.findIndex((e) => e.field === field);
    if (at >= 0) errors.splice(at, 1);
    errors.push({ field, message });
  };
  // A name the picker does not know: said with what was typed and how to pick one (the schema's sentence cannot quote it).
  if (v.nationality?.trim() && nationalityFromInput(v.nationality) === undefined)
    contradiction('nationality', fill(n.nationalityUnknown, { typed: v.nationality.trim().slice(0, 60) }));
  // Born after the decision was notified: a slip in one of the two dates (the schema refuses it too, once the rest is
  // valid). A birth date in the future keeps its own sentence, which says more.
  if (v.birthDate && v.notificationDate && isRealDate(v.birthDate) && v.birthDate <= today && v.birthDate > v.notificationDate)
    contradiction('birthDate', fill(n.birthAfterNotification, { notified: v.notificationDate }));
  if (v.decisionTakenOn && v.notificationDate && v.decisionTakenOn > v.notificationDate)
    contradiction('decisionTakenOn', f.decisionAfterNotification);
  if (v.notificationMode === 'registered_letter') {
    if (v.letterCollectedOn && v.letterFirstPresentedOn && v.letterCollectedOn < v.letterFirstPresentedOn)
      contradiction('letterCollectedOn', f.letterCollectedBeforePresented);
    if (v.letterCollectedOn && v.letterNeverCollected) contradiction('letterNeverCollected', f.letterCollectedAndNeverCollected);
  }
  if (errors.length === 0 && parsed.ok) {
    const derivation =
      derived.reason !== undefined && derived.procedure !== undefined
        ? { chosen, procedure: derived.procedure, reason: derived.reason, article: derived.article ?? '' }
        : undefined;
    return { ok: true, data: parsed.data, derivation };
  }
  const order = (e: FieldError) => fields.findIndex((x) => x.name === e.field);
  return { ok: false, errors: errors.sort((a, b) => order(a) - order(b)) };
}
