/**
 * Single sign-on's settings for scripts (docs/single-sign-on.md), administrators only: the same
 * checks as the page `/admin/connexion-unique`, and the client secret as write-only (never in an
 * answer; absent from a PUT: the saved one is kept for the same client).
 */
import Router from '@koa/router';
import { parseBody } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { requirePermission } from '../auth/authenticate.js';
import { oidcSettingsInput } from '../domain/oidc/oidcSettings.js';
import { ApplianceError } from '../errors.js';

export function ssoRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api/sso' });

  router.get('/settings', (ctx) => {
    requirePermission(ctx, 'users.manage');
    ctx.body = { settings: appliance.oidcSettings.view(), redirectUri: appliance.sso.redirectUri };
  });

  router.put('/settings', async (ctx) => {
    const { user } = requirePermission(ctx, 'users.manage');
    const input = await parseBody(ctx, oidcSettingsInput, { limit: 16 * 1024 });
    const settings = await appliance.oidcSettings.save(input, user.email);
    await appliance.audit.append({
      actor: user.email,
      action: 'sso.settings',
      detail: `${input.issuer} ${input.clientId}; create: ${input.createUsers ? input.newUserRole : 'no'}; password login: ${input.localLoginOff ? `off but ${input.breakGlassEmail}` : 'on'}`,
    });
    ctx.body = { settings, redirectUri: appliance.sso.redirectUri };
  });

  /** « Tester la découverte »: 200 with the issuer found, or 502 `oidc_discovery_failed` with `details.reason`. */
  router.post('/test', async (ctx) => {
    requirePermission(ctx, 'users.manage');
    if (!appliance.oidcSettings.provider())
      throw new ApplianceError('oidc_not_configured', 'single sign-on is not configured: PUT /api/sso/settings first');
    ctx.body = { discovery: await appliance.sso.test() };
  });

  return router;
}
