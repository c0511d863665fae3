/**
 * Who is calling: a personal API token (`Authorization: Bearer iam_…`, for scripts) or the session
 * cookie (browsers). Cookie-authenticated writes must carry the session's CSRF token
 * (`X-CSRF-Token` header or `_csrf` form field); token-authenticated ones need none, as no browser
 * sends a bearer token on its own. The token is never read from the query string: a URL ends up in
 * logs, history and Referer headers, and a link is all it would take to forge a write with it.
 * The cookie, the CSRF check and what ends a session are the shared web kernel's
 * (protocol/kernel/src/web/browserSession.ts), as on the control plane's dashboard.
 */
import type { Context, Next } from 'koa';
import { checkCsrfToken, isSafeMethod, sentCsrfToken } from '@iamanager/kernel/web';
import type { Permission } from './permissions.js';
import type { SessionClaims } from './sessions.js';
import type { Appliance } from '../appliance.js';
import type { User } from '../storage/userStore.js';
import { ApplianceError } from '../errors.js';

export interface Caller {
  user: User;
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'token';
  csrf: string | null;
  /** The session's id and expiry (what a logout revokes); null for an API token. */
  session: Pick<SessionClaims, 'sub' | 'jti' | 'exp'> | null;
}

export function sessionAudience(appliance: Appliance): string {
  return appliance.license.cabinetId ?? appliance.config.clientId ?? 'unenrolled';
}

/** Resolves the caller if any; never throws for a missing or bad credential (routes decide). */
export async function identify(appliance: Appliance, ctx: Context): Promise<Caller | undefined> {
  const header = ctx.get('authorization');
  // The scheme is case-insensitive (RFC 9110 §11.1), and "Bearer" alone — the token lost on the
  // way — is a failed attempt, not an anonymous visit. Other schemes (a proxy's Basic auth in
  // front of the appliance) are not ours to judge and are ignored.
  const bearer = /^bearer(?:\s+(.*))?$/i.exec(header);
  if (bearer) {
    const user = await appliance.users.useToken((bearer[1] ?? '').trim());
    if (!user) throw new ApplianceError('unauthorized', 'the API token is unknown, revoked or belongs to a disabled user');
    return { user, permissions: appliance.users.permissionsOf(user), via: 'token', csrf: null, session: null };
  }
  // A session ended by a logout reads as no session at all, like an expired one.
  const claims = await appliance.browserSession.verify(ctx, sessionAudience(appliance), appliance.clock());
  if (!claims) return undefined;
  const user = appliance.users.byId(claims.sub);
  if (!user || !user.active || user.sessionEpoch !== claims.epoch) return undefined;
  return {
    user,
    permissions: appliance.users.permissionsOf(user),
    via: 'session',
    csrf: claims.csrf,
    session: { sub: claims.sub, jti: claims.jti, exp: claims.exp },
  };
}

/**
 * The upload routes: the only ones that read a CSRF token from a multipart body (`receiveUpload`).
 * A multipart session write elsewhere needs the header, like any other write.
 */
const UPLOAD_ROUTES = [
  /^\/api\/cases\/[^/]+\/documents$/,
  /^\/dossiers\/[^/]+\/pieces$/,
  // A cabinet's replacement of a draft template (web/routes/draftPages.tsx).
  /^\/modeles\/[a-z_]+$/,
  // A deadline's Télérecours receipt (docs/deadlines.md).
  /^\/api\/cases\/[^/]+\/deadlines\/[^/]+\/receipt$/,
  /^\/dossiers\/[^/]+\/echeances\/[^/]+\/accuse$/,
];

/** What a session with a temporary password may still reach: the password change, logout, language, assets. */
const PASSWORD_CHANGE_OPEN = [
  /^\/mot-de-passe(\/sessions)?$/,
  /^\/deconnexion$/,
  /^\/langue$/,
  /^\/static\//,
  /^\/api\/auth\/(password|logout|me)$/,
];

/** Koa middleware: sets `ctx.state.caller` and enforces CSRF on cookie-authenticated writes. */
export function authenticate(appliance: Appliance) {
  return async function authenticateRequest(ctx: Context, next: Next): Promise<void> {
    let caller = await identify(appliance, ctx);
    if (caller?.via === 'session' && !isSafeMethod(ctx.method)) {
      // HTML forms post `_csrf` in the urlencoded body (read here, bounded, and kept in
      // `ctx.state.form` for the route); uploads (multipart) carry it as their first field instead.
      const sent = await sentCsrfToken(ctx, { form: true });
      if (!sent && ctx.is('multipart/form-data') && UPLOAD_ROUTES.some((r) => r.test(ctx.path))) {
        // An upload form's token is a field of its streamed body: until the upload route has read
        // it (see uploaderOf), the request has no caller, so nothing can act on it before that.
        ctx.state.uploadCaller = caller;
        caller = undefined;
      } else checkCsrfToken(sent, caller.csrf ?? '');
    }
    ctx.state.caller = caller;
    if (caller?.user.mustChangePassword && !PASSWORD_CHANGE_OPEN.some((r) => r.test(ctx.path))) {
      // A temporary password (an invitation or a reset, docs/administration.md) reaches only the
      // password page: an API call is refused, a page goes to the form.
      if (ctx.path.startsWith('/api/'))
        throw new ApplianceError(
          'password_change_required',
          'choose your own password first: POST /api/auth/password (currentPassword, newPassword)',
        );
      ctx.status = 303;
      ctx.redirect('/mot-de-passe');
      return;
    }
    await next();
    // Someone used the appliance: remember the time (at most once a minute), so a clock set back
    // later cannot revive an expired license. Only after a request that succeeded (a refused one
    // writes nothing), and never delaying or failing it.
    if (caller && ctx.status < 400)
      appliance.clockGuard.observe().catch((err: unknown) => appliance.log.warn({ err }, 'clock: could not record the time seen'));
  };
}

/** The caller, or 401 when nobody is logged in. */
export function callerOf(ctx: Context): Caller {
  const caller = ctx.state.caller as Caller | undefined;
  if (!caller) throw new ApplianceError('unauthorized', 'log in first (session cookie or Authorization: Bearer <personal API token>)');
  return caller;
}

/**
 * The caller of an upload route, holding `permission`, and the CSRF token its multipart body must
 * carry in a `_csrf` field before the file (null when the request was authenticated otherwise:
 * a header token, or an API token).
 */
export function uploaderOf(ctx: Context, permission: Permission): { caller: Caller; bodyCsrf: string | null } {
  const deferred = ctx.state.uploadCaller as Caller | undefined;
  if (!deferred) return { caller: requirePermission(ctx, permission), bodyCsrf: null };
  if (!deferred.permissions.has(permission))
    throw new ApplianceError('forbidden', `your role (${deferred.user.role}) does not allow this (${permission})`);
  return { caller: deferred, bodyCsrf: deferred.csrf ?? '' };
}

/** The caller if they hold `permission`; 401 or 403 otherwise. */
export function requirePermission(ctx: Context, permission: Permission): Caller {
  const caller = callerOf(ctx);
  if (!caller.permissions.has(permission))
    throw new ApplianceError('forbidden', `your role (${caller.user.role}) does not allow this (${permission})`);
  return caller;
}
