/** Sends a generated file (PDF, CSV, evidence) as a download that is never cached. */
import type { Context } from 'koa';
import { setSecurityHeaders } from '@iamanager/kernel/web';
import type { BillingFile } from '../domain/billing/billingQueries.js';

export function sendFile(ctx: Context, file: BillingFile): void {
  setSecurityHeaders(ctx);
  ctx.type = file.contentType;
  ctx.set('Content-Disposition', `attachment; filename="${file.filename}"`);
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = file.content;
}
