/** `POST /api/cases/:id/analyses` runs the license's CESEDA model on a case; `GET` lists the stored runs. */
import Router from '@koa/router';
import type { Appliance } from '../appliance.js';
import { requirePermission } from '../auth/authenticate.js';
import { listCaseAnalyses, runCaseAnalysis } from '../domain/cases/caseAnalyses.js';
import { presentAnalysis } from '../presenters/analysis.js';

export function analysisRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });
  const deps = appliance.analysisDeps;

  router.post('/cases/:id/analyses', async (ctx) => {
    const { user } = requirePermission(ctx, 'analyses.run');
    const analysis = await runCaseAnalysis(deps, ctx.params.id ?? '', { id: user.id, email: user.email });
    ctx.status = 201;
    ctx.body = { analysis: presentAnalysis(analysis) };
  });

  router.get('/cases/:id/analyses', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.read');
    ctx.body = { analyses: (await listCaseAnalyses(deps, ctx.params.id ?? '', { id: user.id, email: user.email })).map(presentAnalysis) };
  });

  return router;
}
