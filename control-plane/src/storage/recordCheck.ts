/**
 * Nothing invalid is ever written to the billing files: each record a close, an approval or a
 * credit note would write is checked first against the very schema the store reads it back with
 * (billingRecords.ts). A record that would not read back — an amount past 2^53 from an
 * absurd usage counter in old data, say — would make the file "invalid with no usable last good
 * copy" at the next start; refused here, it is an error naming the cabinet and the field, and
 * nothing is written.
 */

import type { z } from 'zod';
import { ControlPlaneError } from '../errors.js';

/** Who a failing field belongs to: `subject` (e.g. `the invoice of cabinet "dupont"`), and from which path element the field is named. */
export interface Culprit {
  subject: string;
  /** How many leading path elements lead to the subject (e.g. 2 for `invoices.3.…`). */
  depth?: number;
  details?: Record<string, unknown>;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/**
 * `value` as `schema` reads it, or `invalid_billing_record` naming the culprit, the field, the
 * value and why. `culprit` may depend on where the first problem is (a month file names the
 * invoice, and so the cabinet, the field belongs to).
 */
export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, culprit: Culprit | ((path: readonly PropertyKey[]) => Culprit)): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const who = typeof culprit === 'function' ? culprit(issue.path) : culprit;
  const field =
    issue.path
      .slice(who.depth ?? 0)
      .map(String)
      .join('.') || '(record)';
  const found = valueAt(value, issue.path);
  const shown =
    typeof found === 'number' || typeof found === 'string' || typeof found === 'boolean' ? ` is ${JSON.stringify(found)}:` : ':';
  throw new ControlPlaneError(
    'invalid_billing_record',
    `${who.subject}: ${field}${shown} ${issue.message.replace(/^Invalid input: /, '')}. Nothing was written: this record could not be read back`,
    { ...who.details, field },
  );
}
