/** Users, roles and personal API tokens. Admins manage users; everyone manages their own tokens. */
import Router from '@koa/router';
import { z } from 'zod';
import { parseBody } from '@iamanager/kernel/http';
import type { Appliance } from '../appliance.js';
import { callerOf, requirePermission } from '../auth/authenticate.js';
import { presentUser } from '../presenters/user.js';
import { tokenDaysSchema, tokenExpiry } from '../domain/users/users.js';
import { changeUser, inviteUser, resetUserAccess, type GrantedAccess } from '../domain/users/invitations.js';

const tokenSchema = z.strictObject({
  label: z.string().trim().min(1, { error: 'is required: what the token is for' }).max(80),
  expiresInDays: tokenDaysSchema.optional(),
});

export function userRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });
  const userAdmin = { users: appliance.users, audit: appliance.audit, clock: appliance.clock };

  router.get('/users', (ctx) => {
    requirePermission(ctx, 'users.manage');
    ctx.body = { users: appliance.users.all().map(presentUser) };
  });

  router.post('/users', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const user = await appliance.users.createUser(await parseBody(ctx, z.unknown()));
    await appliance.audit.append({ actor: caller.user.email, action: 'user.create', detail: `${user.email} (${user.role})` });
    ctx.status = 201;
    ctx.body = { user: presentUser(user) };
  });

  // Invitation and reset (docs/administration.md): the link or temporary password is in this answer only.
  router.post('/users/invitations', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const { user, access } = await inviteUser(userAdmin, await parseBody(ctx, z.unknown()), caller.user);
    ctx.status = 201;
    ctx.body = { user: presentUser(user), access: presentAccess(`${ctx.protocol}://${ctx.host}`, access) };
  });

  router.post('/users/:id/reset', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const { user, access } = await resetUserAccess(userAdmin, ctx.params.id ?? '', await parseBody(ctx, z.unknown()), caller.user);
    ctx.body = { user: presentUser(user), access: presentAccess(`${ctx.protocol}://${ctx.host}`, access) };
  });

  // Role and active state: never the last active admin (409 last_admin).
  router.patch('/users/:id', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const user = await changeUser(userAdmin, ctx.params.id ?? '', await parseBody(ctx, z.unknown()), caller.user);
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

/** The one-time link as a full address of this appliance, or the temporary password: shown once. */
function presentAccess(origin: string, access: GrantedAccess) {
  return access.method === 'lien'
    ? { method: access.method, link: `${origin}/invitation/${access.secret}`, expiresAt: access.expiresAt, note: 'shown once' }
    : { method: access.method, temporaryPassword: access.password, note: 'shown once: to be changed at first login' };
}
