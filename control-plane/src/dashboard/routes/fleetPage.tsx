/** `/`: the fleet overview. */
import type Router from '@koa/router';
import { z } from 'zod';
import { parseQuery } from '@iamanager/protocol/http';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize } from '../../auth/policies.js';
import { listFleet } from '../../domain/fleet.js';
import { chromeOf } from '../chrome.js';
import type { DashboardPage } from '../dashboardPage.js';
import { FleetPage } from '../pages/fleet.js';
import { pageHandler, sendPage } from '../render.js';

const PER_PAGE = 50;
const query = z.object({
  plan: z.string().max(64).default(''),
  page: z.coerce.number().int().min(1).default(1),
});

export const fleetPage: DashboardPage = {
  nav: { href: '/', label: 'Parc', action: 'read' },
  mount(router: Router, deps) {
    router.get('/', pageHandler(deps, (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      const q = parseQuery(ctx, query);
      const all = listFleet(deps.cp, { includeRevoked: false }).filter((e) => !q.plan || e.plan === q.plan);
      const pages = Math.max(1, Math.ceil(all.length / PER_PAGE));
      const page = Math.min(q.page, pages);
      const rows = all.slice((page - 1) * PER_PAGE, page * PER_PAGE).map((e) => ({
        applianceId: e.applianceId,
        cabinetId: e.cabinetId,
        cabinetName: e.cabinetName,
        instanceName: e.instanceName,
        plan: e.plan,
        version: e.version,
        lastHeartbeatAt: e.lastHeartbeatAt,
        usage: [
          { label: 'Utilisateurs', used: e.usage?.usersActive ?? 0, limit: e.limits?.maxUsers ?? null },
          { label: 'Dossiers', used: e.usage?.casesOpen ?? 0, limit: e.limits?.maxCases ?? null },
          { label: 'Analyses du mois', used: e.usage?.analysesUsed ?? 0, limit: e.limits?.maxAnalysesMonthly ?? null },
        ],
      }));
      const pageHref = (n: number) => `/?${new URLSearchParams({ ...(q.plan ? { plan: q.plan } : {}), page: String(n) }).toString()}`;
      sendPage(ctx, <FleetPage chrome={chromeOf(deps, ctx)} view={{ rows, total: all.length, page, pages, plan: q.plan, plans: deps.cp.plans.list().map((p) => p.id), now: deps.cp.clock(), pageHref }} />);
    }));
  },
};
