/**
 * Health, license, usage and heartbeat status: what an IT person, a script or the admin page asks
 * the appliance about itself.
 */
import path from 'node:path';
import Router from '@koa/router';
import { storageProbe } from '@iamanager/kernel/storage';
import type { Appliance } from '../appliance.js';
import { callerOf, requirePermission } from '../auth/authenticate.js';
import { TELEMETRY_FIELDS, TELEMETRY_RETENTION } from '../domain/heartbeat/telemetryFields.js';
import { billingUsage } from '../domain/usage/billingUsage.js';
import { isSetupDone } from '../domain/enrollment/setupState.js';
import { ApplianceError } from '../errors.js';

export function systemRoutes(appliance: Appliance): Router {
  const router = new Router();
  const probeStorage = storageProbe(path.join(appliance.config.dataDir, '.healthz'), appliance.clock);

  /** Exercises storage for real (a durable write and a read back), so a full or read-only disk shows. */
  router.get('/healthz', async (ctx) => {
    try {
      await probeStorage();
    } catch (err) {
      ctx.status = 503;
      ctx.body = { ok: false, error: 'storage_unhealthy', message: `DATA_DIR is not writable: ${(err as Error).message}` };
      return;
    }
    ctx.body = { ok: true, version: appliance.config.version, status: isSetupDone(appliance) ? 'ready' : 'setup' };
  });

  router.get('/api/license', (ctx) => {
    callerOf(ctx);
    ctx.body = appliance.license.status();
  });

  router.get('/api/billing/usage', (ctx) => {
    callerOf(ctx);
    ctx.body = billingUsage(appliance);
  });

  router.get('/api/admin/heartbeat', (ctx) => {
    requirePermission(ctx, 'admin.view');
    const s = appliance.outbox.state;
    ctx.body = {
      enabled: appliance.config.heartbeatEnabled,
      controlPlaneUrl: appliance.config.controlPlaneUrl ?? null,
      intervalSeconds: appliance.license.heartbeatIntervalSeconds,
      lastSentAt: s.lastSentAt,
      lastAcknowledgedAt: s.lastAckAt,
      lastAcknowledgedSeq: s.lastAckSeq,
      queued: s.queue.length,
      lastError: s.lastError,
      latestVersion: s.latestVersion,
      latestVersionNotes: s.latestVersionNotes,
      updateAvailable: s.latestVersion !== null && s.latestVersion !== appliance.config.version,
      lastPayload: s.lastPayload,
      fields: TELEMETRY_FIELDS,
      retention: TELEMETRY_RETENTION,
    };
  });

  router.post('/api/admin/heartbeat', async (ctx) => {
    requirePermission(ctx, 'admin.view');
    if (!appliance.license.enrolled) throw new ApplianceError('not_enrolled', 'this appliance is not enrolled yet');
    ctx.body = await appliance.heartbeats.beatNow();
  });

  return router;
}
