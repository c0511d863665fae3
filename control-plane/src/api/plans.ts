/** `/api/v1/plans`: the catalog (everyone signed in), custom plans (admins). */
import Router from '@koa/router';
import { parseBody } from '@iamanager/kernel/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize, can } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { newPlanSchema } from '../domain/planFields.js';
import { presentPlan } from '../presenters/plan.js';

export function planRoutes(cp: ControlPlane): Router {
  const router = new Router();
  router.get('/plans', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'read');
    ctx.body = { plans: (await cp.plans.list()).map((p) => presentPlan(p, { seeMoney: can(admin, 'seeMoney') })) };
  });
  router.post('/plans', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'managePlans');
    const input = await parseBody(ctx, newPlanSchema);
    const plan = await cp.plans.createPlan(input, cp.clock());
    ctx.status = 201;
    ctx.body = { plan: presentPlan(plan, { seeMoney: true }) };
  });
  return router;
}
