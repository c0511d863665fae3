/**
 * A dashboard form's errors in French, from the zod schema the vendor API parses the same input
 * with: one source of validation. The schema's English "field: fix" messages stay the API's and
 * the CLI's; the page says, for each input the schema refused, that input's French sentence.
 */
import type { z } from 'zod';

/** One input of a form: its dotted path in the schema's input, and what the page says when it is refused. */
export interface FormField {
  path: string;
  /** The whole sentence, naming the field and what it accepts, e.g. "Motif : indiquez pourquoi…". */
  sentence: string;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: string[] };

/** Parses with the API's schema: the typed input, or one French sentence per refused input, in the form's order. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown, fields: readonly FormField[]): FormResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const refused = new Set(result.error.issues.map((i) => i.path.join('.')));
  const errors = fields.filter((f) => refused.has(f.path)).map((f) => f.sentence);
  // A refusal on no input of the form (the page built a value the schema refused): said once.
  return {
    ok: false,
    errors: errors.length > 0 ? errors : ['Les données du formulaire ne sont pas acceptées : vérifiez la saisie et recommencez.'],
  };
}
