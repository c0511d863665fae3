/** `/demandes`: the upgrade requests cabinets sent from their appliance, and marking one handled. */
import type Router from '@koa/router';
import { parseWith } from '@iamanager/protocol';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize, can } from '../../auth/policies.js';
import { upgradeRequestIdSchema, upgradeRequestQuerySchema } from '../../domain/upgradeRequests.js';
import { chromeOf } from '../chrome.js';
import type { DashboardPage } from '../dashboardPage.js';
import { usageFigures } from '../fleetRows.js';
import { UpgradeRequestsPage, type UpgradeRequestRow } from '../pages/upgradeRequests.js';
import { sendPage } from '../render.js';

export const upgradeRequestsPage: DashboardPage = {
  nav: { href: '/demandes', label: 'Demandes', action: 'read' },
  mount(router: Router, deps) {
    const { cp } = deps;
    router.get('/demandes', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'read');
      const q = parseWith(upgradeRequestQuerySchema, { status: ctx.query.statut || undefined }, 'query');
      const seeMoney = can(admin, 'seeMoney');
      // One read of the cabinet store and of the plans for the whole list.
      const cabinets = new Map((await cp.cabinets.list()).map((c) => [c.id, c]));
      const prices = new Map((await cp.plans.list()).map((p) => [p.id, p.priceCents]));
      const rows: UpgradeRequestRow[] = (await cp.upgradeRequests.list({ status: q.status })).map((r) => {
        const cabinet = cabinets.get(r.cabinetId);
        return {
          id: r.id,
          cabinetId: r.cabinetId,
          cabinetName: cabinet?.name ?? r.cabinetId,
          cabinetEmail: cabinet?.email ?? null,
          cabinetPhone: cabinet?.phone ?? null,
          receivedAt: r.receivedAt,
          currentPlan: r.currentPlan,
          wantedPlan: r.wantedPlan,
          wantedPriceCents: seeMoney ? prices.get(r.wantedPlan) : undefined,
          usage: usageFigures({
            usage: { ...r.usage, analysesOverage: 0, storageBytes: 0 },
            limits: r.limits,
          }),
          month: r.usage.month,
          message: r.message,
          status: r.status,
          handledAt: r.handledAt,
          handledBy: r.handledBy,
        };
      });
      sendPage(
        ctx,
        <UpgradeRequestsPage chrome={chromeOf(deps, ctx)} view={{ rows, filter: q.status, canHandle: can(admin, 'managePlans') }} />,
      );
    });

    router.post('/demandes/:id/traitee', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'managePlans');
      const id = parseWith(upgradeRequestIdSchema, ctx.params.id, 'id');
      await cp.upgradeRequests.markHandled(id, admin.email, cp.clock());
      cp.log.info({ id, by: admin.email }, 'upgrade request marked handled from the dashboard');
      ctx.redirect('/demandes');
    });
  },
};
