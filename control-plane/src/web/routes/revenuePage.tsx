/** `/revenus`: MRR, ARR, by plan, and twelve months of MRR by plan and new and churned cabinets. */
import type Router from '@koa/router';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize } from '../../auth/policies.js';
import { revenueReport } from '../../domain/billing/revenue.js';
import { chromeOf } from '../chrome.js';
import type { DashboardPage } from '../dashboardPage.js';
import { RevenuePage } from '../pages/revenue.js';
import { sendPage } from '../render.js';

const MONTHS_SHOWN = 12;

export const revenuePage: DashboardPage = {
  nav: { href: '/revenus', label: 'Revenus', action: 'seeMoney' },
  mount(router: Router, deps) {
    const { cp } = deps;
    router.get('/revenus', async (ctx) => {
      authorize(currentAdmin(ctx), 'seeMoney');
      const plans = await cp.plans.list();
      const report = revenueReport(await cp.cabinets.list(), plans, cp.clock(), MONTHS_SHOWN);
      sendPage(
        ctx,
        <RevenuePage chrome={chromeOf(deps, ctx)} report={report} planNames={Object.fromEntries(plans.map((p) => [p.id, p.name]))} />,
      );
    });
  },
};
