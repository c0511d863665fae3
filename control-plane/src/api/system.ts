/**
 * System endpoints: the vendor's public keys (JWKS) and the health check, open to all, and the
 * Prometheus metrics, behind METRICS_TOKEN when it is set. `/healthz` makes a real durable write and reads it back, so a full or
 * read-only disk shows as 503 before heartbeats start failing; on PostgreSQL it also asks the
 * database (503 `database_unavailable` while it is away, 200 again once it answers).
 */
import path from 'node:path';
import Router from '@koa/router';
import { DomainError } from '@iamanager/protocol';
import { requireMetricsToken } from '@iamanager/kernel/http';
import { Gauge } from 'prom-client';
import { storageProbe } from '@iamanager/kernel/storage';
import type { ControlPlane } from '../controlPlane.js';
import type { ControlPlaneMetrics } from '../metrics.js';

/** Why the database cannot be reached now (its `database_unavailable` message), or undefined when it answers. */
async function databaseProblem(cp: ControlPlane): Promise<string | undefined> {
  try {
    await cp.backend.ping();
    return undefined;
  } catch (err) {
    cp.log.warn({ err, database: cp.backend.where }, 'health check: database unavailable');
    // A failure other than a connection's (its message might say more than a probe should): named, not quoted.
    return err instanceof DomainError && err.code === 'database_unavailable'
      ? err.message
      : `the database (PostgreSQL at ${cp.backend.where}) did not answer the health check: see this node's log`;
  }
}

export function systemRoutes(cp: ControlPlane, metrics: ControlPlaneMetrics): Router {
  const router = new Router();
  const probe = path.join(cp.config.dataDir, 'healthz.json');
  const probeStorage = storageProbe(probe, cp.clock);
  const databaseUp =
    cp.backend.kind === 'postgres'
      ? new Gauge({
          name: 'controlplane_database_up',
          help: 'Whether the database answered this node at the last /healthz or /metrics (1) or not (0)',
          registers: [metrics.registry],
        })
      : undefined;

  router.get('/v1/keys', async (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = await cp.keys.jwks();
  });

  router.get('/healthz', async (ctx) => {
    const checkedAt = cp.clock().toISOString();
    try {
      await probeStorage();
    } catch (err) {
      cp.log.error({ err }, 'health check: storage failed');
      ctx.status = 503;
      ctx.body = {
        ok: false,
        error: 'storage_unwritable',
        message: `cannot write and read back ${probe}: check the disk and the permissions of DATA_DIR`,
      };
      return;
    }
    if (cp.backend.kind === 'files') {
      ctx.body = { ok: true, storage: 'ok', checkedAt };
      return;
    }
    // Asked on every check, never remembered: a node reports the database back as soon as it answers.
    const unreachable = await databaseProblem(cp);
    databaseUp?.set(unreachable ? 0 : 1);
    if (unreachable) {
      ctx.status = 503;
      ctx.body = { ok: false, error: 'database_unavailable', message: unreachable };
      return;
    }
    ctx.body = { ok: true, storage: 'ok', database: 'ok', checkedAt };
  });

  router.get('/metrics', async (ctx) => {
    requireMetricsToken(ctx, cp.config.metricsToken);
    if (databaseUp) databaseUp.set((await databaseProblem(cp)) ? 0 : 1);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
