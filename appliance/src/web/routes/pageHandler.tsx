/**
 * Wraps a page route: a visitor who is not logged in is sent to the login page, and an error
 * becomes an error page in the visitor's language (never JSON, never a stack trace): a domain error
 * by its code, anything else as an internal error with the request id the log holds.
 */
import type { Context, Next } from 'koa';
import { DomainError } from '@iamanager/protocol';
import type { Appliance } from '../../appliance.js';
import { ErrorPage } from '../pages/auth.js';
import { sendPage } from '../render.js';
import { fill } from '../messages.js';
import { chromeOf, messagesOf } from '../pageContext.js';
import { describeError } from '../webErrors.js';

export function pageHandler(appliance: Appliance, handler: (ctx: Context) => Promise<void> | void) {
  return async (ctx: Context): Promise<void> => {
    try {
      await handler(ctx);
    } catch (err) {
      if (!(err instanceof DomainError)) {
        const requestId = String(ctx.state.requestId ?? '');
        appliance.log.error({ err, requestId, method: ctx.method, path: ctx.path }, 'page failed');
        sendPage(ctx, <ErrorPage chrome={chromeOf(appliance, ctx)} status={500} message={fill(messagesOf(ctx).internalError, { id: requestId })} />, 500);
        return;
      }
      if (err.code === 'unauthorized' && ctx.method === 'GET') {
        ctx.redirect(`/connexion?next=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      const described = describeError(err, messagesOf(ctx));
      sendPage(ctx, <ErrorPage chrome={chromeOf(appliance, ctx)} status={described.status} message={described.text} />, described.status);
    }
  };
}

/**
 * Mounted after every route: a browser asking for an address that does not exist gets the 404
 * page in its language; API clients and scripts still get the JSON error.
 */
export function notFoundPage(appliance: Appliance) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' || ctx.path.startsWith('/api/') || ctx.accepts('json', 'html') !== 'html') return next();
    sendPage(ctx, <ErrorPage chrome={chromeOf(appliance, ctx)} status={404} message={messagesOf(ctx).notFound} />, 404);
  };
}

/** Only same-site relative paths are followed after login or a language switch (no open redirect). */
export { safeNext } from '@iamanager/kernel/web';
