/**
 * Upgrade requests (docs/protocol.md "Upgrade request"):
 * - `POST /v1/upgrade-requests`, beside heartbeats: the appliance's signed request (compact JWS,
 *   `Content-Type: application/jose`), authenticated by its own key; 201 once recorded, else the
 *   stable rejection code (a replay is `replayed_request`, 409);
 * - `GET /api/v1/upgrade-requests?status=open|handled|all` and
 *   `POST /api/v1/upgrade-requests/:id/handled` for the vendor (the dashboard's page does the same).
 */
import Router from '@koa/router';
import { MAX_UPGRADE_REQUEST_BYTES, parseWith } from '@iamanager/protocol';
import { parseQuery, readText } from '@iamanager/kernel/http';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import { upgradeRequestIdSchema, upgradeRequestQuerySchema } from '../domain/upgradeRequests.js';
import type { UpgradeRequestRecord } from '../storage/upgradeRequestRecords.js';

/** The request as the vendor API shows it: everything but the JWS (kept as evidence, not for reading). */
export function presentUpgradeRequest(r: UpgradeRequestRecord): Omit<UpgradeRequestRecord, 'jws'> {
  const { jws: _jws, ...rest } = r;
  return rest;
}

/** The appliances' endpoint, mounted with the heartbeats (no vendor authentication: the signature is it). */
export function upgradeRequestIntake(cp: ControlPlane): Router {
  const router = new Router();
  router.post('/v1/upgrade-requests', async (ctx) => {
    const jws = (await readText(ctx, 'application/jose', { limit: MAX_UPGRADE_REQUEST_BYTES })).trim();
    const record = await cp.upgradeRequests.accept(jws, cp.clock(), cp.config.maxClockSkewSeconds);
    ctx.status = 201;
    ctx.body = { accepted: true, id: record.id, receivedAt: record.receivedAt };
  });
  return router;
}

/** The vendor API, under `/api/v1` behind authentication. */
export function upgradeRequestRoutes(cp: ControlPlane): Router {
  const router = new Router();
  router.get('/upgrade-requests', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const q = parseQuery(ctx, upgradeRequestQuerySchema);
    ctx.body = { upgradeRequests: (await cp.upgradeRequests.list({ status: q.status })).map(presentUpgradeRequest) };
  });
  router.post('/upgrade-requests/:id/handled', async (ctx) => {
    const admin = currentAdmin(ctx);
    authorize(admin, 'managePlans');
    const id = parseWith(upgradeRequestIdSchema, ctx.params.id, 'id');
    ctx.body = { upgradeRequest: presentUpgradeRequest(await cp.upgradeRequests.markHandled(id, admin.email, cp.clock())) };
  });
  return router;
}
