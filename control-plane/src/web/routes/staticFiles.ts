/** `/static/dashboard.css`, the dashboard's only asset. */
import type Router from '@koa/router';
import { sendAsset } from '@iamanager/kernel/web';
import { DASHBOARD_CSS } from '../assets.js';
import type { DashboardPage } from '../dashboardPage.js';

export const staticFiles: DashboardPage = {
  mount(router: Router) {
    router.get('/static/dashboard.css', (ctx) => sendAsset(ctx, 'text/css; charset=utf-8', DASHBOARD_CSS));
  },
};
