/**
 * The case edit form (/dossiers/:id/modifier), built from one list of fields: each says where it
 * goes in the API's `casePatchSchema`, how the stored case fills it, what an empty input means and
 * which section shows it — so a new case field (the backup lawyer, say) is one entry here. The
 * values are checked by the API's schema (formIssues.ts, French per field), then here for what the
 * schema cannot know (today's date, the two halves of the notification instant), then by the
 * domain (caseChanges.ts) for the case as a whole.
 */
import { casePatchSchema, CASE_STATUSES, OUTCOMES, type CasePatch, type CaseRecord } from '../domain/cases/caseSchema.js';
import { LAWYER_DECISION_FIELDS } from '../auth/caseFieldPermissions.js';
import type { CaseEditMessages } from './caseEditMessages.js';
import { parseForm, type FormField } from './formIssues.js';
import { fill, type Messages } from './messages.js';
import { joinNotification, NOTIFICATION_TIME } from './newCaseForm.js';
import { nationalityFromInput } from './countries.js';
import type { FieldError } from './viewModels.js';

export type EditSection = 'client' | 'decision' | 'followUp';
export type EditInput = 'text' | 'date' | 'time' | 'textarea' | 'procedure' | 'lawyer' | 'status' | 'outcome' | 'nationality';

export interface EditField extends FormField {
  section: EditSection;
  input: EditInput;
  /** The stored value as the input shows it. */
  read: (c: CaseRecord) => string;
  /** What an emptied input sends: left out (a required field: the schema says so), removed, or cleared. */
  empty: 'missing' | 'remove' | 'null' | 'blank';
  required?: boolean;
  /** Help shown under the label (`hint`, from FormField, is what a refused value is told). */
  help?: string;
}

/** The case's notification instant as the form's date and Paris time (`2026-03-02T14:30:00+01:00` → `2026-03-02`, `14:30`). */
export function notificationParts(value: string): { date: string; time: string } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { date: value, time: '' };
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return { date: value.slice(0, 10), time: '' };
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return { date: `${p('year')}-${p('month')}-${p('day')}`, time: `${p('hour')}:${p('minute')}` };
}

/** Every field of the edit form, in the page's order. The facts have their own questionnaire, linked from the page. */
export function caseEditFields(m: Messages, e: CaseEditMessages): EditField[] {
  const date = (label: string) => fill(m.invalidDate, { field: label });
  return [
    {
      section: 'client',
      input: 'text',
      name: 'lastName',
      path: 'client.lastName',
      label: m.lastName,
      read: (c) => c.client.lastName,
      empty: 'missing',
      required: true,
    },
    {
      section: 'client',
      input: 'text',
      name: 'firstName',
      path: 'client.firstName',
      label: m.firstName,
      read: (c) => c.client.firstName,
      empty: 'missing',
      required: true,
    },
    // The country picker (nationalityInput.tsx): a name typed or chosen, stored as its ISO code.
    {
      section: 'client',
      input: 'nationality',
      name: 'nationality',
      path: 'client.nationality',
      label: m.nationality,
      hint: fill(m.fieldFix, { field: m.nationality, fix: m.nationalityHint }),
      read: (c) => c.client.nationality,
      empty: 'missing',
      required: true,
    },
    {
      section: 'client',
      input: 'date',
      name: 'birthDate',
      path: 'client.birthDate',
      label: m.birthDate,
      hint: date(m.birthDate),
      read: (c) => c.client.birthDate,
      empty: 'missing',
      required: true,
    },
    {
      section: 'client',
      input: 'text',
      name: 'agdref',
      path: 'client.agdrefNumber',
      label: m.agdref,
      hint: `${m.agdref} : ${m.agdrefHint}`,
      read: (c) => c.client.agdrefNumber ?? '',
      empty: 'remove',
    },
    {
      section: 'client',
      input: 'text',
      name: 'email',
      path: 'client.email',
      label: e.email,
      read: (c) => c.client.email ?? '',
      empty: 'remove',
    },
    {
      section: 'client',
      input: 'text',
      name: 'phone',
      path: 'client.phone',
      label: e.phone,
      read: (c) => c.client.phone ?? '',
      empty: 'remove',
    },
    {
      section: 'client',
      input: 'text',
      name: 'address',
      path: 'client.address',
      label: e.address,
      read: (c) => c.client.address ?? '',
      empty: 'remove',
    },
    {
      section: 'decision',
      input: 'procedure',
      name: 'procedure',
      path: 'procedure',
      label: m.procedure,
      read: (c) => c.procedure,
      empty: 'missing',
      required: true,
    },
    {
      section: 'decision',
      input: 'date',
      name: 'notificationDate',
      path: 'decisionNotifiedAt',
      label: m.notificationDate,
      hint: date(m.notificationDate),
      read: (c) => notificationParts(c.decisionNotifiedAt).date,
      empty: 'missing',
      required: true,
    },
    // Joined to the date into one instant (newCaseForm's joinNotification): no path of its own.
    {
      section: 'decision',
      input: 'time',
      name: 'notificationTime',
      label: m.notificationTime,
      help: e.notificationTimeHint,
      read: (c) => notificationParts(c.decisionNotifiedAt).time,
      empty: 'missing',
    },
    {
      section: 'decision',
      input: 'text',
      name: 'decisionAuthority',
      path: 'decision.authority',
      label: e.decisionAuthority,
      read: (c) => c.decision.authority ?? '',
      empty: 'remove',
    },
    {
      section: 'decision',
      input: 'text',
      name: 'decisionReference',
      path: 'decision.reference',
      label: e.decisionReference,
      read: (c) => c.decision.reference ?? '',
      empty: 'remove',
    },
    {
      section: 'decision',
      input: 'textarea',
      name: 'decisionSummary',
      path: 'decision.summary',
      label: e.decisionSummary,
      read: (c) => c.decision.summary ?? '',
      empty: 'remove',
    },
    {
      section: 'decision',
      input: 'text',
      name: 'departement',
      path: 'departement',
      label: e.departement,
      hint: e.departementHint,
      help: e.departementHelp,
      read: (c) => c.departement ?? '',
      empty: 'null',
    },
    {
      section: 'followUp',
      input: 'lawyer',
      name: 'assignedTo',
      path: 'assignedTo',
      label: m.assignedTo,
      read: (c) => c.assignedTo ?? '',
      empty: 'null',
    },
    {
      section: 'followUp',
      input: 'lawyer',
      name: 'backupAssignedTo',
      path: 'backupAssignedTo',
      label: e.backupLawyer,
      help: e.backupLawyerHelp,
      read: (c) => c.backupAssignedTo ?? '',
      empty: 'null',
    },
    {
      section: 'followUp',
      input: 'status',
      name: 'status',
      path: 'status',
      label: e.caseStatus,
      read: (c) => c.status,
      empty: 'missing',
      required: true,
    },
    {
      section: 'followUp',
      input: 'outcome',
      name: 'outcome',
      path: 'outcome',
      label: e.outcome,
      read: (c) => c.outcome ?? '',
      empty: 'null',
    },
    { section: 'followUp', input: 'textarea', name: 'notes', path: 'notes', label: m.notes, read: (c) => c.notes, empty: 'blank' },
  ];
}

