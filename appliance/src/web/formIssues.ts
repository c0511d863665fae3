/**
 * A form's errors in the page's language, from the zod schema the JSON API parses with: one
 * source of validation. The schemas keep their English "field: fix" messages (the API's, read by
 * scripts and tests); a page never shows them, it says the fix in French from the issue's code and
 * the field instead. Not a global zod error map (`z.config`): that would change the API's texts.
 */
import type { z } from 'zod';
import { fill, type Messages } from './messages.js';
import type { FieldError } from './viewModels.js';

/** One input of a form: its name in the page, its path in the schema's input, its label. */
export interface FormField {
  name: string;
  /** Dotted path in the schema's input, e.g. `client.birthDate`; none when the page checks the input itself. */
  path?: string;
  label: string;
  /** What the field accepts, said whenever the schema refuses a value it was given. */
  hint?: string;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

type Issue = z.core.$ZodIssue & { input?: unknown };

const isEmpty = (input: unknown) => input === undefined || input === null || (typeof input === 'string' && input.trim() === '');

/** The French sentence for one refused field. */
export function frenchIssue(issue: Issue, field: Pick<FormField, 'label' | 'hint'>, m: Messages): string {
  const label = field.label;
  // A minimum length says more than "required" (a 12-character password left empty).
  const minLength = issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) > 1;
  if (isEmpty(issue.input) && !minLength) return fill(m.required, { field: label });
  if (field.hint !== undefined) return field.hint;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return fill(m.tooShort, { field: label, min: Number(issue.minimum) });
      break;
    case 'too_big':
      if (issue.origin === 'string') return fill(m.tooLong, { field: label, max: Number(issue.maximum) });
      break;
    case 'invalid_value':
      return fill(m.invalidChoice, { field: label });
    case 'invalid_format':
      if (issue.format === 'email') return fill(m.invalidEmail, { field: label });
      break;
    default:
      break;
  }
  return fill(m.invalidValue, { field: label });
}

/** The form's field errors for a schema's issues: one per field, in the form's order. */
export function frenchIssues(issues: readonly z.core.$ZodIssue[], fields: readonly FormField[], m: Messages): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of fields) {
    const issue = field.path === undefined ? undefined : issues.find((i) => i.path.join('.') === field.path);
    if (issue) errors.push({ field: field.name, message: frenchIssue(issue, field, m) });
  }
  // A refusal on no field of the form (the page built a value the schema refused): said once, on the form.
  if (errors.length === 0 && issues.length > 0) errors.push({ field: '', message: m.invalidInput });
  return errors;
}

/** Parses a form's values with the API's schema: the typed input, or the errors to show beside the fields. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fields: readonly FormField[],
  m: Messages,
): FormResult<z.output<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: frenchIssues(result.error.issues, fields, m) };
}
