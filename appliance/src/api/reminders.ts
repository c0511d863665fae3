/**
 * Deadline reminders over HTTP: acknowledging a deadline ("pris en charge", which spares the
 * admins the escalation) and the mail server's state for the admin page.
 */
import Router from '@koa/router';
import type { Appliance } from '../appliance.js';
import { requirePermission } from '../auth/authenticate.js';

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

  return router;
}
