/**
 * Sends a page: `<!doctype html>` + the component rendered by preact-render-to-string (which
 * escapes every text and attribute value), with the security headers of the shared web kernel
 * (`@iamanager/kernel/web`). No inline script or style is ever emitted, so the CSP can forbid both.
 */
import type { Context } from 'koa';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { sendHtml } from '@iamanager/kernel/web';

export { CONTENT_SECURITY_POLICY, setSecurityHeaders } from '@iamanager/kernel/web';

/** The HTML of a page component, as a string (what unit tests assert on). */
export function renderHtml(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

/**
 * A form shown again with its messages answers 200: it is the page the visitor asked for, and a
 * 4xx document makes browsers log a console error. Real failures (404, 403) keep their status.
 */
export function sendPage(ctx: Context, page: VNode, status = 200): void {
  sendHtml(ctx, renderHtml(page), status);
}
