/**
 * `/metrics` behind a bearer token (METRICS_TOKEN): Prometheus scrapes with
 * `authorization: { credentials_file: … }`, and nobody else on the network reads the counters.
 * Both tokens are hashed before the constant-time comparison, so neither their content nor their
 * length shows in the time an answer takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';

/** The configuration variable: unset leaves /metrics open (a scraper on a trusted network). */
export const metricsTokenSchema = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
  .pipe(
    z
      .string()
      .min(32, { error: 'must be at least 32 characters, e.g. the output of `openssl rand -hex 32`; unset it to leave /metrics open' })
      .max(512, { error: 'must be at most 512 characters' })
      .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces (it is sent in an Authorization header)' })
      .optional(),
  );

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Throws `unauthorized` (401) unless the request carries `Authorization: Bearer <expected>`; nothing to check when unset. */
export function requireMetricsToken(ctx: Context, expected: string | undefined): void {
  if (expected === undefined) return;
  const sent = /^bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1] ?? '';
  if (!timingSafeEqual(digest(sent), digest(expected))) {
    ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new DomainError(
      'unauthorized',
      'GET /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>": give your scraper the token set on this service',
    );
  }
}
