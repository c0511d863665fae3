/**
 * What starts and ends a browser session, for the API and the pages alike: login (and the setup
 * wizard's first admin), logout, and a password change, which ends the user's other sessions.
 */
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import type { Appliance } from '../appliance.js';
import { sessionAudience, type Caller } from './authenticate.js';
import { SESSION_COOKIE } from './sessions.js';

/** Starts a session for `userId` (login, and the setup wizard right after creating the first admin). */
export async function startSession(appliance: Appliance, ctx: Context, userId: string, epoch: number): Promise<string> {
  const { jwt, csrf } = await appliance.sessions.issue(userId, epoch, sessionAudience(appliance), appliance.clock(), appliance.config.sessionHours);
  ctx.cookies.set(SESSION_COOKIE, jwt, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: appliance.config.sessionHours * 3_600_000, overwrite: true });
  return csrf;
}

/**
 * Logout (the API's and the page's): revokes the caller's session until its token expires, then
 * clears the cookie. Other sessions of the same user (another browser) go on. Should the
 * revocation list be full, every session of the user ends instead: the one logging out must end.
 * Without a session (anonymous, or an API token) only the cookie is cleared.
 */
export async function endSession(appliance: Appliance, ctx: Context): Promise<void> {
  const caller = ctx.state.caller as Caller | undefined;
  if (caller?.session) {
    const revoked = await appliance.revokedSessions.revoke(caller.session.jti, caller.session.exp);
    if (!revoked) {
      appliance.log.warn({ userId: caller.user.id }, 'sessions: the revocation list is full; logout ended every session of the user');
      await appliance.users.endSessions(caller.user.id);
    }
  }
  ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: 0 });
}

/**
 * Changes the caller's own password. A wrong current password counts as a failed login, and a
 * locked account cannot try: a stolen session must not become a way around the login's limits.
 */
export async function changeOwnPassword(appliance: Appliance, ctx: Context, user: { id: string; email: string }, current: string, next: string): Promise<number> {
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
