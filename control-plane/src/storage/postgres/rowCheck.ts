/**
 * A row read back from PostgreSQL is checked against the same schema as DATA_DIR's files. One that
 * does not fit — edited by hand, or written by a build with another format — is not moved aside as
 * a file would be (a table has no quarantine folder, and every node reads it): the read is refused
 * with `database_record_invalid` (HTTP 500) naming the table and the row's key, so the operator
 * knows which row to repair, and nothing is decided on a record this build cannot read.
 */
import type { z } from 'zod';
import { ControlPlaneError } from '../../errors.js';

export function rowRecord<S extends z.ZodType>(schema: S, table: string, key: string, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ControlPlaneError(
    'database_record_invalid',
    `the database's ${table} row ${key} does not fit this version's format (${where}${issue?.message ?? 'invalid'}): repair or restore that row; requests that need it fail until then`,
  );
}

/** A row's key for the message when the query did not select its key column: the record's own field, if it has one. */
export function recordKey(record: unknown, field: string): string {
  const value = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : `(no ${field})`;
}
