/**
 * What starts and ends a browser session, for the API and the pages alike: login (and the setup
 * wizard's first admin), logout (this session), "Fermer toutes mes sessions" (every session of the
 * user), and a password change, which ends the user's other sessions. The meaning is the same on
 * the control plane's dashboard: see protocol/kernel/src/web/browserSession.ts.
 */
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import type { Appliance } from '../appliance.js';
import { sessionAudience, type Caller } from './authenticate.js';

/** Starts a session for `userId` (login, and the setup wizard right after creating the first admin). */
export async function startSession(appliance: Appliance, ctx: Context, userId: string, epoch: number): Promise<string> {
  return appliance.browserSession.issue(ctx, {
    userId,
    epoch,
    audience: sessionAudience(appliance),
    now: appliance.clock(),
    hours: appliance.config.sessionHours,
  });
}

/**
 * Logout (the API's and the page's): ends the caller's session and clears the cookie; other
 * sessions of the same user (another browser) go on (see BrowserSession.end).
 */
export async function endSession(appliance: Appliance, ctx: Context): Promise<void> {
  await appliance.browserSession.end(ctx, (ctx.state.caller as Caller | undefined)?.session);
}

/**
 * "Fermer toutes mes sessions": ends every session of the caller, this one and those in other
 * browsers (the session epoch moves on), and clears this browser's cookie. API tokens are not
 * sessions and go on working (revoked one by one, or by a password change).
 */
export async function endAllSessions(appliance: Appliance, ctx: Context, caller: Caller): Promise<void> {
  await appliance.users.endSessions(caller.user.id);
  appliance.browserSession.clear(ctx);
}

/**
 * Changes the caller's own password. A wrong current password counts as a failed login, and a
 * locked account cannot try: a stolen session must not become a way around the login's limits.
 */
export async function changeOwnPassword(
  appliance: Appliance,
  ctx: Context,
  user: { id: string; email: string },
  current: string,
  next: string,
): Promise<number> {
  let wrongCurrent: DomainError | undefined;
  const revoked = await appliance.loginGuard.check(user.email, ctx.ip, async () => {
    try {
      return await appliance.users.changePassword(user.id, current, next);
    } catch (err) {
      if (!(err instanceof DomainError && err.details?.field === 'currentPassword')) throw err;
      wrongCurrent = err;
      return undefined;
    }
  });
  if (wrongCurrent) throw wrongCurrent;
  return revoked ?? 0;
}
