/**
 * Dashboard sessions: a signed cookie (HttpOnly, SameSite=Strict, Secure when the request came
 * over TLS — directly or, with TRUST_PROXY, through the proxy's X-Forwarded-Proto) naming the
 * admin and the session's CSRF token. The same session authenticates `/api/v1`, as a Bearer
 * token does; any write made with it must echo the CSRF token, as the `_csrf`
 * form field or the `X-CSRF-Token` header — a browser never sends those on its own.
 */
import type { Context, Next } from 'koa';
import { readForm, sameToken, type SessionTokens } from '@iamanager/kernel/web';
import type { Authenticator } from '../auth/authenticate.js';
import type { AdminDirectory, AdminIdentity } from '../domain/admins.js';
import type { Clock } from '../clock.js';
import { ControlPlaneError } from '../errors.js';

export const SESSION_COOKIE = 'cp_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface DashboardSessions {
  tokens: SessionTokens;
  admins: AdminDirectory;
  clock: Clock;
  /** The cookie's audience: this control plane only. */
  audience: string;
  hours: number;
}

export interface SessionCaller {
  admin: AdminIdentity;
  csrf: string;
}

/** The admin whose session cookie this request carries, or undefined (no cookie, forged, expired, logged out). */
export async function sessionCaller(s: DashboardSessions, ctx: Context): Promise<SessionCaller | undefined> {
  const cookie = ctx.cookies.get(SESSION_COOKIE);
  if (!cookie) return undefined;
  const claims = await s.tokens.verify(cookie, s.audience, s.clock());
  const admin = claims && s.admins.sessionIdentity(claims.sub, claims.epoch);
  return admin && claims ? { admin, csrf: claims.csrf } : undefined;
}

/** Throws `csrf_failed` unless a write carries the session's CSRF token (header, or form field for pages). */
async function checkCsrf(ctx: Context, caller: SessionCaller, allowForm: boolean): Promise<void> {
  if (SAFE_METHODS.has(ctx.method)) return;
  const sent = ctx.get('x-csrf-token') || (allowForm && ctx.is('application/x-www-form-urlencoded') ? ((await readForm(ctx)).get('_csrf') ?? '') : '');
  if (!sameToken(sent, caller.csrf)) throw new ControlPlaneError('csrf_failed', 'missing or wrong CSRF token: reload the page and try again');
}

/** Dashboard middleware: puts the session's admin and CSRF token on `ctx.state` (or nothing), checking CSRF on writes. */
export function dashboardSession(s: DashboardSessions) {
  return async function identifySession(ctx: Context, next: Next): Promise<void> {
    const caller = await sessionCaller(s, ctx);
    if (caller) {
      await checkCsrf(ctx, caller, true);
      ctx.state.admin = caller.admin;
      ctx.state.csrf = caller.csrf;
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
  const { jwt, csrf } = await s.tokens.issue(admin.id, s.admins.sessionEpoch(admin.id), s.audience, s.clock(), s.hours);
  ctx.cookies.set(SESSION_COOKIE, jwt, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: s.hours * 3_600_000, overwrite: true });
  return csrf;
}

/** Logout: ends every session of the admin (the epoch moves on) and clears the cookie. */
export async function endSession(s: DashboardSessions, ctx: Context, admin: AdminIdentity | undefined): Promise<void> {
  if (admin) await s.admins.endSessions(admin.id);
  ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true });
}
