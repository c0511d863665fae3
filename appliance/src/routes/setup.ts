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
import type { Context } from 'koa';
import type { Appliance } from '../appliance.js';
import { requirePermission, type Caller } from '../auth/authenticate.js';
import { enroll } from '../enrollment/enroll.js';
import { importLicenseFile } from '../enrollment/licenseFile.js';
import { TELEMETRY_FIELDS, TELEMETRY_RETENTION } from '../heartbeat/telemetryFields.js';
import { presentUser } from '../presenters/user.js';
import { ApplianceError } from '../errors.js';

/**
 * Setup is done once a license was installed and an admin exists. A license that later stops
 * verifying does not bring the fence back: lawyers keep reading and exporting their files.
 */
export function isSetupDone(appliance: Appliance): boolean {
  return appliance.license.everInstalled && appliance.users.all().some((u) => u.role === 'admin' && u.active);
}

/** An admin exists (active or not): setup was finished once, and the appliance has an owner. */
export function hasOwner(appliance: Appliance): boolean {
  return appliance.users.all().some((u) => u.role === 'admin');
}

/**
 * Who may enroll or import a license now: anyone while the appliance has no owner yet (the wizard's
 * visitor), afterwards an admin only. Returns the admin (undefined before setup); throws
 * `setup_locked` (401) for an anonymous caller and `forbidden` (403) for another role.
 */
export function setupAuthority(appliance: Appliance, ctx: Context): Caller | undefined {
  if (!hasOwner(appliance)) return undefined;
  if (!ctx.state.caller) throw new ApplianceError('setup_locked', 'this appliance is already set up: enrolling it again or importing a license needs an admin (log in as an admin, or run `appliance enroll` / `appliance license import` on the machine)');
  return requirePermission(ctx, 'license.manage');
}

/**
 * The control plane to enroll with. Before setup the wizard's visitor may name one; afterwards only
 * CONTROL_PLANE_URL is called from the network side, so even a stolen admin session cannot make the
 * appliance post to a URL of its choosing (the CLI on the machine still takes `--control-plane`).
 */
export function enrollmentUrl(appliance: Appliance, admin: Caller | undefined, requested: string | undefined): string | undefined {
  const configured = appliance.config.controlPlaneUrl;
  if (!admin || !requested || requested === configured) return requested ?? configured;
  throw new ApplianceError('invalid_input', 'controlPlaneUrl: once set up, the appliance enrolls with its configured control plane (CONTROL_PLANE_URL) only: leave it out, or run `appliance enroll --code CODE --control-plane URL` on the machine');
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
    if (!admin && appliance.license.enrolled) throw new ApplianceError('already_enrolled', 'this appliance is already enrolled: an admin can re-enroll with `appliance enroll --code CODE`');
    const body = await parseBody(ctx, enrollSchema);
    const result = await enroll(appliance, body.code, enrollmentUrl(appliance, admin, body.controlPlaneUrl));
    if (admin) await appliance.audit.append({ actor: admin.user.email, action: 'license.enroll', detail: result.applianceId });
    ctx.status = 201;
    ctx.body = { enrolled: true, cabinetId: result.cabinetId, applianceId: result.applianceId, license: appliance.license.status() };
  });

  router.post('/license', async (ctx) => {
    const admin = setupAuthority(appliance, ctx);
    if (!admin && appliance.license.enrolled) throw new ApplianceError('already_enrolled', 'this appliance is already enrolled: an admin imports licenses (log in as an admin, or run `appliance license import FILE`)');
    const text = await readText(ctx, ctx.is('application/json') ? 'application/json' : 'application/jose', { limit: 64 * 1024 });
    const kind = await importLicenseFile(appliance, text);
    if (admin) await appliance.audit.append({ actor: admin.user.email, action: 'license.import', detail: kind });
    ctx.status = 201;
    ctx.body = { enrolled: true, license: appliance.license.status() };
  });

  router.post('/admin', async (ctx) => {
    if (appliance.users.all().length > 0) throw new ApplianceError('already_exists', 'the first admin already exists: log in, then add users from the administration page');
    const body = await parseBody(ctx, firstAdminSchema);
    const user = await appliance.users.createUser({ ...body, role: 'admin' }, { firstAdmin: true });
    ctx.status = 201;
    ctx.body = { user: presentUser(user) };
  });

  return router;
}
