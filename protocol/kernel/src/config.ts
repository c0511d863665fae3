/**
 * Configuration is validated once, at start-up: every problem is listed with how to fix it, then
 * the process exits non-zero. Secrets may come from `NAME_FILE` (Docker secrets) instead of `NAME`.
 */
import fs from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { DomainError, formatIssues } from '@iamanager/protocol';

export class ConfigError extends DomainError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('invalid_config', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
    this.problems = problems;
  }
}

/** Reads a `.env` file (KEY=value lines) if present; the real environment wins over it. */
export function readDotEnv(file: string): Record<string, string> {
  try {
    return parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`${file}: cannot be read (${(err as Error).message}); fix its permissions or remove it`]);
  }
}

/**
 * Resolves `NAME_FILE` for each secret name: the file's content (trimmed) becomes `NAME`.
 * Setting both is refused, since it is never clear which one the operator meant.
 */
export function resolveFileSecrets(
  env: Record<string, string | undefined>,
  names: readonly string[],
): { env: Record<string, string | undefined>; problems: string[] } {
  const out = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const fileVar = `${name}_FILE`;
    const file = env[fileVar];
    if (!file) continue;
    if (env[name]) {
      problems.push(`${name} and ${fileVar} are both set: keep only one`);
      continue;
    }
    try {
      out[name] = fs.readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push(
        `${fileVar}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path and its permissions`,
      );
    }
  }
  return { env: out, problems };
}

/** Parses the environment with `schema`, or throws a `ConfigError` listing every problem. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  extraProblems: readonly string[] = [],
): z.output<S> {
  const result = schema.safeParse(env, { reportInput: true });
  const problems = [...extraProblems, ...(result.success ? [] : formatIssues(result.error.issues))];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** An optional whole-number variable: unset or empty gives `fallback`; anything else must be in range. */
export function envInt(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)}); unset it for the default ${fallback}`,
        });
        return z.NEVER;
      }
      return n;
    });
}

/** An optional boolean variable written `true`/`false` (also 1/0, yes/no). */
export function envBool(fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const t = v.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no'].includes(t)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false (got ${JSON.stringify(v)})` });
      return z.NEVER;
    });
}
