/**
 * The routes both services really mount, read from the @koa/router stacks of an app opened
 * in-process on a temp DATA_DIR — so a test that covers "every endpoint" covers a new one the day
 * it is added, without anyone updating a hand-written list.
 */
import type Koa from 'koa';
import type Router from '@koa/router';
import { createLogger } from '@iamanager/kernel/log';
import { openAppliance } from '../../appliance/src/appliance.js';
import { createApp as createApplianceApp } from '../../appliance/src/app.js';
import { readConfig as readApplianceConfig } from '../../appliance/src/config.js';
import { openModules } from '../../appliance/src/modules.js';
import { readConfig as readControlPlaneConfig } from '../../control-plane/src/config.js';
import { openControlPlane } from '../../control-plane/src/controlPlane.js';
import { ControlPlaneMetrics } from '../../control-plane/src/metrics.js';
import { createServedApp } from '../../control-plane/src/server.js';
import { tempDir } from './controlPlane.js';

export interface Route {
  method: string;
  /** The router's pattern, e.g. `/api/cases/:id/documents/:docId`. */
  path: string;
}

/** `GET /api/cases/:id` — the key the tables in tests are written with. */
export const routeKey = (r: Route): string => `${r.method} ${r.path}`;

/** Every method × path of every router mounted on `app` (HEAD, which the router adds to each GET, left out). */
export function routesOf(app: Koa): Route[] {
  const routes = new Map<string, Route>();
  for (const middleware of app.middleware) {
    const router = (middleware as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        const route = { method, path: String(layer.path) };
        routes.set(routeKey(route), route);
      }
    }
  }
  return [...routes.values()].sort((a, b) => routeKey(a).localeCompare(routeKey(b)));
}

const quiet = () => createLogger('route-table', 'silent');

export async function applianceRoutes(): Promise<Route[]> {
  const config = await readApplianceConfig({ DATA_DIR: tempDir('routes-appliance-'), TLS: 'false', HEARTBEAT_ENABLED: 'false' });
  const appliance = await openAppliance(config, quiet());
  const modules = await openModules(appliance);
  try {
    return routesOf(createApplianceApp(appliance, modules.app));
  } finally {
    await modules.close();
    await appliance.close();
  }
}

export async function controlPlaneRoutes(): Promise<Route[]> {
  const config = readControlPlaneConfig({ DATA_DIR: tempDir('routes-cp-') }, '/nonexistent/.env');
  const cp = await openControlPlane(config, quiet());
  try {
    return routesOf(await createServedApp(cp, new ControlPlaneMetrics()));
  } finally {
    await cp.close();
  }
}
