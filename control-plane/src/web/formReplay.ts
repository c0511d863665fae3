/**
 * Redirect after a refused form, for the dashboard's pages (as the appliance's web/formReplay.ts):
 * a POST that fails keeps what was sent (the kernel's `FormReplays` leaves secrets out) and its
 * errors, and answers 303 to the form's page, whose GET shows them once. A reload then reloads the
 * form, never re-posts it. The owner is the browser: its session's id, or before login the
 * pre-session cookie the login form's CSRF check relies on.
 */
import type { Context } from 'koa';
import { preSessionToken, type ReplayedForm } from '@iamanager/kernel/web';
import type { DashboardDeps } from './dashboardPage.js';

export type { ReplayedForm } from '@iamanager/kernel/web';

function ownerOf(ctx: Context): string {
  const session = ctx.state.session as { jti: string } | undefined;
  return session ? `session:${session.jti}` : `form:${preSessionToken(ctx)}`;
}

/** Keeps the refused form and sends the browser back to `to` (a local path; its query and fragment are not part of the key). */
export function redirectToForm(ctx: Context, { replays }: Pick<DashboardDeps, 'replays'>, form: ReplayedForm, to: string): void {
  replays.keep(ownerOf(ctx), to.split(/[?#]/)[0] ?? to, form);
  ctx.status = 303;
  ctx.redirect(to);
}

/** The refused form kept for this page and this browser, once. */
export function replayedForm(ctx: Context, { replays }: Pick<DashboardDeps, 'replays'>): ReplayedForm | undefined {
  return replays.take(ownerOf(ctx), ctx.path);
}
