/**
 * `POST /v1/heartbeats` (docs/protocol.md): body is the compact JWS, `Content-Type:
 * application/jose`. 202 once the heartbeat is durable; otherwise the stable rejection code,
 * counted by reason in `/metrics` (usage reports likewise, under counters of their own).
 */
import Router from '@koa/router';
import {
  DomainError,
  LICENSE_OFFERS_HEADER,
  ProtocolError,
  MAX_HEARTBEAT_BYTES,
  acceptsLicenseOffers,
  verifyAnchorRequest,
} from '@iamanager/protocol';
import { readText } from '@iamanager/kernel/http';
import type { ControlPlane } from '../controlPlane.js';
import { replyToHeartbeat } from '../domain/heartbeatReply.js';
import { receiptFor } from '../domain/vendorReceipt.js';
import type { ControlPlaneMetrics } from '../metrics.js';

export function heartbeatRoutes(cp: ControlPlane, metrics: ControlPlaneMetrics): Router {
  const router = new Router();
  router.post('/v1/heartbeats', async (ctx) => {
    const stop = metrics.heartbeatSeconds.startTimer();
    try {
      const jws = (await readText(ctx, 'application/jose', { limit: MAX_HEARTBEAT_BYTES })).trim();
      const now = cp.clock();
      const { payload, appliance } = await cp.ingest.accept(jws, now);
      const reply = await replyToHeartbeat(cp, appliance, payload, now, {
        readsOffers: acceptsLicenseOffers(ctx.get(LICENSE_OFFERS_HEADER)),
      });
      metrics.heartbeatsAccepted.inc();
      stop({ outcome: 'accepted' });
      ctx.status = 202;
      ctx.body = reply;
    } catch (err) {
      metrics.heartbeatsRejected.inc({ reason: rejectionReason(err) });
      stop({ outcome: 'rejected' });
      throw err;
    }
  });
  /**
   * `POST /v1/usage-reports`: the file `appliance usage export` wrote for an air-gapped cabinet,
   * uploaded by the vendor. The same signed heartbeat and the same verification, except the clock
   * check; counted once like any heartbeat, and kept as the month's billing evidence.
   */
  router.post('/v1/usage-reports', async (ctx) => {
    try {
      const jws = (await readText(ctx, 'application/jose', { limit: MAX_HEARTBEAT_BYTES })).trim();
      const { payload } = await cp.ingest.accept(jws, cp.clock(), { usageReport: true });
      metrics.usageReportsAccepted.inc();
      ctx.status = 202;
      ctx.body = { accepted: true, cabinetId: payload.sub, month: payload.month, seq: payload.seq, usage: payload.usage };
    } catch (err) {
      metrics.usageReportsRejected.inc({ reason: rejectionReason(err) });
      throw err;
    }
  });
  /**
   * `GET /v1/audit-anchors`: the appliance's receipt (signed time and audit anchors) for
   * `appliance audit verify`. Authenticated by the appliance's own key: `Authorization: Bearer
   * <anchor request JWS>`, fresh within the heartbeat skew window.
   */
  router.get('/v1/audit-anchors', async (ctx) => {
    const header = ctx.get('authorization');
    const jws = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    const now = cp.clock();
    const applianceId = await verifyAnchorRequest(jws, {
      findAppliance: (id) => cp.applianceKeys.known(id),
      now,
      maxSkewSeconds: cp.config.maxClockSkewSeconds,
    });
    // Verified just before; gone since (a purge) reads as the unknown appliance it now is.
    const appliance = await cp.appliances.get(applianceId);
    if (!appliance) throw new ProtocolError('unknown_appliance', `no appliance "${applianceId}" is enrolled`);
    ctx.body = { receipt: await receiptFor(cp, appliance, now) };
  });
  return router;
}

/** The label a refusal is counted under: its stable code, or `internal` for anything unexpected. */
function rejectionReason(err: unknown): string {
  return err instanceof DomainError ? err.code : 'internal';
}
