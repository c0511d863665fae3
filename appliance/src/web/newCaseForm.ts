/**
 * The new-case form, checked by the API's `newCaseSchema` (POST /api/cases): the page builds the
 * schema's input from its fields and says each refusal in French beside its field. The page checks
 * by hand only what the schema cannot know, each said where it is done.
 */
import { newCaseSchema, type NewCase } from '../domain/cases/caseSchema.js';
import { notificationInstant } from './caseViews.js';
import { parseForm, type FormField, type FormResult } from './formIssues.js';
import { fill, type Messages } from './messages.js';
import type { FieldError } from './viewModels.js';

/** The form's inputs, in the order the page shows them, with where each goes in the schema's input. */
export function newCaseFields(m: Messages): FormField[] {
  return [
    { name: 'lastName', path: 'client.lastName', label: m.lastName },
    { name: 'firstName', path: 'client.firstName', label: m.firstName },
    { name: 'nationality', path: 'client.nationality', label: m.nationality, hint: `${m.nationality} : ${m.nationalityHint}` },
    { name: 'birthDate', path: 'client.birthDate', label: m.birthDate, hint: fill(m.invalidDate, { field: m.birthDate }) },
    { name: 'agdref', path: 'client.agdrefNumber', label: m.agdref, hint: `${m.agdref} : ${m.agdrefHint}` },
    { name: 'procedure', path: 'procedure', label: m.procedure },
    {
      name: 'notificationDate',
      path: 'decisionNotifiedAt',
      label: m.notificationDate,
      hint: fill(m.invalidDate, { field: m.notificationDate }),
    },
    { name: 'notificationTime', label: m.notificationTime },
    { name: 'assignedTo', path: 'assignedTo', label: m.assignedTo },
    { name: 'notes', path: 'notes', label: m.notes },
  ];
}

/** HH:MM, 00:00 to 23:59. */
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The date and time as one instant with Paris's offset; a date no calendar has goes as typed, for the schema to refuse. */
function joined(date: string, time: string): string {
  return Number.isNaN(Date.parse(`${date}T${time}:00Z`)) ? `${date}T${time}` : notificationInstant(date, time);
}

/** The schema's input from the form's values (text fields, as the page read them). */
function newCaseInput(v: Readonly<Record<string, string>>): Record<string, unknown> {
  const date = v.notificationDate ?? '';
  const time = v.notificationTime ?? '';
  return {
    client: {
      lastName: v.lastName,
      firstName: v.firstName,
      nationality: v.nationality,
      birthDate: v.birthDate,
      ...(v.agdref ? { agdrefNumber: v.agdref } : {}),
    },
    procedure: v.procedure,
    decisionNotifiedAt: date && time && TIME.test(time) ? joined(date, time) : date,
    ...(v.assignedTo ? { assignedTo: v.assignedTo } : {}),
    ...(v.notes ? { notes: v.notes } : {}),
  };
}

/**
 * The form's values as a `NewCase`, or its errors in French. `today` is the cabinet's date
 * (YYYY-MM-DD, Paris time).
 */
export function parseNewCaseForm(m: Messages, v: Readonly<Record<string, string>>, today: string): FormResult<NewCase> {
  const fields = newCaseFields(m);
  const parsed = parseForm(newCaseSchema, newCaseInput(v), fields, m);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  const refused = (name: string) => errors.some((e) => e.field === name);
  // The form splits the schema's one date-time into a date and a time: the time's shape is checked
  // here, since the schema only ever sees the two joined.
  if (v.notificationTime && !TIME.test(v.notificationTime))
    errors.push({ field: 'notificationTime', message: fill(m.invalidTime, { field: m.notificationTime }) });
  // The schema has no clock (the API takes the dates a client states): a person typing a date after
  // today's, in the cabinet's time zone, has mistyped it.
  for (const name of ['birthDate', 'notificationDate'] as const) {
    const value = v[name] ?? '';
    if (!refused(name) && value > today)
      errors.push({ field: name, message: fill(m.futureDate, { field: name === 'birthDate' ? m.birthDate : m.notificationDate }) });
  }
  if (errors.length === 0 && parsed.ok) return parsed;
  const order = (e: FieldError) => fields.findIndex((f) => f.name === e.field);
  return { ok: false, errors: errors.sort((a, b) => order(a) - order(b)) };
}
