/**
 * The appliance's Koa app: errors rendered first, then request context, authentication, the
 * setup fence (until setup is done only the setup API, the wizard and /healthz answer), routes.
 */
import Koa from 'koa';
import type Router from '@koa/router';
import { errorMiddleware, logResponseErrors, requestContext } from '@iamanager/kernel/http';
import type { Appliance } from './appliance.js';
import { authenticate } from './auth/authenticate.js';
import { APPLIANCE_STATUS } from './errorStatus.js';
import { authRoutes } from './api/auth.js';
import { analysisRoutes } from './api/analyses.js';
import { caseRoutes } from './api/cases.js';
import { documentRoutes } from './api/documents.js';
import { setupRoutes } from './api/setup.js';
import { isSetupDone } from './domain/enrollment/setupState.js';
import { systemRoutes } from './api/system.js';
import { userRoutes } from './api/users.js';
import { tlsRoutes } from './api/tls.js';
import { deadlineRoutes } from './api/deadlines.js';
import { ssoRoutes } from './api/sso.js';
import { tlsFacts } from './domain/tls/tlsFacts.js';
import { ApplianceError } from './errors.js';

/**
 * Paths reachable before setup is done (prefixes). The web wizard adds its own. Logging in is among
 * them: once an admin exists, the setup endpoints need that admin (see routes/setup.ts), so an
 * owner whose license no longer verifies must be able to log in to repair it.
 */
const SETUP_OPEN = ['/healthz', '/api/setup', '/api/auth/login', '/ca.crt', '/setup', '/static/'];

export interface AppOptions {
  /** Routers of other modules (cases, documents, audit, analyses, web pages), mounted after the core ones. */
  routers?: Router[];
  /** Extra path prefixes open during setup. */
  setupOpen?: string[];
  /** Answers what no route did before the JSON `not_found` (the web UI: its 404 page for browsers). */
  fallback?: Koa.Middleware;
}

export function createApp(appliance: Appliance, options: AppOptions = {}): Koa {
  const app = new Koa();
  app.proxy = false;
  logResponseErrors(app, appliance.log);
  const open = [...SETUP_OPEN, ...(options.setupOpen ?? [])];
  app.use(errorMiddleware(APPLIANCE_STATUS, appliance.log));
  app.use(
    requestContext(appliance.log, {
      onResponse: (ctx) => {
        if (ctx.status >= 500) appliance.errors.record();
      },
    }),
  );
  app.use(async (ctx, next) => {
    if (!isSetupDone(appliance) && !open.some((p) => ctx.path === p || ctx.path.startsWith(p.endsWith('/') ? p : `${p}/`))) {
      // A browser opening any page before setup lands on the wizard rather than a JSON error.
      if (ctx.method === 'GET' && ctx.accepts('json', 'html') === 'html') return ctx.redirect('/setup');
      throw new ApplianceError(
        'setup_required',
        'this appliance is not set up yet: open the setup wizard (/setup) to enroll it and create the first admin',
      );
    }
    await next();
  });
  app.use(async (ctx, next) => {
    // Over HTTPS, browsers must never fall back to plain HTTP for this host (a year, as usual).
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
  });
  app.use(authenticate(appliance));
  const routers = [
    systemRoutes(appliance),
    tlsRoutes(appliance),
    setupRoutes(appliance, () => tlsFacts(appliance)),
    authRoutes(appliance),
    userRoutes(appliance),
    caseRoutes(appliance),
    documentRoutes(appliance),
    analysisRoutes(appliance),
    deadlineRoutes(appliance),
    ssoRoutes(appliance),
    ...(options.routers ?? []),
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  if (options.fallback) app.use(options.fallback);
  app.use((ctx) => {
    throw new ApplianceError('not_found', `nothing at ${ctx.method} ${ctx.path}`);
  });
  return app;
}
