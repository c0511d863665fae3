/**
 * Dashboard sessions: the shared web kernel's session cookie (protocol/kernel/src/web/
 * browserSession.ts: HttpOnly, SameSite=Strict, Secure when the request came over TLS — directly
 * or, with TRUST_PROXY, through the proxy's X-Forwarded-Proto) naming the admin and the session's
 * CSRF token. The same session authenticates `/api/v1`, as a Bearer token does; any write made
 * with it must echo the CSRF token, as the `_csrf` form field or the `X-CSRF-Token` header — a
 * browser never sends those on its own. Logout ends this session (its id is revoked until it
 * expires, in DATA_DIR/dashboard-revoked-sessions.json); "Fermer toutes mes sessions" ends every
 * session of the admin; a password change ends the others — as on the appliance.
 */
import type { Context, Next } from 'koa';
import { checkCsrfToken, isSafeMethod, sentCsrfToken, type BrowserSession } from '@iamanager/kernel/web';
import type { Authenticator } from '../auth/authenticate.js';
import type { AdminDirectory, AdminIdentity } from '../domain/admins.js';
import type { AdminSecondFactors } from '../domain/adminSecondFactor.js';
import type { Clock } from '../clock.js';

export const SESSION_COOKIE = 'cp_session';
/** The dashboard's revocation list, in DATA_DIR (what a logout writes). */
export const REVOKED_SESSIONS_FILE = 'dashboard-revoked-sessions.json';

export interface DashboardSessions {
  cookie: BrowserSession;
  admins: AdminDirectory;
  /** A session of an admin whose role requires a second factor they lack is refused (adminSecondFactor.ts). */
  secondFactors: Pick<AdminSecondFactors, 'blocksSession'>;
  clock: Clock;
  /** The cookie's audience: this control plane only. */
  audience: string;
  hours: number;
}

export interface SessionCaller {
  admin: AdminIdentity;
  csrf: string;
  /** The session's id and expiry: what a logout revokes. */
  session: { sub: string; jti: string; exp: number };
}

/** The admin whose session cookie this request carries, or undefined (no cookie, forged, expired, logged out). */
export async function sessionCaller(s: DashboardSessions, ctx: Context): Promise<SessionCaller | undefined> {
  const claims = await s.cookie.verify(ctx, s.audience, s.clock());
  const found = claims && (await s.admins.sessionIdentity(claims.sub, claims.epoch));
  // A session from before the policy applied to this admin (an upgrade, a changed setting) ends: they enrol at their next login.
  const admin = found && !(await s.secondFactors.blocksSession(found)) ? found : undefined;
  return admin && claims ? { admin, csrf: claims.csrf, session: { sub: claims.sub, jti: claims.jti, exp: claims.exp } } : undefined;
}

/** Throws `csrf_failed` unless a write carries the session's CSRF token (header, or form field for pages). */
async function checkCsrf(ctx: Context, caller: SessionCaller, allowForm: boolean): Promise<void> {
  if (isSafeMethod(ctx.method)) return;
  checkCsrfToken(await sentCsrfToken(ctx, { form: allowForm }), caller.csrf);
}

/** Dashboard middleware: puts the session's admin, CSRF token and id on `ctx.state` (or nothing), checking CSRF on writes. */
export function dashboardSession(s: DashboardSessions) {
  return async function identifySession(ctx: Context, next: Next): Promise<void> {
    const caller = await sessionCaller(s, ctx);
    if (caller) {
      await checkCsrf(ctx, caller, true);
      ctx.state.admin = caller.admin;
      ctx.state.csrf = caller.csrf;
      ctx.state.session = caller.session;
    }
    await next();
  };
}

/** `/api/v1` authenticator for the session cookie: JSON writes must send `X-CSRF-Token`. */
export function sessionAuthenticator(s: DashboardSessions): Authenticator {
  return async (ctx) => {
    const caller = await sessionCaller(s, ctx);
    if (!caller) return undefined;
    await checkCsrf(ctx, caller, false);
    return caller.admin;
  };
}

/** Starts a session after a good login; returns its CSRF token. */
export async function startSession(s: DashboardSessions, ctx: Context, admin: AdminIdentity): Promise<string> {
  return s.cookie.issue(ctx, {
    userId: admin.id,
    epoch: await s.admins.sessionEpoch(admin.id),
    audience: s.audience,
    now: s.clock(),
    hours: s.hours,
  });
}

/**
 * Logout: ends this session (revoked until its token expires) and clears the cookie; the admin's
 * other sessions go on. Should the revocation list be full, every session of the admin ends
 * instead. Without a session only the cookie is cleared.
 */
export async function endSession(s: DashboardSessions, ctx: Context): Promise<void> {
  await s.cookie.end(ctx, ctx.state.session as SessionCaller['session'] | undefined);
}

/** "Fermer toutes mes sessions": every session of the admin ends, this one included (the epoch moves on). */
export async function endAllSessions(s: DashboardSessions, ctx: Context, admin: AdminIdentity): Promise<void> {
  await s.admins.endSessions(admin.id);
  s.cookie.clear(ctx);
}
