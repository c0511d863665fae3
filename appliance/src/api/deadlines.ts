/**
 * Closing deadlines over HTTP (docs/deadlines.md): a case's deadlines with what was done about
 * them; close (recours déposé, pas de recours, écartée), confirm, refuse, reopen; the Télérecours
 * receipt as a document of the case; the signed proof of diligence and the public key that checks
 * it; the daily register; the cabinet's second-confirmation rule. A deadline is (case id, remedy).
 */
import Router from '@koa/router';
import { parseQuery, readJson } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { requirePermission, uploaderOf } from '../auth/authenticate.js';
import { uploadToCase } from '../domain/documents/caseUpload.js';
import { registerOf, registerQuerySchema } from '../domain/deadlines/register.js';
import { parisDayOf } from '../domain/deadlines/parisDay.js';

export function deadlineRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });
  const actor = (u: { id: string; email: string }) => ({ id: u.id, email: u.email });

  router.get('/cases/:id/deadlines', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.read');
    const c = await appliance.cases.readCase(ctx.params.id ?? '', actor(user));
    ctx.body = { deadlines: appliance.deadlines.statusesOf(c), rules: appliance.deadlines.rules };
  });

  router.post('/cases/:id/deadlines/:remedy/close', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.write');
    const closure = await appliance.deadlines.requestClose(ctx.params.id ?? '', ctx.params.remedy ?? '', await readJson(ctx), actor(user));
    ctx.status = closure.state === 'pending' ? 202 : 200;
    ctx.body = { closure };
  });

  router.post('/cases/:id/deadlines/:remedy/confirm', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.write');
    ctx.body = { closure: await appliance.deadlines.confirm(ctx.params.id ?? '', ctx.params.remedy ?? '', actor(user)) };
  });

  router.post('/cases/:id/deadlines/:remedy/refuse', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.write');
    await appliance.deadlines.refuse(ctx.params.id ?? '', ctx.params.remedy ?? '', await readJson(ctx), actor(user));
    ctx.body = { refused: true };
  });

  /** Reopening undoes a closure the cabinet relied on: admins only, with a reason. */
  router.post('/cases/:id/deadlines/:remedy/reopen', async (ctx) => {
    const { user } = requirePermission(ctx, 'users.manage');
    await appliance.deadlines.reopen(ctx.params.id ?? '', ctx.params.remedy ?? '', await readJson(ctx), actor(user));
    ctx.body = { reopened: true };
  });

  /** The Télérecours receipt (PDF), kept as a document of the case; its id then goes in `receiptDocumentId`. */
  router.post('/cases/:id/deadlines/:remedy/receipt', async (ctx) => {
    const { caller, bodyCsrf } = uploaderOf(ctx, 'documents.write');
    const doc = await uploadToCase(ctx, appliance, ctx.params.id ?? '', actor(caller.user), bodyCsrf);
    ctx.status = 201;
    ctx.body = { document: doc };
  });

  router.get('/cases/:id/deadlines/:remedy/proof', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.export');
    const { jws, claims } = await appliance.proofs.issue(ctx.params.id ?? '', ctx.params.remedy ?? '', actor(user));
    ctx.body = { jws, claims };
  });

  router.get('/deadlines/public-key', async (ctx) => {
    requirePermission(ctx, 'cases.read');
    ctx.body = await appliance.proofs.publicKey();
  });

  router.get('/deadlines/register', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.export');
    const day = parseQuery(ctx, registerQuerySchema).day ?? parisDayOf(appliance.clock());
    await appliance.audit.append({ actor: user.email, action: 'deadline.register', detail: day });
    ctx.body = { day, rows: registerOf(appliance.cases.index.all(), appliance.deadlines, day) };
  });

  router.get('/deadline-rules', (ctx) => {
    requirePermission(ctx, 'cases.read');
    ctx.body = { rules: appliance.deadlines.rules };
  });

  router.put('/deadline-rules', async (ctx) => {
    const { user } = requirePermission(ctx, 'users.manage');
    ctx.body = { rules: await appliance.deadlines.setRules(await readJson(ctx), actor(user)) };
  });

  return router;
}
