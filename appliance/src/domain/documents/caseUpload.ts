/**
 * A file someone sends for a case, received and kept as a pièce of that case: the one path every
 * upload takes (a pièce from the case page or the API, a deadline's Télérecours receipt), so each
 * is bounded while streaming (upload.ts) and recorded alike — the document, the case's history
 * line and the audit entry.
 */
import type { Context } from 'koa';
import type { Actor, Cases } from '../cases/cases.js';
import type { CaseDocument } from '../cases/caseSchema.js';
import type { DocumentFiles } from './documentFiles.js';
import { receiveUpload } from './upload.js';

export async function uploadToCase(
  ctx: Context,
  deps: { cases: Cases; documents: DocumentFiles; clock: () => Date },
  caseId: string,
  actor: Actor,
  bodyCsrf: string | null,
): Promise<CaseDocument> {
  deps.cases.get(caseId); // 404 before reading any byte of the body
  const upload = await receiveUpload(ctx, caseId, deps.documents, bodyCsrf);
  const doc: CaseDocument = {
    id: upload.id,
    name: upload.name,
    contentType: upload.contentType,
    size: upload.size,
    sha256: upload.sha256,
    uploadedAt: deps.clock().toISOString(),
    uploadedBy: actor.email,
  };
  await deps.cases.mutate(caseId, actor, 'document.upload', (c) => c.documents.push(doc), upload.id);
  return doc;
}
