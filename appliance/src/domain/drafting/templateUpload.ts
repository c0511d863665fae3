/**
 * Reads a cabinet's template from a multipart form (busboy), into memory: a template is bounded
 * (MAX_TEMPLATE_BYTES) and checked whole (renderDraft.checkTemplate) before anything is written,
 * so nothing half-received is ever kept. As for a case's pièces (documents/upload.ts), the form's
 * `_csrf` field must come before the file.
 */
import busboy from 'busboy';
import type { Context } from 'koa';
import { sameToken } from '@iamanager/kernel/web';
import { ApplianceError } from '../../errors.js';
import { MAX_TEMPLATE_BYTES } from './renderDraft.js';

const csrfFailed = () =>
  new ApplianceError('csrf_failed', 'missing or wrong CSRF token (a "_csrf" field before the file): reload the page and try again');

/** The uploaded file's bytes; `bodyCsrf` as uploaderOf gives it (null: the request was already authenticated). */
export function receiveTemplate(ctx: Context, bodyCsrf: string | null): Promise<{ name: string; content: Buffer }> {
  if (!ctx.is('multipart/form-data'))
    return Promise.reject(new ApplianceError('unsupported_media_type', 'Content-Type must be multipart/form-data with one "file" field'));
  let verified = bodyCsrf === null;
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: ctx.req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: MAX_TEMPLATE_BYTES + 1, fields: 5, fieldSize: 1024, parts: 8 },
      });
    } catch {
      reject(verified ? new ApplianceError('invalid_input', 'the multipart body is malformed (missing boundary)') : csrfFailed());
      return;
    }
    let received = false;
    bb.on('field', (field, value) => {
      if (field === '_csrf' && bodyCsrf !== null && !verified) verified = sameToken(value, bodyCsrf);
    });
    bb.on('file', (field, stream, info) => {
      if (field !== 'file' || received) {
        stream.resume();
        return;
      }
      received = true;
      if (!verified) {
        stream.resume();
        reject(csrfFailed());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_TEMPLATE_BYTES) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (size > MAX_TEMPLATE_BYTES || (stream as { truncated?: boolean }).truncated)
          reject(
            new ApplianceError(
              'payload_too_large',
              `file: larger than ${MAX_TEMPLATE_BYTES / 2 ** 20} MiB; remove the images from the template`,
              {
                limit: MAX_TEMPLATE_BYTES,
              },
            ),
          );
        else resolve({ name: info.filename ?? '', content: Buffer.concat(chunks) });
      });
    });
    bb.on('error', () => reject(verified ? new ApplianceError('invalid_input', 'the multipart body is malformed') : csrfFailed()));
    bb.on('close', () => {
      if (!received)
        reject(verified ? new ApplianceError('invalid_input', 'file: is required (a multipart field named "file")') : csrfFailed());
    });
    ctx.req.pipe(bb);
  });
}
