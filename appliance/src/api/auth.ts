/**
 * Login, logout, who am I, password change. Each password check goes through the login guard
 * (lock-out per account and address, bounded hashing queue: protocol/kernel/src/web/loginGuard.ts);
 * the session cookie is HttpOnly, SameSite=Strict, and Secure when served over HTTPS. Logout ends
 * the session on the server too, so a copy of the cookie stops working with it.
 */
import Router from '@koa/router';
import { z } from 'zod';
import { parseBody } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { callerOf } from '../auth/authenticate.js';
import { changeOwnPassword, endSession, startSession } from '../auth/sessionActions.js';
import { presentUser } from '../presenters/user.js';
import { ApplianceError } from '../errors.js';
import { checkApiSecondFactor } from '../auth/apiSecondFactor.js';

const loginSchema = z.strictObject({
  email: z.string().trim().min(1, { error: 'is required' }).max(254),
  password: z.string().min(1, { error: 'is required' }).max(200),
  /** The second factor, for a user who has one: the app's 6 digits or a recovery code (docs/second-factor.md). */
  code: z.string().max(64).optional(),
});
const passwordChangeSchema = z.strictObject({ currentPassword: z.string().max(200), newPassword: z.string().max(200) });

export function authRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api/auth' });

  router.post('/login', async (ctx) => {
    const { email, password, code } = await parseBody(ctx, loginSchema, { limit: 8 * 1024 });
    const account = email.toLowerCase();
    const user = await appliance.loginGuard.check(account, ctx.ip, () => appliance.users.checkPassword(account, password));
    if (!user) throw new ApplianceError('unauthorized', 'wrong email or password');
    // Single sign-on may have turned password login off (docs/single-sign-on.md); API tokens are not affected.
    appliance.oidcSettings.assertPasswordLogin(user);
    await checkApiSecondFactor(appliance, ctx, user, code);
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
