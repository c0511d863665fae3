/**
 * Deadline reminders over HTTP: acknowledging a deadline ("pris en charge", which spares the
 * admins the escalation) and the mail server's state for the admin page.
 */
import Router from '@koa/router';
import type { Appliance } from '../appliance.js';
import { requirePermission } from '../auth/authenticate.js';
import { parseBody } from '@iamanager/kernel/http';
import { policyInput, preferenceInput } from '../domain/reminders/preferences.js';
import { mailSettingsInput } from '../domain/reminders/mailSettings.js';

export function reminderRoutes(appliance: Appliance): Router {
  const router = new Router({ prefix: '/api' });

  /** Anyone who may read the case may say its deadline is being handled (the audit records the read). */
  router.post('/cases/:id/deadlines/:remedy/ack', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.read');
    const record = await appliance.cases.readCase(ctx.params.id ?? '', { id: user.id, email: user.email }, 'deadline.acknowledge');
    ctx.body = { acknowledged: await appliance.reminders.acknowledge(record, ctx.params.remedy ?? '', user.email) };
  });

  router.get('/reminders/status', (ctx) => {
    requirePermission(ctx, 'admin.view');
    ctx.body = { mail: appliance.reminders.status() };
  });

  /** "Envoyer un test": a mail to the admin asking, through the configured server, to check it end to end. */
  router.post('/reminders/test', async (ctx) => {
    const { user } = requirePermission(ctx, 'admin.view');
    ctx.body = { test: await appliance.reminders.sendTest(user.email) };
  });

  /** The caller's own choices (« Mes rappels »): digest or one mail each, points turned off above the minimum. */
  router.get('/reminders/preferences', (ctx) => {
    const { user } = requirePermission(ctx, 'cases.read');
    const { mode, off } = appliance.reminderSettings.preference(user.id);
    ctx.body = { preferences: { mode, off }, points: appliance.reminderSettings.points() };
  });

  router.put('/reminders/preferences', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.read');
    const { mode, off } = await appliance.reminderSettings.savePreference(user.id, await parseBody(ctx, preferenceInput));
    await appliance.audit.append({ actor: user.email, action: 'reminders.preferences', detail: `${mode}; off: ${off.join(',') || '-'}` });
    ctx.body = { preferences: { mode, off } };
  });

  router.get('/reminders/policy', (ctx) => {
    requirePermission(ctx, 'admin.view');
    ctx.body = { policy: appliance.reminderSettings.policy() };
  });

  router.put('/reminders/policy', async (ctx) => {
    const { user } = requirePermission(ctx, 'admin.view');
    const policy = await appliance.reminderSettings.savePolicy(await parseBody(ctx, policyInput));
    await appliance.audit.append({ actor: user.email, action: 'reminders.policy' });
    ctx.body = { policy };
  });

  /** The mail server in use and where it comes from; never the password (only whether one is set). */
  router.get('/reminders/mail-settings', (ctx) => {
    requirePermission(ctx, 'admin.view');
    ctx.body = { mailSettings: appliance.mailSettings.view() };
  });

  router.put('/reminders/mail-settings', async (ctx) => {
    const { user } = requirePermission(ctx, 'admin.view');
    const input = await parseBody(ctx, mailSettingsInput);
    const view = await appliance.mailSettings.save(input, user.email);
    await appliance.audit.append({ actor: user.email, action: 'reminders.mail', detail: `${input.host}:${input.port}` });
    ctx.body = { mailSettings: view };
  });

  return router;
}
