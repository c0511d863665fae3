/**
 * A value from a page's address (a month, a document number, a cabinet id), refused in French:
 * the pages never show the API's English "month: must be a month as YYYY-MM…".
 */
import { ValidationError } from '@iamanager/protocol';
import type { z } from 'zod';

export function pathParam<S extends z.ZodType>(schema: S, value: unknown, sentence: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError([sentence]);
  return parsed.data;
}
