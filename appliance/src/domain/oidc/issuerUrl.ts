/**
 * What an issuer address may be. The ID tokens the appliance trusts are fetched from it, so it must
 * be HTTPS: over plain HTTP anyone on the path could hand the appliance keys of their own and log
 * in as any lawyer. The one exception is a provider on this very machine (http://localhost,
 * 127.0.0.1 or [::1]), which never crosses a network: what the tests run, and a local proxy.
 */
import { z } from 'zod';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

export const issuerSchema = z
  .string()
  .trim()
  .min(1, { error: 'is required: the issuer given by your provider, e.g. https://login.microsoftonline.com/<tenant id>/v2.0' })
  .max(500, { error: 'must be at most 500 characters' })
  .superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an address, e.g. https://accounts.google.com' });
      return;
    }
    if (url.search || url.hash || url.username || url.password)
      ctx.addIssue({
        code: 'custom',
        message: 'must be the issuer alone, without query, fragment or login, e.g. https://accounts.google.com',
      });
    else if (url.protocol !== 'https:' && !isLoopbackHttp(url))
      ctx.addIssue({
        code: 'custom',
        message: 'must start with https:// (plain http is accepted only for a provider on this machine: localhost, 127.0.0.1)',
      });
  });
