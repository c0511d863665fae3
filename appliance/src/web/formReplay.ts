/**
 * Redirect after a refused form, for the appliance's pages: a POST that fails keeps what was sent
 * and the errors (the kernel's `FormReplays`, secrets left out) and answers 303 to the form's page;
 * that page's GET shows them once. A reload then reloads the form, never re-posts it.
 *
 * The owner is the browser: its session (by the session's id, so two tabs of one session share
 * it, and another user never sees it) or, before login, the pre-session cookie the form's CSRF
 * check already relies on.
 */
import type { Context } from 'koa';
import { preSessionToken, type ReplayedForm } from '@iamanager/kernel/web';
import { callerOrNone } from './pageContext.js';
import type { WebDeps } from './webPage.js';

export type { ReplayedForm } from '@iamanager/kernel/web';

function ownerOf(ctx: Context): string {
  const session = callerOrNone(ctx)?.session;
  return session ? `session:${session.jti}` : `form:${preSessionToken(ctx)}`;
}

/** Keeps the refused form and sends the browser back to `to` (the form page's address, a local path). */
export function redirectToForm(ctx: Context, { replays }: Pick<WebDeps, 'replays'>, form: ReplayedForm, to: string): void {
  // Kept under the page's path: its GET has neither the query nor the fragment.
  const path = to.split(/[?#]/)[0] ?? to;
  replays.keep(ownerOf(ctx), path, form);
  ctx.status = 303;
  ctx.redirect(to);
}

/** The refused form kept for this page and this browser, once (undefined on a fresh visit or a reload). */
export function replayedForm(ctx: Context, { replays }: Pick<WebDeps, 'replays'>): ReplayedForm | undefined {
  return replays.take(ownerOf(ctx), ctx.path);
}
