/**
 * One way to validate untrusted input everywhere: a zod schema gives the type, and a failure
 * becomes a `ValidationError` whose message names each field and says how to fix it, e.g.
 * `client.birthDate: must be a date as YYYY-MM-DD`.
 */
import type { z } from 'zod';
import { ValidationError } from './errors.js';

type Issue = z.core.$ZodIssue & { input?: unknown };

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function describe(issue: Issue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  }
  return issue.message;
}

/** Turns zod issues into "field: problem" lines, the field path prefixed by `root` when given. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root = ''): string[] {
  return issues.map((issue) => {
    const path = pathOf(issue.path);
    const field = root && path ? `${root}.${path}` : root || path || 'body';
    return `${field}: ${describe(issue as Issue)}`;
  });
}

/** Parses `input` with `schema` or throws a `ValidationError` that names every field at fault. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, root = ''): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(formatIssues(result.error.issues, root));
}
