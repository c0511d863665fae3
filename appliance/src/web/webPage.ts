/**
 * What an appliance page is: a page module of the shared web kernel (`PageModule`), whose
 * `mount(router, deps)` registers its routes on the one page router. Each page file under
 * `routes/` exports one, listed once in `router.ts`. A handler just throws: `pageErrors`
 * (pageErrors.tsx) sends a visitor without a session to the login page and renders any error as
 * a page in the visitor's language.
 */
import type { FormReplays, PageModule } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import type { CalendarFeeds } from '../domain/calendar/calendarFeeds.js';
import type { WebCaseSource } from './caseSource.js';

/** Sources other modules plug in after the web module is created (modules open in sequence). */
export interface WebSources {
  cases?: WebCaseSource;
}

/** Everything a page route may use. */
export interface WebDeps {
  appliance: Appliance;
  feeds: CalendarFeeds;
  sources: WebSources;
  /** Refused forms waiting for their page's GET (redirect after post: formReplay.ts). */
  replays: FormReplays;
}

export type AppliancePage = PageModule<WebDeps>;
