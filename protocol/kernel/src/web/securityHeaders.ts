/**
 * The security headers every server-rendered page of both services carries, and the one way to
 * send such a page. No page ever emits an inline script or style, so the CSP can forbid both.
 */
import type { Context } from 'koa';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers for web responses; HSTS only when the request came over HTTPS (RFC 6797 §7.2). */
export function setSecurityHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
}

/** Sends a rendered HTML document with the security headers; pages are never cached (they show private data). */
export function sendHtml(ctx: Context, html: string, status = 200): void {
  setSecurityHeaders(ctx);
  ctx.set('Cache-Control', 'no-store');
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}
