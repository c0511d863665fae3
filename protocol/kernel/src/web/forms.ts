/**
 * HTML forms: the bounded urlencoded body, a CSRF token for forms shown before anyone is logged in
 * (login, setup) — a double-submit cookie, since there is no session yet — and the only redirect
 * targets a form may name.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { DomainError } from '@iamanager/protocol';

const PRE_SESSION_COOKIE = 'iam_form';
const FORM_LIMIT = 256 * 1024;

/**
 * The urlencoded form, read once (bounded) and kept in `ctx.state.form`: the CSRF check of a
 * session write may have read it already.
 */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (ctx.state.form instanceof URLSearchParams) return ctx.state.form;
  if (!ctx.is('application/x-www-form-urlencoded'))
    throw new DomainError('unsupported_media_type', 'send the form as application/x-www-form-urlencoded');
  const text = await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf8' }).catch(() => {
    throw new DomainError('payload_too_large', 'the form is larger than 256 KiB');
  });
  const form = new URLSearchParams(text);
  ctx.state.form = form;
  return form;
}

/** Plain text of a form field, trimmed, bounded. */
export function formText(form: URLSearchParams, name: string, max = 500): string {
  return (form.get(name) ?? '').trim().slice(0, max);
}

/** Constant-time comparison of two tokens (false when either is empty). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length > 0 && x.length === y.length && timingSafeEqual(x, y);
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
  if (!sameToken(ctx.cookies.get(PRE_SESSION_COOKIE) ?? '', form.get('_csrf') ?? '')) {
    throw new DomainError('csrf_failed', 'missing or wrong CSRF token: reload the page and try again');
  }
}

/** Only same-site relative paths are followed after login or a language switch (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}
