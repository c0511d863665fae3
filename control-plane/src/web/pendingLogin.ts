/**
 * Between the right password and the second factor: a short-lived signed cookie naming the admin,
 * which is not a session — no page, no API call accepts it; only the verification and forced
 * enrolment steps of `/connexion` read it. It is signed with the dashboard's session secret under
 * a purpose of its own (a session cookie is not a pending one, nor the reverse), carries the
 * admin's session epoch (a reset or a disable in between voids it), and lives PENDING_LOGIN_MINUTES:
 * past that, the password is asked again.
 */
import type { Context } from 'koa';
import type { SessionTokens } from '@iamanager/kernel/web';
import type { AdminDirectory, AdminIdentity } from '../domain/admins.js';
import type { Clock } from '../clock.js';

export const PENDING_COOKIE = 'cp_pending';
/** A quarter of an hour (as hours, exact in binary): time to open the application and type the code. */
const PENDING_LOGIN_HOURS = 0.25;
export const PENDING_LOGIN_MINUTES = PENDING_LOGIN_HOURS * 60;
/** The cookie is sent to the second step's pages only. */
const COOKIE_PATH = '/connexion';

export interface PendingLogins {
  tokens: SessionTokens;
  audience: string;
  admins: AdminDirectory;
  clock: Clock;
}

export async function issuePendingLogin(p: PendingLogins, ctx: Context, admin: AdminIdentity): Promise<void> {
  const { jwt } = await p.tokens.issue(admin.id, await p.admins.sessionEpoch(admin.id), p.audience, p.clock(), PENDING_LOGIN_HOURS);
  ctx.cookies.set(PENDING_COOKIE, jwt, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: COOKIE_PATH,
    maxAge: PENDING_LOGIN_HOURS * 3_600_000,
    overwrite: true,
  });
}

/** The admin whose password this browser gave in the last PENDING_LOGIN_MINUTES, or undefined. */
export async function pendingLoginAdmin(p: PendingLogins, ctx: Context): Promise<AdminIdentity | undefined> {
  const cookie = ctx.cookies.get(PENDING_COOKIE);
  if (!cookie) return undefined;
  const claims = await p.tokens.verify(cookie, p.audience, p.clock());
  return claims ? p.admins.sessionIdentity(claims.sub, claims.epoch) : undefined;
}

export function clearPendingLogin(ctx: Context): void {
  ctx.cookies.set(PENDING_COOKIE, '', {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: COOKIE_PATH,
    maxAge: 0,
    overwrite: true,
  });
}
