/**
 * The web UI as a module of the appliance: its routers, the paths open during setup, and the
 * sources other modules plug in (case files, setup facts such as the TLS fingerprint).
 */
import type Router from '@koa/router';
import type Koa from 'koa';
import { FormReplays } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import { CalendarFeeds } from '../domain/calendar/calendarFeeds.js';
import { notFoundPage } from './pageErrors.js';
import { webRouter } from './router.js';
import { calendarFeed } from './routes/calendarPages.js';
import { caseSourceOf } from './routes/casePages.js';
import { staticFiles } from './routes/staticFiles.js';
import type { WebSources } from './webPage.js';

export type { WebSources } from './webPage.js';

export interface WebModule {
  routers: Router[];
  /** Sources can be plugged in after the module is created (modules open in sequence). */
  sources: WebSources;
  /** Open before setup is done: the wizard and its assets. `/setup` and `/static/` are open in app.ts already. */
  setupOpen: string[];
  /** The 404 page for browsers, after every route. */
  fallback: Koa.Middleware;
  close(): Promise<void>;
}

export async function openWebModule(appliance: Appliance, sources: WebSources = {}): Promise<WebModule> {
  const feeds = await CalendarFeeds.open(appliance.config.dataDir, appliance.log);
  sources.cases ??= caseSourceOf(appliance);
  return {
    sources,
    setupOpen: ['/langue', '/connexion'],
    fallback: notFoundPage(appliance),
    close: () => feeds.flushed(),
    // The assets and the calendar feed are not pages (their errors stay JSON); every page is on `webRouter`.
    routers: [
      staticFiles(appliance),
      calendarFeed(appliance, feeds),
      webRouter({ appliance, feeds, sources, replays: new FormReplays(appliance.clock) }),
    ],
  };
}
