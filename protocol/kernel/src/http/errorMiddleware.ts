/**
 * The one place errors become HTTP. Registered first, it renders every failure as
 * `{ ok: false, error, message }` with the status from the service's table. Unknown errors become
 * a bare 500 logged with the request id; their message is never sent.
 */
import type Koa from 'koa';
import type { Context, Next } from 'koa';
import { DomainError, ValidationError } from '@iamanager/protocol';
import type { Logger } from '../log.js';

/** Statuses for the codes every service shares; each service adds its own. */
export const COMMON_STATUS = {
  invalid_input: 400,
  invalid_json: 400,
  invalid_id: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  login_busy: 429,
  data_dir_locked: 503,
  storage_full: 507,
  storage_unwritable: 503,
  storage_corrupt: 500,
} as const satisfies Record<string, number>;
export type CommonErrorCode = keyof typeof COMMON_STATUS;

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

export function errorMiddleware(statusByCode: Readonly<Record<string, number>>, log: Logger) {
  const table: Readonly<Record<string, number>> = { ...COMMON_STATUS, ...statusByCode };
  return async function renderErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      const requestId = String(ctx.state.requestId ?? '');
      if (err instanceof DomainError) {
        const status = table[err.code] ?? 400;
        ctx.status = status;
        ctx.body = {
          ok: false,
          error: err.code,
          message: err.message,
          ...(err instanceof ValidationError ? { issues: err.issues } : {}),
          ...(err.details && !(err instanceof ValidationError) ? { details: err.details } : {}),
        };
        if (status >= 500) log.error({ err, requestId }, 'request failed');
        if (status === 429 && typeof err.details?.retryAfterSeconds === 'number')
          ctx.set('Retry-After', String(err.details.retryAfterSeconds));
        return;
      }
      const e = err as HttpishError;
      const status = e.status ?? e.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Errors thrown by Koa itself or raw-body (size limits, aborted requests).
        const code =
          status === 413
            ? 'payload_too_large'
            : status === 415
              ? 'unsupported_media_type'
              : status === 404
                ? 'not_found'
                : status === 405
                  ? 'method_not_allowed'
                  : 'bad_request';
        ctx.status = status;
        ctx.body = { ok: false, error: code, message: e.expose && e.message ? e.message : code.replace(/_/g, ' ') };
        return;
      }
      log.error({ err, requestId, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { ok: false, error: 'internal', message: `internal error (request id ${requestId})` };
    }
  };
}

/**
 * Errors Koa meets after the middleware chain — a response stream failing once its headers went
 * out (a document missing on disk, a client hanging up mid-download) — logged as JSON like
 * everything else, instead of Koa's plain print to stderr. A client going away is routine (debug).
 */
export function logResponseErrors(app: Koa, log: Logger): void {
  app.on('error', (err: NodeJS.ErrnoException & HttpishError, ctx?: Context) => {
    const routine =
      ['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(err.code ?? '') ||
      (typeof err.status === 'number' && err.status < 500);
    const fields = { err, requestId: ctx?.state.requestId as unknown, method: ctx?.method, path: ctx?.path };
    if (routine) log.debug(fields, 'response ended early');
    else log.error(fields, 'response failed after it started');
  });
}
