/**
 * Reads one multipart file field with busboy: the only way a file enters the appliance. Limits
 * are enforced while streaming (size, one file, small text fields), before anything is kept.
 */
import busboy from 'busboy';
import type { Context } from 'koa';
import type { DomainError } from '@iamanager/protocol';
import { sameToken } from '@iamanager/kernel/web';
import type { DocumentFiles, StoredFile } from './documentFiles.js';
import { ALLOWED_TYPES } from './documentFiles.js';
import { ApplianceError } from '../../errors.js';

export interface Upload extends StoredFile {
  name: string;
  contentType: string;
}

/** The file's type: the declared one if allowed, else the one its extension names. */
function typeOf(declared: string, name: string): string {
  if (ALLOWED_TYPES[declared]) return declared;
  const ext = name.toLowerCase().slice(name.lastIndexOf('.'));
  return Object.entries(ALLOWED_TYPES).find(([, t]) => t.extensions.includes(ext))?.[0] ?? declared;
}

/** A file name safe to show and to offer back in Content-Disposition (no path, no control characters). */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'document';
  const cleaned = base
    .replace(/[\p{Cc}"]/gu, '')
    .trim()
    .slice(0, 180);
  return cleaned || 'document';
}

const csrfFailed = () =>
  new ApplianceError('csrf_failed', 'missing or wrong CSRF token (a "_csrf" field before the file): reload the page and try again');

/**
 * `bodyCsrf`: the session's CSRF token, when the form carries it in its body (a browser's upload):
 * a `_csrf` field must then come before the file. Until it has, whatever goes wrong is a
 * `csrf_failed`: a forged request learns nothing from the body's other faults.
 */
export function receiveUpload(ctx: Context, caseId: string, files: DocumentFiles, bodyCsrf: string | null = null): Promise<Upload> {
  if (!ctx.is('multipart/form-data'))
    return Promise.reject(new ApplianceError('unsupported_media_type', 'Content-Type must be multipart/form-data with one "file" field'));
  let verified = bodyCsrf === null;
  const unlessForged = (err: DomainError) => (verified ? err : csrfFailed());
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: ctx.req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: files.maxBytes + 1, fields: 5, fieldSize: 1024, parts: 8 },
      });
    } catch {
      reject(unlessForged(new ApplianceError('invalid_input', 'the multipart body is malformed (missing boundary)')));
      return;
    }
    let pending: Promise<Upload> | undefined;
    bb.on('field', (field, value) => {
      if (field === '_csrf' && bodyCsrf !== null && !verified) verified = sameToken(value, bodyCsrf);
    });
    bb.on('file', (field, stream, info) => {
      if (field !== 'file' || pending) {
        stream.resume();
        return;
      }
      if (!verified) {
        pending = Promise.reject(csrfFailed());
        pending.catch((err: unknown) => {
          stream.resume();
          ctx.req.resume();
          reject(err);
        });
        return;
      }
      // A form sent without choosing a file still has its "file" part, with no name and no bytes:
      // said as "no file chosen", not as an empty file.
      if (!info.filename) {
        pending = Promise.reject(new ApplianceError('invalid_input', 'file: is required (no file was chosen)'));
        pending.catch((err: unknown) => {
          stream.resume();
          ctx.req.resume();
          reject(err);
        });
        return;
      }
      const name = cleanName(info.filename);
      const contentType = typeOf(info.mimeType, name);
      pending = files.store(caseId, contentType, stream).then((stored) => ({ ...stored, name, contentType }));
      // Settle as soon as the file is stored or refused; on refusal drain what is left of the body
      // so the client reads the error instead of a reset connection.
      pending.then(resolve, (err: unknown) => {
        stream.resume();
        ctx.req.resume();
        reject(err);
      });
    });
    bb.on('error', () => reject(unlessForged(new ApplianceError('invalid_input', 'the multipart body is malformed'))));
    bb.on('close', () => {
      if (!pending) reject(unlessForged(new ApplianceError('invalid_input', 'file: is required (a multipart field named "file")')));
    });
    ctx.req.pipe(bb);
  });
}
