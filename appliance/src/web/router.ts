/**
 * The appliance's pages (server-rendered with preact, French and English), mounted on one router.
 *
 * How to add a page: write `routes/<name>Pages.tsx` exporting an `AppliancePage` (webPage.ts)
 * whose `mount(router, deps)` registers its routes (a sub-router for a common prefix, then
 * `router.use(sub.routes())`); start each handler with `requirePermission(ctx, …)` or
 * `callerOf(ctx)` and just throw — the one `pageErrors` middleware (pageErrors.tsx) turns errors
 * into pages; add it to `PAGES` below.
 */
import type Router from '@koa/router';
import { pageRouter } from '@iamanager/kernel/web';
import { pageErrors } from './pageErrors.js';
import { adminPages } from './routes/adminPages.js';
import { supportBundlePages } from './routes/supportBundlePages.js';
import { calendarPages } from './routes/calendarPages.js';
import { myDeadlinesPages } from './routes/myDeadlinesPages.js';
import { reminderPages } from './routes/reminderPages.js';
import { casePages } from './routes/casePages.js';
import { caseFactsPages } from './routes/caseFactsPages.js';
import { caseEditPages } from './routes/caseEditPages.js';
import { planPages } from './routes/planPages.js';
import { sessionPages } from './routes/sessionPages.js';
import { setupPages } from './routes/setupPages.js';
import { workspacePages } from './routes/workspacePages.js';
import { documentPages } from './routes/documentPages.js';
import { draftPages } from './routes/draftPages.js';
import { deadlinePages } from './routes/deadlinePages.js';
import { invitationPages } from './routes/invitationPages.js';
import { secondFactorPages } from './routes/secondFactorPages.js';
import { passkeyPages } from './routes/passkeyPages.js';
import { oidcPages } from './routes/oidcPages.js';
import type { AppliancePage, WebDeps } from './webPage.js';

/**
 * Every page module, in the order their routes are tried. The static files and the calendar feed
 * are not pages (a stylesheet or a calendar client gets no error page): webModule.ts mounts them
 * beside this router.
 */
export const PAGES: readonly AppliancePage[] = [
  setupPages,
  sessionPages,
  workspacePages,
  casePages,
  caseFactsPages,
  calendarPages,
  planPages,
  adminPages,
  supportBundlePages,
  myDeadlinesPages,
  caseEditPages,
  documentPages,
  draftPages,
  deadlinePages,
  reminderPages,
  invitationPages,
  secondFactorPages,
  passkeyPages,
  oidcPages,
];

export function webRouter(deps: WebDeps): Router {
  return pageRouter(PAGES, deps, pageErrors(deps.appliance));
}
