/** Users, roles and personal API tokens. Admins manage users; everyone manages their own tokens. */
import Router from '@koa/router';
import { z } from 'zod';
import { parseBody } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { callerOf, requirePermission } from '../auth/authenticate.js';
import { presentUser } from '../presenters/user.js';
import { tokenDaysSchema, tokenExpiry } from '../domain/users/users.js';

const tokenSchema = z.strictObject({
  label: z.string().trim().min(1, { error: 'is required: what the token is for' }).max(80),
  expiresInDays: tokenDaysSchema.optional(),
});

export function userRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });

  router.get('/users', (ctx) => {
    requirePermission(ctx, 'users.manage');
    ctx.body = { users: appliance.users.all().map(presentUser) };
  });

  router.post('/users', async (ctx) => {
    requirePermission(ctx, 'users.manage');
    const user = await appliance.users.createUser(await parseBody(ctx, z.unknown()));
    ctx.status = 201;
    ctx.body = { user: presentUser(user) };
  });

  router.patch('/users/:id', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const user = await appliance.users.updateUser(ctx.params.id ?? '', await parseBody(ctx, z.unknown()), caller.user.id);
    ctx.body = { user: presentUser(user) };
  });

  router.get('/roles', (ctx) => {
    callerOf(ctx);
    ctx.body = { roles: appliance.users.roles(), customRolesAllowed: appliance.license.limits()?.advancedFeatures ?? false };
  });

  router.post('/roles', async (ctx) => {
    requirePermission(ctx, 'users.manage');
    await appliance.users.createRole(await parseBody(ctx, z.unknown()));
    ctx.status = 201;
    ctx.body = { roles: appliance.users.roles() };
  });

  router.post('/tokens', async (ctx) => {
    const caller = callerOf(ctx);
    const { label, expiresInDays } = await parseBody(ctx, tokenSchema);
    const { token, info } = await appliance.users.createToken(caller.user.id, label, expiresInDays);
    ctx.status = 201;
    ctx.body = { token, id: info.id, label: info.label, expiresAt: tokenExpiry(info), note: 'shown once: store it now' };
  });

  router.delete('/tokens/:id', async (ctx) => {
    const caller = callerOf(ctx);
    await appliance.users.revokeToken(caller.user.id, ctx.params.id ?? '');
    ctx.body = { ok: true };
  });

  return router;
}
