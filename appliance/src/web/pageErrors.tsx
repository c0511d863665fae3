/**
 * The appliance's renderers for the shared page pattern (`pageErrors`, `notFoundPage` of
 * `@iamanager/kernel/web`): a visitor who is not logged in is sent to the login page, and an
 * error becomes an error page in the visitor's language (never JSON, never a stack trace): a
 * domain error by its code, anything else as an internal error with the request id the log holds.
 */
import type { Middleware } from 'koa';
import { notFoundPage as kernelNotFoundPage, pageErrors as kernelPageErrors } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import { ErrorPage } from './pages/auth.js';
import { sendPage } from './render.js';
import { fill } from './messages.js';
import { chromeOf, messagesOf } from './pageContext.js';
import { describeError, isLimitRefusal } from './webErrors.js';
import { PlanLimitPage } from './pages/plan.js';
import { upgradeView } from './upgradeView.js';

/** In front of every page route (router.ts). */
export function pageErrors(appliance: Appliance): Middleware {
  return kernelPageErrors({
    login: { path: '/connexion', for: 'reads' },
    render: (ctx, err) => {
      const described = describeError(err, messagesOf(ctx));
      if (isLimitRefusal(err)) {
        // Answered like a form the domain refused (200, the refusal in the page), as these forms
        // were before: the page is where the cabinet goes on from, not a failed request.
        const chrome = { ...chromeOf(appliance, ctx), flash: { kind: 'error' as const, text: described.text } };
        return sendPage(ctx, <PlanLimitPage chrome={chrome} view={upgradeView(appliance, messagesOf(ctx))} />);
      }
      sendPage(ctx, <ErrorPage chrome={chromeOf(appliance, ctx)} status={described.status} message={described.text} />, described.status);
    },
    internal: (ctx, err) => {
      const requestId = String(ctx.state.requestId ?? '');
      appliance.log.error({ err, requestId, method: ctx.method, path: ctx.path }, 'page failed');
      sendPage(
        ctx,
        <ErrorPage chrome={chromeOf(appliance, ctx)} status={500} message={fill(messagesOf(ctx).internalError, { id: requestId })} />,
        500,
      );
    },
  });
}

/**
 * Mounted after every route: a browser asking for an address that does not exist gets the 404
 * page in its language; API clients and scripts still get the JSON error.
 */
export function notFoundPage(appliance: Appliance): Middleware {
  return kernelNotFoundPage((ctx) =>
    sendPage(ctx, <ErrorPage chrome={chromeOf(appliance, ctx)} status={404} message={messagesOf(ctx).notFound} />, 404),
  );
}
