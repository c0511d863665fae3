/**
 * System endpoints: the vendor's public keys (JWKS) and the health check, open to all, and the
 * Prometheus metrics, behind METRICS_TOKEN when it is set. `/healthz` makes a real durable write and reads it back, so a full or
 * read-only disk shows as 503 before heartbeats start failing.
 */
import path from 'node:path';
import Router from '@koa/router';
import { requireMetricsToken } from '@iamanager/kernel/http';
import { storageProbe } from '@iamanager/kernel/storage';
import type { ControlPlane } from '../controlPlane.js';
import type { ControlPlaneMetrics } from '../metrics.js';

export function systemRoutes(cp: ControlPlane, metrics: ControlPlaneMetrics): Router {
  const router = new Router();
  const probe = path.join(cp.config.dataDir, 'healthz.json');
  const probeStorage = storageProbe(probe, cp.clock);

  router.get('/v1/keys', async (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = await cp.keys.jwks();
  });

  router.get('/healthz', async (ctx) => {
    const checkedAt = cp.clock().toISOString();
    try {
      await probeStorage();
      ctx.body = { ok: true, storage: 'ok', checkedAt };
    } catch (err) {
      cp.log.error({ err }, 'health check: storage failed');
      ctx.status = 503;
      ctx.body = {
        ok: false,
        error: 'storage_unwritable',
        message: `cannot write and read back ${probe}: check the disk and the permissions of DATA_DIR`,
      };
    }
  });

  router.get('/metrics', async (ctx) => {
    requireMetricsToken(ctx, cp.config.metricsToken);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
