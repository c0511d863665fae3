/** `GET /api/v1/fleet`: every appliance with its cabinet, plan, version, usage and health. */
import Router from '@koa/router';
import { z } from 'zod';
import { parseQuery } from '@iamanager/protocol/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { listFleet } from '../domain/fleet.js';

const fleetQuery = z.strictObject({
  revoked: z.enum(['include', 'exclude'], { error: 'must be "include" or "exclude"' }).default('exclude'),
});

export function fleetRoutes(cp: ControlPlane): Router {
  const router = new Router();
  router.get('/fleet', (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const query = parseQuery(ctx, fleetQuery);
    ctx.body = { appliances: listFleet(cp, { includeRevoked: query.revoked === 'include' }) };
  });
  return router;
}