/** The longest a posted value may be (the notes and the decision's summary are long texts). */
export function maxLengthOf(field: EditField): number {
  return field.input === 'textarea' ? 20_000 : 300;
}

/** What the edit needs to know about the person editing and the case. */
export interface EditContext {
  /** May change the lawyer, the status and the outcome (auth/caseFieldPermissions.ts). */
  mayDecide: boolean;
  /** The notification date follows from a registered letter's dates (the questionnaire's): not edited here. */
  letterSetsNotification: boolean;
  /** Today in Paris (YYYY-MM-DD). */
  today: string;
}

/** The fields this person edits on this case: the others are shown, not posted. */
export function editableFields(fields: readonly EditField[], ctx: EditContext): EditField[] {
  return fields.filter(
    (f) =>
      (ctx.mayDecide || !(LAWYER_DECISION_FIELDS as readonly string[]).includes(f.name)) &&
      !(ctx.letterSetsNotification && (f.name === 'notificationDate' || f.name === 'notificationTime')),
  );
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = target;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
}

/** The schema's input from the form's values: every editable field, each emptied one as its `empty` says. */
function patchInput(fields: readonly EditField[], v: Readonly<Record<string, string>>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.path === undefined) continue;
    const raw = v[f.name] ?? '';
    const value = f.input === 'textarea' ? raw : raw.trim();
    if (value === '') {
      if (f.empty === 'remove') setPath(input, f.path, undefined);
      else if (f.empty === 'null') setPath(input, f.path, null);
      else if (f.empty === 'blank') setPath(input, f.path, '');
      else setPath(input, f.path, '');
      continue;
    }
    setPath(
      input,
      f.path,
      f.name === 'notificationDate'
        ? joinNotification(value, v.notificationTime ?? '')
        : // A country's name (French or English) or a code, stored as the code (countries.ts).
          f.input === 'nationality'
          ? (nationalityFromInput(value) ?? value)
          : value,
    );
  }
  return input;
}

export type CaseEditResult = { ok: true; patch: CasePatch } | { ok: false; errors: FieldError[] };

/** The form's values as a `CasePatch`, or its errors in French, in the form's order. */
export function parseCaseEditForm(m: Messages, e: CaseEditMessages, v: Readonly<Record<string, string>>, ctx: EditContext): CaseEditResult {
  const all = caseEditFields(m, e);
  const fields = editableFields(all, ctx);
  const parsed = parseForm(casePatchSchema, patchInput(fields, v), fields, m);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  const add = (field: string, message: string) => {
    if (!errors.some((x) => x.field === field)) errors.push({ field, message });
  };
  const editing = (name: string) => fields.some((f) => f.name === name);
  if (editing('notificationTime') && v.notificationTime && !NOTIFICATION_TIME.test(v.notificationTime))
    add('notificationTime', fill(m.invalidTime, { field: m.notificationTime }));
  // The schema has no clock: a date after today (Paris) is a typo.
  for (const name of ['birthDate', 'notificationDate']) {
    const label = all.find((f) => f.name === name)!.label;
    if (editing(name) && (v[name] ?? '') > ctx.today) add(name, fill(m.futureDate, { field: label }));
  }
  // Said here in French before the domain refuses it in the API's words (caseChanges.ts).
  // The schema refuses it too (in the API's words, read here as a badly formed date): the French
  // sentence replaces that one.
  if (v.birthDate && v.notificationDate && editing('notificationDate') && v.birthDate > v.notificationDate) {
    const at = errors.findIndex((x) => x.field === 'birthDate');
    if (at >= 0) errors.splice(at, 1);
    add('birthDate', e.birthAfterNotification);
  }
  if (editing('status') && v.status === 'closed' && !v.outcome) add('outcome', e.outcomeRequired);
  if (errors.length === 0 && parsed.ok) return { ok: true, patch: parsed.data };
  const order = (x: FieldError) => all.findIndex((f) => f.name === x.field);
  return { ok: false, errors: errors.sort((a, b) => order(a) - order(b)) };
}

export const STATUS_CODES = CASE_STATUSES;
export const OUTCOME_CODES = OUTCOMES;
