/**
 * The setup API behind the wizard (and `appliance enroll`): until the appliance is enrolled and has
 * its first admin, only these endpoints, /healthz and the wizard itself are reachable. Each step
 * can be done once: enrollment while not enrolled, the first admin while there are no users.
 *
 * Once an admin exists the appliance has an owner, and enrolling or importing a license needs that
 * owner's authority (an admin session with its CSRF token, an admin's API token, or the CLI on the
 * machine) whatever state the license is in: a license that stops verifying (an edited file, a
 * changed pin) must not reopen setup to anyone on the LAN, who could install their own keys and
 * license or make the appliance call a URL of their choosing.
 */
import Router from '@koa/router';
import { z } from 'zod';
import { parseBody, readText } from '@iamanager/kernel/http';
import type { Caller } from '../auth/authenticate.js';
import type { Appliance } from '../appliance.js';
import { setupAuthority } from '../auth/setupAuthority.js';
import { enrollmentUrl, hasOwner, isSetupDone } from '../domain/enrollment/setupState.js';
import { enroll } from '../domain/enrollment/enroll.js';
import { importLicenseFile } from '../domain/enrollment/licenseFile.js';
import { enrollInputSchema } from '../domain/enrollment/enrollInput.js';
import { TELEMETRY_FIELDS, TELEMETRY_RETENTION } from '../domain/heartbeat/telemetryFields.js';
import { presentUser } from '../presenters/user.js';
import { ApplianceError } from '../errors.js';

const firstAdminSchema = z.strictObject({ email: z.string(), name: z.string(), password: z.string() });

/** Extra facts the wizard shows (the TLS module adds the certificate fingerprint). */
export type SetupFacts = () => Record<string, unknown>;

export function setupRoutes(appliance: Appliance, facts: SetupFacts = () => ({})): Router {
  const router = new Router({ prefix: '/api/setup' });

  router.get('/status', (ctx) => {
    // Once set up, a visitor learns only what the login page needs; the cabinet, the control plane,
    // the enrollment and the certificates are the admins' to see.
    const caller = ctx.state.caller as Caller | undefined;
    if (hasOwner(appliance) && !caller?.permissions.has('admin.view')) {
      ctx.body = { done: isSetupDone(appliance), hasAdmin: true };
      return;
    }
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
    const admin = setupAuthority(appliance, ctx);
    if (!admin && appliance.license.enrolled)
      throw new ApplianceError(
        'already_enrolled',
        'this appliance is already enrolled: an admin can re-enroll with `appliance enroll --code CODE`',
      );
    const body = await parseBody(ctx, enrollInputSchema);
    const result = await enroll(appliance, body.code, enrollmentUrl(appliance, admin, body.controlPlaneUrl));
    if (admin) await appliance.audit.append({ actor: admin.user.email, action: 'license.enroll', detail: result.applianceId });
    ctx.status = 201;
    ctx.body = { enrolled: true, cabinetId: result.cabinetId, applianceId: result.applianceId, license: appliance.license.status() };
  });

  router.post('/license', async (ctx) => {
    const admin = setupAuthority(appliance, ctx);
    if (!admin && appliance.license.enrolled)
      throw new ApplianceError(
        'already_enrolled',
        'this appliance is already enrolled: an admin imports licenses (log in as an admin, or run `appliance license import FILE`)',
      );
    const text = await readText(ctx, ctx.is('application/json') ? 'application/json' : 'application/jose', { limit: 64 * 1024 });
    const kind = await importLicenseFile(appliance, text);
    if (admin) await appliance.audit.append({ actor: admin.user.email, action: 'license.import', detail: kind });
    ctx.status = 201;
    ctx.body = { enrolled: true, license: appliance.license.status() };
  });

  router.post('/admin', async (ctx) => {
    if (appliance.users.all().length > 0)
      throw new ApplianceError('already_exists', 'the first admin already exists: log in, then add users from the administration page');
    const body = await parseBody(ctx, firstAdminSchema);
    const user = await appliance.users.createUser({ ...body, role: 'admin' }, { firstAdmin: true });
    ctx.status = 201;
    ctx.body = { user: presentUser(user) };
  });

  return router;
}
