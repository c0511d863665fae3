/**
 * The feature modules mounted on the core (the backup schedule, the web pages): each opens what it
 * needs here and contributes routers, a start and a close step.
 * One list, so `serve` and the CLI open exactly the same appliance.
 */
import type { Appliance } from './appliance.js';
import type { AppOptions } from './app.js';
import { backupModule } from './domain/backups/backupModule.js';
import { openWebModule } from './web/webModule.js';
import { reminderRoutes } from './api/reminders.js';

export interface OpenedModules {
  app: AppOptions;
  /** Starts what runs on its own while `serve` runs (the daily backups); the CLI never calls it. */
  start(): void;
  close(): Promise<void>;
}

export async function openModules(appliance: Appliance): Promise<OpenedModules> {
  const closers: Array<() => Promise<void>> = [];
  const app: AppOptions = { routers: [] };
  const backups = backupModule(appliance);
  closers.push(() => backups.close());
  // Deadline reminders: the schedule runs with `serve`; the appliance's own close stops it and
  // waits for a run in progress before it flushes the files.
  app.routers?.push(reminderRoutes(appliance));
  // The web UI last: its pages read what the other modules expose (cases, audit).
  const web = await openWebModule(appliance);
  closers.push(() => web.close());
  app.routers?.push(...web.routers);
  app.setupOpen = [...(app.setupOpen ?? []), ...web.setupOpen];
  app.fallback = web.fallback;
  return {
    app,
    start: () => {
      backups.start();
      appliance.reminders.startSchedule();
    },
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
