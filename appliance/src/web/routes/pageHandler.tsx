/**
 * Wraps a page route: a visitor who is not logged in is sent to the login page, and a domain error
 * becomes an error page in the visitor's language (never JSON, never a stack trace).
 */
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import type { Appliance } from '../../appliance.js';
import { ErrorPage } from '../pages/auth.js';
import { sendPage } from '../render.js';
import { chromeOf, messagesOf } from '../pageContext.js';
import { describeError } from '../webErrors.js';

export function pageHandler(appliance: Appliance, handler: (ctx: Context) => Promise<void> | void) {
  return async (ctx: Context): Promise<void> => {
    try {
      await handler(ctx);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'unauthorized' && ctx.method === 'GET') {
        ctx.redirect(`/connexion?next=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      const described = describeError(err, messagesOf(ctx));
      sendPage(ctx, <ErrorPage chrome={chromeOf(appliance, ctx)} status={described.status} message={described.text} />, described.status);
    }
  };
}

/** Only same-site relative paths are followed after login or a language switch (no open redirect). */
export { safeNext } from '@iamanager/protocol/web';
