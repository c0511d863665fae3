/**
 * Request id, access log and baseline security headers for every response of both services.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../log.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestContext(log: Logger, options: { onResponse?: (ctx: Context, seconds: number) => void } = {}) {
  return async function tagRequest(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    // Nothing a service answers is meant to run or be framed; pages that need more (the appliance's
    // web UI) set their own policy over this one.
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The server's own time (W3C Server-Timing), apart from network and client queueing: what
      // browser devtools show and what the benchmarks report next to the client-side latency.
      if (!ctx.headerSent) ctx.set('Server-Timing', `app;dur=${(seconds * 1000).toFixed(2)}`);
      options.onResponse?.(ctx, seconds);
      // Paths only, never query strings: a search query may contain a client's name.
      log.debug({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  };
}
