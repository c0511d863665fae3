/** `GET /api/v1/revenue`: MRR, ARR, by plan, and per month MRR, new and churned cabinets. */
import Router from '@koa/router';
import { z } from 'zod';
import { parseQuery } from '@iamanager/kernel/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { revenueReport } from '../domain/billing/revenue.js';

export const revenueQuery = z.strictObject({
  months: z.coerce
    .number({ error: 'must be a whole number of months from 1 to 60' })
    .int({ error: 'must be a whole number of months from 1 to 60' })
    .min(1, { error: 'must be a whole number of months from 1 to 60' })
    .max(60, { error: 'must be a whole number of months from 1 to 60' })
    .default(12),
});

export function revenueRoutes(cp: ControlPlane): Router {
  const router = new Router();
  router.get('/revenue', async (ctx) => {
    authorize(currentAdmin(ctx), 'seeMoney');
    const query = parseQuery(ctx, revenueQuery);
    ctx.body = revenueReport(await cp.cabinets.list(), await cp.plans.list(), cp.clock(), query.months);
  });
  return router;
}
