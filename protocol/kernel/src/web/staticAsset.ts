/**
 * A static asset (stylesheet, script, logo) with an ETag from its content, so a browser
 * revalidates cheaply; a short max-age since an update changes them.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { setSecurityHeaders } from './securityHeaders.js';

export function sendAsset(ctx: Context, type: string, body: string | Buffer): void {
  setSecurityHeaders(ctx);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  ctx.set('ETag', etag);
  ctx.set('Cache-Control', 'public, max-age=3600');
  if (ctx.get('if-none-match') === etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = type;
  ctx.body = body;
}
