/**
 * The vendor's web dashboard, served at `/` of the control plane (server-rendered with preact,
 * French UI, no client script).
 *
 * Extension points — how to add a page (e.g. Billing, Revenue):
 *   1. Write `routes/<name>Page.tsx` exporting a `DashboardPage` (dashboardPage.ts): its `nav`
 *      entry `{ href, label, action }` — `action` is a policy from auth/policies.ts, so a role that
 *      may not do it never sees the link (e.g. `seeMoney` hides billing from support) — and a
 *      `mount(router, deps)` that registers its routes. Start each handler with
 *      `authorize(currentAdmin(ctx), action)` and just throw: the router's `pageErrors`
 *      (render.tsx) sends visitors without a session to the login page and renders any domain
 *      error as a French page.
 *   2. Put the page component in `pages/<name>.tsx`, rendered through `Layout` with
 *      `chromeOf(deps, ctx)`; forms that change state carry `<CsrfField token={chrome.csrf} />`
 *      (the session middleware checks it on every POST).
 *   3. Add the page to `PAGES` below, where it should appear in the navigation.
 *   A section of another page — e.g. a cabinet's invoices on the cabinet page — is a field of that
 *   page's view model, filled only for roles allowed to see it (`cabinetView.ts` already leaves
 *   prices out unless `can(admin, 'seeMoney')`), and a `<Panel>` in the page component
 *   (`pages/cabinet.tsx`, after "Formule") rendered only when the field is present.
 *   Money is cents in the view model; format it with `frenchEuros` (format.ts) on the page.
 */
import type Router from '@koa/router';
import { pageRouter } from '@iamanager/kernel/web';
import type { DashboardDeps, DashboardPage } from './dashboardPage.js';
import { accountPage } from './routes/accountPage.js';
import { accountSecondFactorPages } from './routes/accountSecondFactor.js';
import { secondStepPages } from './routes/secondStepPages.js';
import { adminsPage } from './routes/adminsPage.js';
import { alertsPage } from './routes/alertsPage.js';
import { billingPages } from './routes/billingPages.js';
import { cabinetPages } from './routes/cabinetPages.js';
import { fleetPage } from './routes/fleetPage.js';
import { paymentPages } from './routes/paymentPages.js';
import { revenuePage } from './routes/revenuePage.js';
import { sessionPages } from './routes/sessionPages.js';
import { staticFiles } from './routes/staticFiles.js';
import { upgradeRequestsPage } from './routes/upgradeRequestsPage.js';
import { pageErrors } from './render.js';
import { dashboardSession } from './session.js';

/** Every page, in navigation order; pages without `nav` (login, assets) are reachable by URL only. */
export const PAGES: readonly DashboardPage[] = [
  staticFiles,
  sessionPages,
  fleetPage,
  cabinetPages,
  alertsPage,
  upgradeRequestsPage,
  billingPages,
  paymentPages,
  revenuePage,
  adminsPage,
  accountPage,
  secondStepPages,
  accountSecondFactorPages,
];

export function dashboardRouter(deps: Omit<DashboardDeps, 'nav'>): Router {
  const full: DashboardDeps = { ...deps, nav: PAGES.flatMap((p) => (p.nav ? [p.nav] : [])) };
  return pageRouter(PAGES, full, pageErrors(full), dashboardSession(deps.sessions));
}
