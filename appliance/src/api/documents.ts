/** Upload and download of a case's documents, and the audit trail viewer. */
import Router from '@koa/router';
import { z } from 'zod';
import { NotFoundError } from '@iamanager/protocol';
import { parseQuery } from '@iamanager/kernel/http';
import { sendDownload } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import { requirePermission, uploaderOf } from '../auth/authenticate.js';
import { receiveUpload } from '../domain/documents/upload.js';

export function documentRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });

  router.post('/cases/:id/documents', async (ctx) => {
    const { caller, bodyCsrf } = uploaderOf(ctx, 'documents.write');
    const { user } = caller;
    const caseId = ctx.params.id ?? '';
    appliance.cases.get(caseId); // 404 before reading any byte of the body
    const upload = await receiveUpload(ctx, caseId, appliance.documents, bodyCsrf);
    const doc = {
      id: upload.id,
      name: upload.name,
      contentType: upload.contentType,
      size: upload.size,
      sha256: upload.sha256,
      uploadedAt: appliance.clock().toISOString(),
      uploadedBy: user.email,
    };
    await appliance.cases.mutate(caseId, { id: user.id, email: user.email }, 'document.upload', (c) => c.documents.push(doc), upload.id);
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
