/**
 * The setup API behind the wizard (and `appliance enroll`): until the appliance is enrolled and has
 * its first admin, only these endpoints, /healthz and the wizard itself are reachable. Each step
 * can be done once: enrollment while not enrolled, the first admin while there are no users.
 */
import Router from '@koa/router';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { parseBody, readText } from '@iamanager/protocol/http';
import type { Appliance } from '../appliance.js';
import { enroll } from '../enrollment/enroll.js';
import { importLicenseFile } from '../enrollment/licenseFile.js';
import { TELEMETRY_FIELDS, TELEMETRY_RETENTION } from '../heartbeat/telemetryFields.js';
import { presentUser } from '../presenters/user.js';

/**
 * Setup is done once a license was installed and an admin exists. A license that later stops
 * verifying does not bring the fence back: lawyers keep reading and exporting their files.
 */
export function isSetupDone(appliance: Appliance): boolean {
  return appliance.license.everInstalled && appliance.users.all().some((u) => u.role === 'admin' && u.active);
}

const enrollSchema = z.strictObject({
  code: z.string().trim().min(1, { error: 'is required: the enrollment code from your vendor' }).max(64),
  controlPlaneUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

const firstAdminSchema = z.strictObject({ email: z.string(), name: z.string(), password: z.string() });

/** Extra facts the wizard shows (the TLS module adds the certificate fingerprint). */
export type SetupFacts = () => Record<string, unknown>;

export function setupRoutes(appliance: Appliance, facts: SetupFacts = () => ({})): Router {
  const router = new Router({ prefix: '/api/setup' });

  router.get('/status', (ctx) => {
    ctx.body = {
      done: isSetupDone(appliance),
      enrolled: appliance.license.enrolled,
      hasAdmin: appliance.users.all().some((u) => u.role === 'admin'),
      cabinetId: appliance.license.cabinetId,
      controlPlaneUrl: appliance.config.controlPlaneUrl ?? null,
      heartbeatFields: TELEMETRY_FIELDS,
      heartbeatRetention: TELEMETRY_RETENTION,
      ...facts(),
    };
  });

  router.post('/enroll', async (ctx) => {
    if (appliance.license.enrolled) throw new DomainError('already_enrolled', 'this appliance is already enrolled: an admin can re-enroll with `appliance enroll --code CODE`');
    const body = await parseBody(ctx, enrollSchema);
    const result = await enroll(appliance, body.code, body.controlPlaneUrl ?? appliance.config.controlPlaneUrl);
    ctx.status = 201;
    ctx.body = { enrolled: true, cabinetId: result.cabinetId, applianceId: result.applianceId, license: appliance.license.status() };
  });

  router.post('/license', async (ctx) => {
    if (appliance.license.enrolled) throw new DomainError('already_enrolled', 'this appliance is already enrolled: an admin imports licenses from the administration page');
    const text = await readText(ctx, ctx.is('application/json') ? 'application/json' : 'application/jose', { limit: 64 * 1024 });
    await importLicenseFile(appliance, text);
    ctx.status = 201;
    ctx.body = { enrolled: true, license: appliance.license.status() };
  });

  router.post('/admin', async (ctx) => {
    if (appliance.users.all().length > 0) throw new DomainError('already_exists', 'the first admin already exists: log in, then add users from the administration page');
    const body = await parseBody(ctx, firstAdminSchema);
    const user = await appliance.users.createUser({ ...body, role: 'admin' }, { firstAdmin: true });
    ctx.status = 201;
    ctx.body = { user: presentUser(user) };
  });

  return router;
}
