/**
 * `POST /v1/enroll` (docs/protocol.md). Wrong codes are counted per client address; past
 * ENROLL_MAX_FAILURES within the window every attempt from that address gets 429 + Retry-After,
 * so an 80-bit code cannot be guessed and a real one cannot be probed for either.
 */
import Router from '@koa/router';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { DomainError, LICENSE_OFFERS_HEADER, acceptsLicenseOffers, enrollRequestSchema } from '@iamanager/protocol';
import { parseBody } from '@iamanager/kernel/http';
import type { ControlPlane } from '../controlPlane.js';
import { enrollAppliance } from '../domain/enrollAppliance.js';
import type { ControlPlaneMetrics } from '../metrics.js';
import { ControlPlaneError } from '../errors.js';

export function enrollRoutes(cp: ControlPlane, metrics: ControlPlaneMetrics): Router {
  const failures = new RateLimiterMemory({ points: cp.config.enrollMaxFailures, duration: cp.config.enrollFailureWindowSeconds });
  const router = new Router();

  router.post('/v1/enroll', async (ctx) => {
    const address = ctx.ip || 'unknown';
    const seen = await failures.get(address);
    if (seen && seen.consumedPoints >= cp.config.enrollMaxFailures) {
      metrics.enrollments.inc({ outcome: 'rate_limited' });
      const retryAfterSeconds = Math.max(1, Math.ceil(seen.msBeforeNext / 1000));
      throw new ControlPlaneError(
        'rate_limited',
        `too many wrong enrollment codes from this address: try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
    const request = await parseBody(ctx, enrollRequestSchema, { limit: 16 * 1024 });
    try {
      const response = await enrollAppliance(cp, request, cp.clock(), {
        readsOffers: acceptsLicenseOffers(ctx.get(LICENSE_OFFERS_HEADER)),
      });
      metrics.enrollments.inc({ outcome: 'enrolled' });
      cp.log.info(
        { cabinetId: response.cabinetId, applianceId: response.applianceId, instanceName: request.instanceName },
        'appliance enrolled',
      );
      ctx.status = 201;
      ctx.body = response;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_enrollment_code') {
        await failures.consume(address).catch(() => undefined);
      }
      metrics.enrollments.inc({ outcome: err instanceof DomainError ? err.code : 'error' });
      throw err;
    }
  });
  return router;
}
