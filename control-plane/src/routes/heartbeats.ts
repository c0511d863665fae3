/**
 * `POST /v1/heartbeats` (SPEC "Heartbeat"): body is the compact JWS, `Content-Type:
 * application/jose`. 202 once the heartbeat is durable; otherwise the stable rejection code,
 * counted by reason in `/metrics`.
 */
import Router from '@koa/router';
import { DomainError, MAX_HEARTBEAT_BYTES } from '@iamanager/protocol';
import { readText } from '@iamanager/protocol/http';
import type { ControlPlane } from '../controlPlane.js';
import { replyToHeartbeat } from '../domain/heartbeatReply.js';
import type { ControlPlaneMetrics } from '../metrics.js';

export function heartbeatRoutes(cp: ControlPlane, metrics: ControlPlaneMetrics): Router {
  const router = new Router();
  router.post('/v1/heartbeats', async (ctx) => {
    const stop = metrics.heartbeatSeconds.startTimer();
    try {
      const jws = (await readText(ctx, 'application/jose', { limit: MAX_HEARTBEAT_BYTES })).trim();
      const now = cp.clock();
      const { payload, appliance } = await cp.ingest.accept(jws, now);
      const reply = await replyToHeartbeat(cp, appliance, payload, now);
      metrics.heartbeatsAccepted.inc();
      stop({ outcome: 'accepted' });
      ctx.status = 202;
      ctx.body = reply;
    } catch (err) {
      metrics.heartbeatsRejected.inc({ reason: err instanceof DomainError ? err.code : 'internal' });
      stop({ outcome: 'rejected' });
      throw err;
    }
  });
  return router;
}
