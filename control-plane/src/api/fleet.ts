/**
 * `GET /api/v1/fleet` (filters `status`, `plan`, `sort`, `revoked`; pages `page`, `perPage`),
 * `GET /api/v1/fleet/:applianceId/history` (24 hourly and 30 daily points) and
 * `GET /api/v1/alerts` (status transitions, newest first; and `storage`: every record file
 * quarantined because it was unreadable, a critical alert until it is restored).
 */
import Router from '@koa/router';
import { applianceIdSchema, NotFoundError, parseWith } from '@iamanager/protocol';
import { parseQuery } from '@iamanager/kernel/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { historySeries } from '../domain/applianceHistory.js';
import { queryFleet } from '../domain/fleet.js';
import { alertQuerySchema, fleetQuerySchema } from '../domain/fleetFields.js';
import { quarantineAlerts } from '../domain/quarantine.js';

export function fleetRoutes(cp: ControlPlane): Router {
  const router = new Router();

  router.get('/fleet', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const q = parseQuery(ctx, fleetQuerySchema);
    const page = await queryFleet(cp, {
      status: q.status,
      plan: q.plan,
      sort: q.sort,
      includeRevoked: q.revoked === 'include',
      page: q.page,
      perPage: q.perPage,
    });
    const statuses = await cp.monitor.recorded();
    ctx.body = {
      ...page,
      appliances: page.appliances.map((e) => {
        const recorded = statuses.get(e.applianceId);
        return { ...e, statusSince: recorded?.status === e.status ? recorded.since : null };
      }),
    };
  });

  router.get('/fleet/:applianceId/history', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const id = parseWith(applianceIdSchema, ctx.params.applianceId, 'applianceId');
    const appliance = await cp.appliances.get(id);
    if (!appliance) throw new NotFoundError('appliance', id);
    ctx.body = { applianceId: appliance.id, cabinetId: appliance.cabinetId, ...historySeries(appliance.history, cp.clock()) };
  });

  router.get('/alerts', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const q = parseQuery(ctx, alertQuerySchema);
    ctx.body = { alerts: await cp.monitor.alerts(q), storage: quarantineAlerts(cp.quarantine) };
  });
  return router;
}
