/**
 * The control plane's Koa app: errors first, then request context, then the protocol endpoints
 * (appliances), the system endpoints, the vendor API under `/api/v1` behind authentication, and
 * the web dashboard.
 */
import Koa from 'koa';
import Router from '@koa/router';
import { errorMiddleware, logResponseErrors, requestContext } from '@iamanager/kernel/http';
import { authenticate, bearerToken, type Authenticator } from './auth/authenticate.js';
import type { ControlPlane } from './controlPlane.js';
import { CONTROL_PLANE_STATUS } from './errorStatus.js';
import type { ControlPlaneMetrics } from './metrics.js';
import { billingRoutes } from './api/billing.js';
import { paymentRoutes } from './api/payments.js';
import { cabinetRoutes } from './api/cabinets.js';
import { enrollRoutes } from './api/enroll.js';
import { fleetRoutes } from './api/fleet.js';
import { heartbeatRoutes } from './api/heartbeats.js';
import { planRoutes } from './api/plans.js';
import { revenueRoutes } from './api/revenue.js';
import { systemRoutes } from './api/system.js';
import { upgradeRequestIntake, upgradeRequestRoutes } from './api/upgradeRequests.js';
import { supportBundleRoutes, supportUploadRoutes } from './api/supportBundles.js';
import { ControlPlaneError } from './errors.js';

export interface AppOptions {
  /** Extra ways to authenticate `/api/v1` (e.g. the dashboard session), tried after the Bearer token. */
  authenticators?: Authenticator[];
  /** Routers mounted after the API (the web dashboard at `/`). */
  routers?: Router[];
}

export function createApp(cp: ControlPlane, metrics: ControlPlaneMetrics, options: AppOptions = {}): Koa {
  // Behind the proxy, the client's address is the one the proxy appended: the last in
  // X-Forwarded-For. Earlier entries are whatever the client sent, and a login lock-out keyed by
  // address must not be escaped by making one up per guess.
  const app = new Koa({ proxy: cp.config.trustProxy, maxIpsCount: 1 });
  logResponseErrors(app, cp.log);
  app.use(errorMiddleware(CONTROL_PLANE_STATUS, cp.log));
  app.use(requestContext(cp.log));

  // Heartbeats first: the hot path should not walk the other routers' tables.
  for (const router of [
    heartbeatRoutes(cp, metrics),
    upgradeRequestIntake(cp),
    enrollRoutes(cp, metrics),
    systemRoutes(cp, metrics),
    supportUploadRoutes(cp),
  ]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }

  const api = new Router({ prefix: '/api/v1' });
  api.use(authenticate([bearerToken(cp.admins, cp.clock), ...(options.authenticators ?? [])]));
  for (const router of [
    planRoutes(cp),
    cabinetRoutes(cp),
    fleetRoutes(cp),
    billingRoutes(cp),
    paymentRoutes(cp),
    revenueRoutes(cp),
    upgradeRequestRoutes(cp),
    supportBundleRoutes(cp),
  ])
    api.use(router.routes(), router.allowedMethods({ throw: true }));
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  for (const router of options.routers ?? []) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }

  app.use((ctx) => {
    throw new ControlPlaneError('not_found', `nothing at ${ctx.method} ${ctx.path}`);
  });
  return app;
}
