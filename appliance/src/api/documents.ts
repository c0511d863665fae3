/**
 * Upload and download of a case's documents, their label and number as pièces (rename, renumber,
 * delete), the Télérecours exports (docs/telerecours.md), and the audit trail viewer.
 */
import Router from '@koa/router';
import { z } from 'zod';
import { NotFoundError } from '@iamanager/protocol';
import { parseBody, parseQuery } from '@iamanager/kernel/http';
import { sendDownload } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import { requirePermission, uploaderOf } from '../auth/authenticate.js';
import { uploadToCase } from '../domain/documents/caseUpload.js';
import { changePiece, deletePiece, piecesOf, PIECE_LABEL_MAX, type Piece } from '../domain/documents/pieces.js';
import type { ExportSource } from '../domain/documents/telerecoursExport.js';

/** A pièce as the API shows it: the stored document with its number and label. */
const presentPiece = (p: Piece) => ({ ...p.document, number: p.number, label: p.label });

/** What a client may change on a pièce; the domain checks the number against the case's count. */
const pieceChangeSchema = z
  .strictObject({
    label: z
      .string({ error: 'must be text' })
      .max(PIECE_LABEL_MAX * 4, { error: `must be at most ${PIECE_LABEL_MAX} characters` })
      .optional(),
    number: z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).optional(),
  })
  .refine((b) => b.label !== undefined || b.number !== undefined, { error: 'give "label", "number" or both' });

export function documentRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });

  router.post('/cases/:id/documents', async (ctx) => {
    const { caller, bodyCsrf } = uploaderOf(ctx, 'documents.write');
    const { user } = caller;
    const doc = await uploadToCase(ctx, appliance, ctx.params.id ?? '', { id: user.id, email: user.email }, bodyCsrf);
    ctx.status = 201;
    ctx.body = { document: doc };
  });

  router.get('/cases/:id/documents/:docId', async (ctx) => {
    const { user } = requirePermission(ctx, 'documents.read');
    const caseId = ctx.params.id ?? '';
    const record = appliance.cases.get(caseId);
    const doc = record.documents.find((d) => d.id === ctx.params.docId);
    if (!doc) throw new NotFoundError('document', ctx.params.docId ?? '');
    await appliance.audit.append({ actor: user.email, action: 'document.download', caseId, detail: doc.id });
    sendDownload(ctx, { filename: doc.name, contentType: doc.contentType, content: appliance.documents.open(caseId, doc.id) });
    ctx.set('Content-Length', String(doc.size));
    ctx.set('ETag', `"${doc.sha256}"`);
  });

  router.patch('/cases/:id/documents/:docId', async (ctx) => {
    const { user } = requirePermission(ctx, 'documents.write');
    const body = await parseBody(ctx, pieceChangeSchema, { limit: 8 * 1024 });
    const pieces = await changePiece(appliance, ctx.params.id ?? '', ctx.params.docId ?? '', body, { id: user.id, email: user.email });
    ctx.body = { documents: pieces.map(presentPiece) };
  });

  router.delete('/cases/:id/documents/:docId', async (ctx) => {
    const { user } = requirePermission(ctx, 'documents.write');
    const caseId = ctx.params.id ?? '';
    const removed = await deletePiece(appliance, caseId, ctx.params.docId ?? '', { id: user.id, email: user.email });
    ctx.body = { deleted: presentPiece(removed), documents: piecesOf(appliance.cases.get(caseId)).map(presentPiece) };
  });

  /** The export's input, read under the caller's audited export of the case. */
  const exportSource = async (ctx: Parameters<Parameters<typeof router.get>[1]>[0]): Promise<ExportSource> => {
    const { user } = requirePermission(ctx, 'cases.export');
    const caseId = ctx.params.id ?? '';
    const c = await appliance.cases.readCase(caseId, { id: user.id, email: user.email }, 'case.export');
    return {
      caseReference: c.reference,
      clientName: `${c.client.lastName.toUpperCase()} ${c.client.firstName}`,
      cabinetName: appliance.config.identity.name ?? appliance.license.cabinetId ?? 'IAManager',
      now: appliance.clock(),
      pieces: piecesOf(c),
      read: (documentId) => appliance.documents.read(caseId, documentId),
    };
  };

  router.get('/cases/:id/telerecours.zip', async (ctx) => {
    const source = await exportSource(ctx);
    const { telerecoursZip } = await import('../domain/documents/telerecoursExport.js');
    const zip = await telerecoursZip(source);
    sendDownload(ctx, { filename: zip.fileName, contentType: 'application/zip', content: zip.stream });
  });

  router.get('/cases/:id/telerecours.pdf', async (ctx) => {
    const source = await exportSource(ctx);
    const { telerecoursPdf } = await import('../domain/documents/telerecoursExport.js');
    const pdf = await telerecoursPdf(source);
    sendDownload(ctx, { filename: pdf.fileName, contentType: 'application/pdf', content: Buffer.from(pdf.bytes) });
  });

  router.get('/audit', async (ctx) => {
    requirePermission(ctx, 'audit.read');
    const q = parseQuery(
      ctx,
      z.strictObject({
        caseId: z.string().uuid({ error: 'must be a case id' }).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    );
    ctx.body = { entries: await appliance.audit.recent({ limit: q.limit, ...(q.caseId ? { caseId: q.caseId } : {}) }) };
  });

  return router;
}
