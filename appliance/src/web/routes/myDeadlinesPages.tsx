/** "Mes échéances": the signed-in user's deadlines and the "pris en charge" action (docs/reminders.md). */
import Router from '@koa/router';
import { requirePermission } from '../../auth/authenticate.js';
import { MyDeadlinesPage } from '../pages/myDeadlines.js';
import { sendPage } from '../render.js';
import { chromeOf, messagesOf } from '../pageContext.js';
import type { AppliancePage, WebDeps } from '../webPage.js';

export const myDeadlinesPages: AppliancePage = { mount: mountMyDeadlinesPages };

function mountMyDeadlinesPages(pages: Router, { appliance }: WebDeps): void {
  const router = new Router({ prefix: '/mes-echeances' });

  router.get('/', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.read');
    // Opening the page is seeing the reminders: the menu's badge goes back to zero.
    await appliance.reminders.markSeen(caller.user);
    const flash = ctx.query.ok === '1' ? { kind: 'ok' as const, text: messagesOf(ctx).myDeadlineAcknowledged } : undefined;
    sendPage(
      ctx,
      <MyDeadlinesPage
        chrome={{ ...chromeOf(appliance, ctx), ...(flash ? { flash } : {}) }}
        deadlines={appliance.reminders.assignedTo(caller.user.id)}
      />,
    );
  });

  router.post('/:id/:remedy/prise-en-charge', async (ctx) => {
    const { user } = requirePermission(ctx, 'cases.read');
    const record = await appliance.cases.readCase(ctx.params.id ?? '', { id: user.id, email: user.email }, 'deadline.acknowledge');
    await appliance.reminders.acknowledge(record, ctx.params.remedy ?? '', user.email);
    ctx.redirect('/mes-echeances?ok=1');
  });

  pages.use(router.routes());
}
