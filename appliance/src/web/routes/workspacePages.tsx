/** The tableau de bord, and the meters it shares with the license page. */
import type Router from '@koa/router';
import type { Appliance } from '../../appliance.js';
import { callerOf } from '../../auth/authenticate.js';
import { billingUsage } from '../../domain/usage/billingUsage.js';
import { fill, type Messages } from '../messages.js';
import { DashboardPage } from '../pages/dashboard.js';
import { procedureLabel } from '../procedureLabels.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf } from '../pageContext.js';
import { deadlineSections, pagedGroupOf } from '../dashboardView.js';
import type { Meter } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';

/** The plan's usage meters (users, open cases, analyses this month with their overage). */
export function usageMeters(appliance: Appliance, m: Messages): Meter[] {
  const u = billingUsage(appliance);
  return [
    { label: m.usageUsers, used: u.users_active, limit: u.users_limit },
    { label: m.usageCases, used: u.cases_open, limit: u.cases_limit },
    {
      label: m.usageAnalyses,
      used: u.analyses_used,
      limit: u.analyses_limit,
      note: u.analyses_overage > 0 ? fill(m.overage, { n: u.analyses_overage }) : undefined,
    },
  ];
}

export const workspacePages: AppliancePage = { mount: mountWorkspacePages };

function mountWorkspacePages(router: Router, { appliance, sources, feeds }: WebDeps): void {
  const cases = () => sources.cases;
  const hasFeed = (userId: string) => feeds.hasFeed(userId);
  router.get('/', (ctx) => {
    const caller = callerOf(ctx);
    const locale = localeOf(ctx);
    const source = cases();
    const now = appliance.clock();
    const view = {
      sections: deadlineSections(source?.upcomingDeadlines() ?? [], caller.user.id, now, pagedGroupOf(ctx.query.groupe, ctx.query.page)),
      now: now.toISOString(),
      openByProcedure: (source?.openByProcedure() ?? [])
        .map((p) => ({ ...p, label: procedureLabel(p.procedure, locale) }))
        .sort((a, b) => b.count - a.count),
      plan: appliance.license.limits()?.plan ?? null,
      meters: usageMeters(appliance, messagesOf(ctx)),
      calendarFeed: caller.permissions.has('cases.export') ? hasFeed(caller.user.id) : null,
    };
    sendPage(ctx, <DashboardPage chrome={chromeOf(appliance, ctx)} view={view} />);
  });
}
