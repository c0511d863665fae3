/** Case files over HTTP: the router parses, authorizes and delegates to `Cases`. */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { parseBody, parseQuery } from '@iamanager/kernel/http';
import { sendDownload } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import { requirePermission } from '../auth/authenticate.js';
import { assertMayChangeFields } from '../auth/caseFieldPermissions.js';
import { CASE_STATUSES, casePatchSchema, newCaseSchema } from '../domain/cases/caseSchema.js';
import { nationalitySchema } from '../domain/cases/nationality.js';
import { exportCase } from '../domain/cases/exportCase.js';
import { CASE_SORTS } from '../domain/cases/caseIndex.js';
import { PROCEDURE_CODES } from '../domain/ceseda/procedures.js';
import { presentCase, presentCaseSummary } from '../presenters/case.js';

const listQuerySchema = z.strictObject({
  q: z.string().max(200).optional(),
  nationality: nationalitySchema.optional(),
  procedure: z.enum(PROCEDURE_CODES, { error: 'must be a procedure code' }).optional(),
  status: z.enum(CASE_STATUSES, { error: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
  assignedTo: z.string().uuid({ error: 'must be a user id' }).optional(),
  archived: z.enum(['true', 'false', 'all'], { error: 'must be true, false or all' }).default('false'),
  page: z.coerce.number({ error: 'must be a page number' }).int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100, { error: 'must be at most 100' }).default(25),
  /** The list's orders (docs/appliance.md); `updated` stays the default so existing clients see no change. */
  sort: z.enum(CASE_SORTS, { error: `must be one of ${CASE_SORTS.join(', ')}` }).default('updated'),
});

export function caseRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api/cases' });
  const actor = (ctx: Context) => {
    const { user } = requirePermission(ctx, 'cases.read');
    return { id: user.id, email: user.email };
  };

  router.get('/', async (ctx) => {
    const who = actor(ctx);
    const q = parseQuery(ctx, listQuerySchema);
    const { archived, ...rest } = q;
    const result = await appliance.cases.search(
      { ...rest, ...(archived === 'all' ? {} : { archived: archived === 'true' }), now: appliance.clock() },
      who,
    );
    ctx.body = { total: result.total, page: q.page, pageSize: q.pageSize, cases: result.cases.map(presentCaseSummary) };
  });

  router.post('/', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.write');
    const record = await appliance.cases.createCase(await parseBody(ctx, newCaseSchema, { limit: 128 * 1024 }), {
      id: user.id,
      email: user.email,
    });
    ctx.status = 201;
    ctx.body = { case: presentCase(record) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = { case: presentCase(await appliance.cases.readCase(ctx.params.id ?? '', actor(ctx))) };
  });

  router.patch('/:id', async (ctx) => {
    const { user, permissions } = requirePermission(ctx, 'cases.write');
    const patch = await parseBody(ctx, casePatchSchema, { limit: 128 * 1024 });
    assertMayChangeFields(patch, permissions);
    const record = await appliance.cases.updateCase(ctx.params.id ?? '', patch, { id: user.id, email: user.email });
    ctx.body = { case: presentCase(record) };
  });

  for (const [verb, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    router.post(`/:id/${verb}`, async (ctx) => {
      const { user } = requirePermission(ctx, 'cases.archive');
      ctx.body = {
        case: presentCase(await appliance.cases.setArchived(ctx.params.id ?? '', archived, { id: user.id, email: user.email })),
      };
    });
  }

  router.get('/:id/export', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.export');
    const record = await appliance.cases.readCase(ctx.params.id ?? '', { id: user.id, email: user.email }, 'case.export');
    sendDownload(ctx, {
      filename: `dossier-${record.reference.replace(/[^A-Za-z0-9._-]/g, '_')}.tar`,
      contentType: 'application/x-tar',
      content: exportCase(record, appliance.documents),
    });
  });

  return router;
}
