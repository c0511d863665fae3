/**
 * The login's second step (docs/second-factor.md). After a right password, a user with a second
 * factor gets no session yet: a pending-login cookie (auth/pendingLogin.ts) and the verification
 * page; a user the policy covers who has none gets the same cookie and the setup page. The session
 * starts in `finishLogin`, whichever way the factor was proven (an app's code, a recovery code, a
 * passkey). Wrong codes count in the login guard like wrong passwords: the same lock-out, per
 * account and address.
 *
 * Single sign-on starts its sessions itself (startSession): the identity provider's own second
 * factor applies there, and none is asked here.
 */
import type { Context } from 'koa';
import type { Appliance } from '../appliance.js';
import type { User } from '../storage/userStore.js';
import { hasSecondFactor } from '../domain/secondFactor/hasSecondFactor.js';
import { sessionAudience } from './authenticate.js';
import { startSession } from './sessionActions.js';
import type { PendingLogin } from './pendingLogin.js';

export type { PendingLogin } from './pendingLogin.js';
export const VERIFICATION_PAGE = '/connexion/verification';
export const ENROLMENT_PAGE = '/compte/double-facteur';

/**
 * After a right password: starts the session, or the second step. Returns where to send the browser.
 * `next` has been checked by safeNext.
 */
export async function beginLogin(appliance: Appliance, ctx: Context, user: User, next: string): Promise<string> {
  const stage = hasSecondFactor(user, appliance.passkeys) ? 'verify' : appliance.secondFactors.mustEnrol(user) ? 'enrol' : null;
  if (stage === null) {
    await startSession(appliance, ctx, user.id, user.sessionEpoch);
    return next;
  }
  await appliance.pendingLogins.set(
    ctx,
    { userId: user.id, epoch: user.sessionEpoch, next, stage },
    sessionAudience(appliance),
    appliance.clock(),
  );
  return stage === 'verify' ? VERIFICATION_PAGE : ENROLMENT_PAGE;
}

/** The pending login of this browser, if it is still good: unexpired, its user active, nothing reset since. */
export async function pendingLoginOf(appliance: Appliance, ctx: Context): Promise<(PendingLogin & { user: User }) | undefined> {
  const pending = await appliance.pendingLogins.read(ctx, sessionAudience(appliance), appliance.clock());
  if (!pending) return undefined;
  const user = appliance.users.byId(pending.userId);
  if (!user || !user.active || user.sessionEpoch !== pending.epoch) return undefined;
  return { ...pending, user };
}

/**
 * The second factor is proven: the session starts and the pending cookie goes. Returns where to
 * send the browser (the page asked for before the login).
 */
export async function finishLogin(
  appliance: Appliance,
  ctx: Context,
  pending: PendingLogin,
  method: 'totp' | 'recovery' | 'passkey',
): Promise<string> {
  const user = appliance.users.get(pending.userId);
  await startSession(appliance, ctx, user.id, user.sessionEpoch);
  appliance.pendingLogins.clear(ctx);
  appliance.log.info({ userId: user.id, method }, 'login: second factor accepted');
  return pending.next;
}

/**
 * Runs a check of a code under the login guard: a refused code counts as a failed login for the
 * account and address (lock-out after LOGIN_MAX_FAILURES), an accepted one as a success. Throws
 * `rate_limited` while locked. Returns the check's result.
 */
export async function guardedCodeCheck<T>(
  appliance: Appliance,
  ctx: Context,
  email: string,
  check: () => Promise<T>,
  accepted: (result: T) => boolean,
): Promise<T> {
  let result: T | undefined;
  await appliance.loginGuard.check(email, ctx.ip, async () => {
    result = await check();
    return accepted(result) ? true : undefined;
  });
  return result as T;
}

/** The app's code of `user`, checked under the login guard: the one check the API login, the
 * verification step and the account page's confirmations share. */
export function guardedAppCode(appliance: Appliance, ctx: Context, user: Pick<User, 'id' | 'email'>, code: string) {
  return guardedCodeCheck(
    appliance,
    ctx,
    user.email,
    () => appliance.secondFactors.checkTotp(user.id, code),
    (r) => r === 'ok',
  );
}

/** "123 456" is an app's code; anything longer is a recovery code. */
export function looksLikeTotp(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s+/g, ''));
}
