/**
 * Browser sessions, the same way in both services: the cookie, the CSRF check, and what ends a
 * session.
 *
 * - The cookie holds a `SessionTokens` JWT: HttpOnly (no script reads it), SameSite=Strict (no
 *   other site's page sends it), Secure when the request came over TLS — directly or, with
 *   TRUST_PROXY, through the proxy's X-Forwarded-Proto (`ctx.secure` says which).
 * - CSRF: a write (any method but GET, HEAD, OPTIONS) made with the cookie must echo the session's
 *   CSRF token, as the `X-CSRF-Token` header or, for a page's form, the `_csrf` field; the two are
 *   compared in constant time (`sameToken`). A bearer-token call needs none: no browser sends one
 *   on its own.
 * - What ends a session, in both services:
 *   - logout ends THIS session: its `jti` goes on the revocation list (`RevokedSessions`) until the
 *     token expires, so a copy of the cookie stops working too; the user's other sessions (another
 *     browser) go on. Should the list be full, every session of the user ends instead — the one
 *     logging out must end;
 *   - "Fermer toutes mes sessions" (a POST with CSRF from the account page) ends every session of
 *     the user, this one included: the user's session epoch moves on;
 *   - a password change ends the user's other sessions (the epoch moves on) and starts a new one
 *     for the browser that made it.
 */
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { readForm, sameToken } from './forms.js';
import type { Logger } from '../log.js';
import type { SessionRevocations } from './revokedSessions.js';
import type { SessionClaims, SessionTokens } from './sessionTokens.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads change nothing, so they need no CSRF token (and must change nothing). */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/** The CSRF token a write sent: the `X-CSRF-Token` header, else (pages only) an urlencoded form's `_csrf` field. */
export async function sentCsrfToken(ctx: Context, { form }: { form: boolean }): Promise<string> {
  const header = ctx.get('x-csrf-token');
  if (header || !form || !ctx.is('application/x-www-form-urlencoded')) return header;
  return (await readForm(ctx)).get('_csrf') ?? '';
}

/** Throws `csrf_failed` unless `sent` is the session's token (constant-time comparison). */
export function checkCsrfToken(sent: string, expected: string): void {
  if (!sameToken(sent, expected)) throw new DomainError('csrf_failed', 'missing or wrong CSRF token: reload the page and try again');
}

export interface BrowserSessionOptions {
  /** The cookie's name (one per service). */
  cookie: string;
  tokens: SessionTokens;
  revoked: SessionRevocations;
  /** Ends every session of a user (moves their session epoch on): what a logout does when the revocation list is full. */
  endEverySession(userId: string): Promise<void>;
  log: Logger;
}

/** One service's session cookie: issue, verify, end, clear. */
export class BrowserSession {
  constructor(private readonly o: BrowserSessionOptions) {}

  /** Starts a session (login, a password change): sets the cookie, returns the session's CSRF token. */
  async issue(ctx: Context, s: { userId: string; epoch: number; audience: string; now: Date; hours: number }): Promise<string> {
    const { jwt, csrf } = await this.o.tokens.issue(s.userId, s.epoch, s.audience, s.now, s.hours);
    ctx.cookies.set(this.o.cookie, jwt, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      path: '/',
      maxAge: s.hours * 3_600_000,
      overwrite: true,
    });
    return csrf;
  }

  /**
   * The claims of the session this request's cookie carries, or undefined: no cookie, forged,
   * expired, for another audience, or ended by a logout — which reads as no session at all, like
   * an expired one (the browser is sent to the login page; a copied cookie learns nothing more).
   * The caller still checks the user and the epoch.
   */
  async verify(ctx: Context, audience: string, now: Date): Promise<SessionClaims | undefined> {
    const cookie = ctx.cookies.get(this.o.cookie);
    if (!cookie) return undefined;
    const claims = await this.o.tokens.verify(cookie, audience, now);
    return claims && !(await this.o.revoked.has(claims.jti)) ? claims : undefined;
  }

  /**
   * Logout: revokes this session until its token expires and clears the cookie. Should the
   * revocation list be full, every session of the user ends instead: the one logging out must end.
   * Without a session (anonymous, or an API token) only the cookie is cleared. Resolves false when
   * the list was full and every session of the user ended.
   */
  async end(ctx: Context, session: Pick<SessionClaims, 'sub' | 'jti' | 'exp'> | null | undefined): Promise<boolean> {
    const revoked = session ? await this.o.revoked.revoke(session.jti, session.exp) : true;
    if (session && !revoked) {
      this.o.log.warn({ userId: session.sub }, 'sessions: the revocation list is full; logout ended every session of the user');
      await this.o.endEverySession(session.sub);
    }
    this.clear(ctx);
    return revoked;
  }

  /** Clears the cookie in this browser (the session itself is ended by `end` or an epoch bump). */
  clear(ctx: Context): void {
    ctx.cookies.set(this.o.cookie, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true });
  }
}
