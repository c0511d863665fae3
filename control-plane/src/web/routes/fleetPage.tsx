/** `/`: the fleet overview, filtered, sorted and paged on the server from the query string. */
import type Router from '@koa/router';
import { parseWith } from '@iamanager/protocol';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize, can } from '../../auth/policies.js';
import { pastDueCabinetIds } from '../../domain/billing/invoiceAccount.js';
import { queryFleet } from '../../domain/fleet.js';
import { fleetQuerySchema } from '../../domain/fleetFields.js';
import { chromeOf } from '../chrome.js';
import type { DashboardPage } from '../dashboardPage.js';
import { fleetRow } from '../fleetRows.js';
import { FleetPage } from '../pages/fleet.js';
import { sendPage } from '../render.js';

export const PER_PAGE = 50;

export const fleetPage: DashboardPage = {
  nav: { href: '/', label: 'Parc', action: 'read' },
  mount(router: Router, deps) {
    const { cp } = deps;
    router.get('/', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'read');
      const { status, plan, sort, page } = ctx.query;
      const q = parseWith(fleetQuerySchema, { status, plan, sort, page }, 'query');
      const result = await queryFleet(cp, {
        status: q.status,
        plan: q.plan,
        sort: q.sort,
        includeRevoked: false,
        page: q.page,
        perPage: PER_PAGE,
      });
      const view = {
        rows: result.appliances.map((e) => fleetRow(e, cp.config.fleet, result.latestVersion)),
        total: result.total,
        page: result.page,
        pages: result.pages,
        counts: result.counts,
        filters: { status: q.status ?? ('' as const), plan: q.plan ?? '', sort: q.sort },
        plans: (await cp.plans.list()).map((p) => p.id),
        latestVersion: result.latestVersion,
        now: cp.clock(),
      };
      // The commercial-risk flag: cabinets with a past-due invoice, for the roles that see money.
      const pastDueCabinets = can(admin, 'seeMoney') ? await pastDueCabinetIds(cp) : undefined;
      sendPage(ctx, <FleetPage chrome={chromeOf(deps, ctx)} view={view} pastDueCabinets={pastDueCabinets} />);
    });
  },
};
