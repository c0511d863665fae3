/**
 * Support bundles (docs/support-bundle.md). `POST /v1/support-bundles` is the appliance's:
 * `Authorization: Bearer <support-upload+jwt>` signed by its key, body `{ "bundle": "<base64>" }`
 * (at most MAX_SUPPORT_UPLOAD_BODY_BYTES, else 413). Listing and download are the vendor's
 * (`/api/v1/cabinets/:id/support-bundles[/:bundleId]`, any role: support staff read them).
 */
import Router from '@koa/router';
import { MAX_SUPPORT_UPLOAD_BODY_BYTES, cabinetIdSchema, parseWith, supportUploadBodySchema } from '@iamanager/protocol';
import { parseBody } from '@iamanager/kernel/http';
import { z } from 'zod';
import { currentAdmin } from '../auth/authenticate.js';
import { authorize } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';

/** The appliance's upload endpoint, mounted with the other protocol endpoints (no vendor authentication). */
export function supportUploadRoutes(cp: ControlPlane): Router {
  const router = new Router();
  router.post('/v1/support-bundles', async (ctx) => {
    const header = ctx.get('authorization');
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    const body = await parseBody(ctx, supportUploadBodySchema, { limit: MAX_SUPPORT_UPLOAD_BODY_BYTES });
    const entry = await cp.supportBundles.receive(token, body.bundle, {
      findAppliance: (id) => cp.applianceKeys.known(id),
      now: cp.clock(),
      maxSkewSeconds: cp.config.maxClockSkewSeconds,
    });
    cp.log.info({ cabinetId: entry.cabinetId, bytes: entry.bytes }, 'support bundle received');
    ctx.status = 201;
    ctx.body = { id: entry.id, expiresAt: entry.expiresAt, bytes: entry.bytes };
  });
  return router;
}

const bundleIdSchema = z.string().uuid('must be a support bundle id (a UUID, from the listing)');

/** The vendor API part, mounted under `/api/v1`. */
export function supportBundleRoutes(cp: ControlPlane): Router {
  const router = new Router();
  router.get('/cabinets/:id/support-bundles', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const cabinet = await cp.cabinets.get(parseWith(cabinetIdSchema, ctx.params.id, 'id'));
    ctx.body = { bundles: await cp.supportBundles.list(cabinet.id, cp.clock()) };
  });
  router.get('/cabinets/:id/support-bundles/:bundleId', async (ctx) => {
    authorize(currentAdmin(ctx), 'read');
    const cabinetId = parseWith(cabinetIdSchema, ctx.params.id, 'id');
    const { entry, bytes } = await cp.supportBundles.read(
      cabinetId,
      parseWith(bundleIdSchema, ctx.params.bundleId, 'bundleId'),
      cp.clock(),
    );
    ctx.set(
      'content-disposition',
      `attachment; filename="support-${cabinetId}-${entry.receivedAt.slice(0, 10)}-${entry.id.slice(0, 8)}.tar.gz"`,
    );
    ctx.type = 'application/gzip';
    ctx.body = bytes;
  });
  return router;
}
