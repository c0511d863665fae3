/**
 * The reminder forms' inputs read from a submitted form, and their refusals in the page's language
 * (docs/reminders.md): each error names its field and says what it accepts. The schemas are the
 * API's (domain/reminders/preferences.ts, mailSettings.ts): one source of validation.
 */
import type { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { mailSettingsInput, type MailSettingsInput } from '../domain/reminders/mailSettings.js';
import { policyInput } from '../domain/reminders/preferences.js';
import type { ReminderPolicy } from '../storage/reminderSettingsStore.js';
import { fill, type Messages } from './messages.js';
import type { RemindersMessages } from './remindersMessages.js';
import type { FieldError } from './viewModels.js';
import { formText as text } from '@iamanager/kernel/web';

type Result<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/** One error per refused field, in the form's order: "<label> : <what it accepts>". */
function errorsOf(issues: readonly z.core.$ZodIssue[], fields: ReadonlyArray<{ name: string; label: string; hint: string }>): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of fields)
    if (issues.some((i) => String(i.path[0]) === f.name)) errors.push({ field: f.name, message: `${f.label} : ${f.hint}` });
  return errors;
}

export const mailFormValues = (form: URLSearchParams) => ({
  host: text(form, 'host', 253),
  port: text(form, 'port', 20),
  security: text(form, 'security', 40),
  user: text(form, 'user', 254),
  from: text(form, 'from', 320),
});

function mailFields(r: RemindersMessages, m: Messages) {
  return [
    { name: 'host', label: r.smtpHost, hint: r.smtpHostHint },
    { name: 'port', label: r.smtpPort, hint: r.smtpPortHint },
    { name: 'security', label: r.smtpSecurity, hint: fill(m.invalidChoice, { field: r.smtpSecurity }) },
    { name: 'user', label: r.smtpUser, hint: r.smtpUserWithoutLogin },
    { name: 'from', label: r.smtpFrom, hint: r.smtpFromHint },
  ];
}

export function parseMailForm(form: URLSearchParams, r: RemindersMessages, m: Messages): Result<MailSettingsInput> {
  const v = mailFormValues(form);
  const password = form.get('password') ?? '';
  const parsed = mailSettingsInput.safeParse({
    ...v,
    ...(v.user ? {} : { user: undefined }),
    ...(password ? { password } : {}),
    clearPassword: form.get('clearPassword') === '1',
  });
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: errorsOf(parsed.error.issues, mailFields(r, m)) };
}

/** A domain refusal of the mail settings (`field: problem`) beside its field; null when it names none of them. */
export function mailDomainError(err: unknown, r: RemindersMessages, m: Messages): FieldError[] | null {
  if (!(err instanceof DomainError) || err.code !== 'invalid_input') return null;
  const field = /^(\w+):/.exec(err.message)?.[1];
  const f = mailFields(r, m).find((x) => x.name === field);
  return f ? [{ field: f.name, message: field === 'user' ? r.smtpUserWithoutLogin : `${f.label} : ${f.hint}` }] : null;
}

export const POLICY_FIELDS = [
  'dayPoints',
  'minimumDayPoints',
  'hourPoints',
  'minimumHourPoints',
  'escalationDays',
  'escalationHours',
  'digestHour',
] as const;

/** The policy as the form shows it: lists as "7, 2, 0". */
export function policyFormValues(p: ReminderPolicy): Record<string, string> {
  return {
    dayPoints: p.dayPoints.join(', '),
    minimumDayPoints: p.minimumDayPoints.join(', '),
    hourPoints: p.hourPoints.join(', '),
    minimumHourPoints: p.minimumHourPoints.join(', '),
    escalationDays: String(p.escalationDays),
    escalationHours: String(p.escalationHours),
    digestHour: String(p.digestHour),
  };
}

const list = (s: string) => s.split(/[,;\s]+/).filter((x) => x !== '');

export function parsePolicyForm(form: URLSearchParams, r: RemindersMessages): Result<ReminderPolicy> & { values: Record<string, string> } {
  const values = Object.fromEntries(POLICY_FIELDS.map((f) => [f, text(form, f, 100)]));
  const parsed = policyInput.safeParse({
    dayPoints: list(values.dayPoints ?? ''),
    minimumDayPoints: list(values.minimumDayPoints ?? ''),
    hourPoints: list(values.hourPoints ?? ''),
    minimumHourPoints: list(values.minimumHourPoints ?? ''),
    escalationDays: values.escalationDays === '' ? undefined : values.escalationDays,
    escalationHours: values.escalationHours === '' ? undefined : values.escalationHours,
    digestHour: values.digestHour === '' ? undefined : values.digestHour,
  });
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const fields = POLICY_FIELDS.map((name) => ({ name, label: r[name], hint: r[`${name}Hint`] }));
  return { ok: false, errors: errorsOf(parsed.error.issues, fields), values };
}
