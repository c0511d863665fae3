/** `POST /api/cases/:id/analyses` runs the license's CESEDA model on a case; `GET` lists the stored runs. */
import Router from '@koa/router';
import { requirePermission } from '../auth/authenticate.js';
import { listCaseAnalyses, runCaseAnalysis, type AnalysisDeps } from '../analyses/caseAnalyses.js';
import { presentAnalysis } from '../presenters/analysis.js';

export function analysisRoutes(deps: AnalysisDeps): Router {
  const router = new Router({ prefix: '/api' });

  router.post('/cases/:id/analyses', async (ctx) => {
    const caller = requirePermission(ctx, 'analyses.run');
    const analysis = await runCaseAnalysis(deps, ctx.params.id ?? '', caller.user.id);
    ctx.status = 201;
    ctx.body = { analysis: presentAnalysis(analysis) };
  });

  router.get('/cases/:id/analyses', (ctx) => {
    requirePermission(ctx, 'cases.read');
    ctx.body = { analyses: listCaseAnalyses(deps, ctx.params.id ?? '').map(presentAnalysis) };
  });

  return router;
}
