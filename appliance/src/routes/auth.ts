/**
 * Login, logout, who am I, password change. Each password check goes through the login guard
 * (lock-out per account and address, bounded hashing queue: protocol/kernel/src/web/loginGuard.ts);
 * the session cookie is HttpOnly, SameSite=Strict, and Secure when served over HTTPS. Logout ends
 * the session on the server too, so a copy of the cookie stops working with it.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { parseBody } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { callerOf, sessionAudience, type Caller } from '../auth/authenticate.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { presentUser } from '../presenters/user.js';
import { ApplianceError } from '../errors.js';

const loginSchema = z.strictObject({
  email: z.string().trim().min(1, { error: 'is required' }).max(254),
  password: z.string().min(1, { error: 'is required' }).max(200),
});
const passwordChangeSchema = z.strictObject({ currentPassword: z.string().max(200), newPassword: z.string().max(200) });

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

export function authRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api/auth' });

  router.post('/login', async (ctx) => {
    const { email, password } = await parseBody(ctx, loginSchema, { limit: 8 * 1024 });
    const account = email.toLowerCase();
    const user = await appliance.loginGuard.check(account, ctx.ip, () => appliance.users.checkPassword(account, password));
    if (!user) throw new ApplianceError('unauthorized', 'wrong email or password');
    const csrfToken = await startSession(appliance, ctx, user.id, user.sessionEpoch);
    ctx.body = { user: presentUser(user), permissions: [...appliance.users.permissionsOf(user)], csrfToken };
  });

  router.post('/logout', async (ctx) => {
    await endSession(appliance, ctx);
    ctx.body = { ok: true };
  });

  router.get('/me', (ctx) => {
    const caller = callerOf(ctx);
    ctx.body = { user: presentUser(caller.user), permissions: [...caller.permissions], csrfToken: caller.csrf };
  });

  router.post('/password', async (ctx) => {
    const caller = callerOf(ctx);
    const body = await parseBody(ctx, passwordChangeSchema);
    const tokensRevoked = await changeOwnPassword(appliance, ctx, caller.user, body.currentPassword, body.newPassword);
    // Other sessions end (epoch bumped), and so do the personal API tokens; this session continues
    // with a fresh cookie.
    const user = appliance.users.get(caller.user.id);
    const csrfToken = caller.via === 'session' ? await startSession(appliance, ctx, user.id, user.sessionEpoch) : null;
    ctx.body = { ok: true, csrfToken, tokensRevoked };
  });

  return router;
}
