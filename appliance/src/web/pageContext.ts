/**
 * What every page route needs from a request: the locale (cookie, French by default), the page
 * frame (branding, user, CSRF token), the submitted form, and a CSRF token for forms shown before
 * anyone is logged in (setup wizard, login) — a double-submit cookie, since there is no session yet.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { DomainError } from '@iamanager/protocol';
import type { Appliance } from '../appliance.js';
import type { Caller } from '../auth/authenticate.js';
import { CATALOGUES, LOCALES, type Locale, type Messages } from './messages.js';
import type { Chrome } from './viewModels.js';

export const LOCALE_COOKIE = 'iam_lang';
const PRE_SESSION_COOKIE = 'iam_form';

export function localeOf(ctx: Context): Locale {
  const v = ctx.cookies.get(LOCALE_COOKIE);
  return (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : 'fr';
}

export function messagesOf(ctx: Context): Messages {
  return CATALOGUES[localeOf(ctx)];
}

export function callerOrNone(ctx: Context): Caller | undefined {
  return ctx.state.caller as Caller | undefined;
}

/** The page frame for this request. `csrf` is the session's token, or a pre-session one. */
export function chromeOf(appliance: Appliance, ctx: Context, csrf?: string): Chrome {
  const caller = callerOrNone(ctx);
  const id = appliance.config.identity;
  return {
    locale: localeOf(ctx),
    cabinetName: id.name ?? appliance.license.cabinetId ?? appliance.config.clientId ?? 'IAManager',
    color: id.color,
    logoUrl: id.logo ? '/static/logo' : null,
    user: caller ? { name: caller.user.name, email: caller.user.email, isAdmin: caller.permissions.has('admin.view') } : null,
    csrf: csrf ?? caller?.csrf ?? null,
    path: ctx.path,
  };
}

/**
 * The urlencoded form: already read by the authentication middleware for session writes (it
 * checks `_csrf` there), read here (bounded) otherwise.
 */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (ctx.state.form instanceof URLSearchParams) return ctx.state.form;
  if (!ctx.is('application/x-www-form-urlencoded')) throw new DomainError('unsupported_media_type', 'send the form as application/x-www-form-urlencoded');
  const text = await getRawBody(ctx.req, { limit: 256 * 1024, encoding: 'utf8' }).catch(() => {
    throw new DomainError('payload_too_large', 'the form is larger than 256 KiB');
  });
  const form = new URLSearchParams(text);
  ctx.state.form = form;
  return form;
}

/** Issues (or reuses) the pre-session CSRF token, set as an HttpOnly SameSite=Strict cookie. */
export function preSessionToken(ctx: Context): string {
  const existing = ctx.cookies.get(PRE_SESSION_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{24}$/.test(existing)) return existing;
  const token = randomBytes(18).toString('base64url');
  ctx.cookies.set(PRE_SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', overwrite: true });
  return token;
}

/** Checks the form's `_csrf` against the pre-session cookie; throws `csrf_failed` otherwise. */
export function checkPreSessionToken(ctx: Context, form: URLSearchParams): void {
  const cookie = Buffer.from(ctx.cookies.get(PRE_SESSION_COOKIE) ?? '');
  const sent = Buffer.from(form.get('_csrf') ?? '');
  if (cookie.length === 0 || cookie.length !== sent.length || !timingSafeEqual(cookie, sent)) {
    throw new DomainError('csrf_failed', 'missing or wrong CSRF token: reload the page and try again');
  }
}

/** Plain text of a form field, trimmed, bounded. */
export function text(form: URLSearchParams, name: string, max = 500): string {
  return (form.get(name) ?? '').trim().slice(0, max);
}
