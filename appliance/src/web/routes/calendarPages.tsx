/**
 * Calendar subscription pages: create (or replace) and revoke one's feed URL, and the feed itself,
 * which a calendar client fetches with the secret token and no session. The feed holds the
 * deadlines of the open cases assigned to the user, labelled with case references only.
 */
import Router from '@koa/router';
import type { Appliance } from '../../appliance.js';
import { requirePermission } from '../../auth/authenticate.js';
import type { CalendarFeeds } from '../../domain/calendar/calendarFeeds.js';
import { calendarItemsOf } from '../caseViews.js';
import { calendarMonthsOf } from '../calendarMonths.js';
import { CalendarFeedPage, CalendarPage } from '../pages/calendar.js';
import { sendPage, setSecurityHeaders } from '../render.js';
import { chromeOf } from '../pageContext.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { ApplianceError } from '../../errors.js';

export const calendarPages: AppliancePage = { mount: mountCalendarPages };

function mountCalendarPages(pages: Router, { appliance, feeds, sources }: WebDeps): void {
  const router = new Router({ prefix: '/calendrier' });

  // The same deadlines as the dashboard (open cases), month by month, with the renewal windows.
  router.get('/', (ctx) => {
    requirePermission(ctx, 'cases.read');
    const view = calendarMonthsOf(sources.cases?.upcomingDeadlines() ?? [], appliance.clock());
    sendPage(ctx, <CalendarPage chrome={chromeOf(appliance, ctx)} view={view} />);
  });

  router.post('/', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    const token = await feeds.createFeed(caller.user.id, appliance.clock());
    await appliance.audit.append({ actor: caller.user.email, action: 'calendar.feed.create' });
    sendPage(ctx, <CalendarFeedPage chrome={chromeOf(appliance, ctx)} url={`${ctx.protocol}://${ctx.host}/calendrier/${token}.ics`} />);
  });

  router.post('/revoquer', async (ctx) => {
    const caller = requirePermission(ctx, 'cases.export');
    await feeds.revokeFeed(caller.user.id);
    await appliance.audit.append({ actor: caller.user.email, action: 'calendar.feed.revoke' });
    ctx.redirect('/');
  });

  pages.use(router.routes());
}

/**
 * The feed itself, which a calendar client fetches with the secret token and no session: not a
 * page (a calendar client gets no error page), so it is mounted beside the page router.
 */
export function calendarFeed(appliance: Appliance, feeds: CalendarFeeds): Router {
  const router = new Router({ prefix: '/calendrier' });

  router.get('/:file', async (ctx) => {
    const token = /^(.+)\.ics$/.exec(ctx.params.file ?? '')?.[1] ?? '';
    const userId = feeds.userForToken(token);
    const user = userId ? appliance.users.byId(userId) : undefined;
    if (!user || !user.active || !appliance.users.permissionsOf(user).has('cases.export'))
      throw new ApplianceError('not_found', 'no calendar at this address (revoked or never created)');
    const items = [];
    for (const c of appliance.cases.index.all()) if (!c.archived && c.assignedTo === user.id) items.push(...calendarItemsOf(c));
    await appliance.audit.append({ actor: user.email, action: 'calendar.feed.read', detail: `${items.length} deadlines` });
    setSecurityHeaders(ctx);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.type = 'text/calendar; charset=utf-8';
    const { buildDeadlinesIcs } = await import('../calendarIcs.js'); // loaded on first use, not at start-up
    ctx.body = buildDeadlinesIcs(items, appliance.config.identity.name ?? 'IAManager');
  });

  return router;
}
