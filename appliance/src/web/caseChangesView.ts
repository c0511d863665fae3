/**
 * A case's field-by-field history in the page's language: « Date de notification : 3 mars 2026 →
 * 4 mars 2026 », with who and when. Labels come from the edit form's field list (and the facts'
 * labels for a questionnaire's change), values are said as the lawyers say them (dates in words,
 * procedures, statuses and outcomes by name, a lawyer by name). Entries from before field-level
 * history list the fields only.
 */
import type { CaseRecord, FieldChange, HistoryEntry } from '../domain/cases/caseSchema.js';
import { CASE_EDIT_CATALOGUES, OUTCOME_LABELS, STATUS_LABELS } from './caseEditMessages.js';
import { caseEditFields } from './caseEditForm.js';
import type { ChangeEntryView } from './caseEditViews.js';
import { factLabel, factValueLabel, type FactKey } from './factLabels.js';
import { CATALOGUES, fill, type Locale } from './messages.js';
import { procedureLabel } from './procedureLabels.js';
import { nationalityName } from './countries.js';

const CIVIL = /^\d{4}-\d{2}-\d{2}$/;

/** `2026-03-03` → « 3 mars 2026 »; a date-time → « 3 mars 2026 à 14:30 » (Paris). */
function dateInWords(value: string, locale: Locale): string {
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB';
  if (CIVIL.test(value))
    return new Intl.DateTimeFormat(tag, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(
      new Date(`${value}T00:00:00Z`),
    );
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const day = new Intl.DateTimeFormat(tag, { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat(tag, { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return locale === 'fr' ? `${day} à ${time}` : `${day} at ${time}`;
}

/** The label of a changed field's path. */
function labelOf(path: string, locale: Locale): string {
  if (path.startsWith('facts.')) return factLabel(path.slice(6) as FactKey, locale) ?? path;
  const field = caseEditFields(CATALOGUES[locale], CASE_EDIT_CATALOGUES[locale]).find((f) => f.path === path);
  return field?.label ?? path;
}

/** One value as the page says it. */
function valueOf(path: string, value: unknown, locale: Locale, userName: (id: string) => string): string {
  const e = CASE_EDIT_CATALOGUES[locale];
  if (value === null || value === undefined || value === '') return e.none;
  if (path.startsWith('facts.')) {
    if (typeof value === 'string' && CIVIL.test(value)) return dateInWords(value, locale);
    return factValueLabel(path.slice(6) as FactKey, value, locale);
  }
  const text = String(value);
  switch (path) {
    case 'procedure':
      return procedureLabel(text, locale);
    case 'status':
      return STATUS_LABELS[locale][text] ?? text;
    case 'outcome':
      return OUTCOME_LABELS[locale][text] ?? text;
    case 'client.nationality':
      return nationalityName(text, locale);
    case 'assignedTo':
    case 'backupAssignedTo':
      return userName(text) || text;
    case 'decisionNotifiedAt':
    case 'client.birthDate':
      return dateInWords(text, locale);
    default:
      // Long texts (notes, a summary) are said in short: the full text is on the case.
      return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  }
}

export function changeLine(change: FieldChange, locale: Locale, userName: (id: string) => string): string {
  return fill(CASE_EDIT_CATALOGUES[locale].changeLine, {
    field: labelOf(change.field, locale),
    before: valueOf(change.field, change.before, locale, userName),
    after: valueOf(change.field, change.after, locale, userName),
  });
}

/**
 * The edits of a case, newest first: who (their name when they are a user, else the address
 * recorded), when, and each change.
 */
export function changeEntriesOf(
  c: Pick<CaseRecord, 'history'>,
  locale: Locale,
  names: { user: (id: string) => string; byEmail: (email: string) => string },
  limit = 50,
): ChangeEntryView[] {
  const edits = c.history.filter((h: HistoryEntry) => h.action === 'updated' && (h.changes?.length || h.fields?.length));
  return edits
    .reverse()
    .slice(0, limit)
    .map((h) => ({
      at: h.at,
      who: names.byEmail(h.by) || h.by,
      lines: h.changes ? h.changes.map((x) => changeLine(x, locale, names.user)) : (h.fields ?? []).map((f) => labelOf(f, locale)),
    }));
}
