/**
 * Sends a page: `<!doctype html>` + the component rendered by preact-render-to-string (which
 * escapes every text and attribute value), with the security headers every response of the web UI
 * carries. No inline script or style is ever emitted, so the CSP can forbid both.
 */
import type { Context } from 'koa';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

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

/** The HTML of a page component, as a string (what unit tests assert on). */
export function renderHtml(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

/**
 * A form shown again with its messages answers 200: it is the page the visitor asked for, and a
 * 4xx document makes browsers log a console error. Real failures (404, 403) keep their status.
 */
export function sendPage(ctx: Context, page: VNode, status = 200): void {
  setSecurityHeaders(ctx);
  ctx.set('Cache-Control', 'no-store');
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderHtml(page);
}
