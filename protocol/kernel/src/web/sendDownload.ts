/**
 * Sends a generated or stored file as a download (`attachment`), never cached: invoices, case
 * exports, analysis PDFs, calendar files, uploaded documents. The name is given twice — an ASCII
 * fallback with anything else replaced, and the exact name as RFC 6266 `filename*` — so a French
 * name with accents survives in every browser and no quote or line break reaches the header.
 */
import type { Context } from 'koa';
import { setSecurityHeaders } from './securityHeaders.js';

export interface Download {
  filename: string;
  contentType: string;
  content: Buffer | string | NodeJS.ReadableStream;
}

export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return ascii === filename
    ? `attachment; filename="${ascii}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function sendDownload(ctx: Context, file: Download): void {
  setSecurityHeaders(ctx);
  ctx.type = file.contentType;
  ctx.set('Content-Disposition', contentDisposition(file.filename));
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = file.content;
}
