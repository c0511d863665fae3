/**
 * What a dashboard page is: a page module of the shared web kernel (`PageModule`) — its place in
 * the navigation (shown to the roles allowed to see it) and the routes it registers. Each page
 * lives in one file under `routes/` and is listed once in `router.ts`; see the comment there for
 * how to add one.
 */
import type { FormReplays } from '@iamanager/kernel/web';
import type { LoginGuard, PageModule } from '@iamanager/kernel/web';
import type { Action } from '../auth/policies.js';
import type { ControlPlane } from '../controlPlane.js';
import type { DashboardSessions } from './session.js';
import type { PendingLogins } from './pendingLogin.js';

export interface NavItem {
  href: string;
  label: string;
  /** The policy action a role needs to see this entry (auth/policies.ts). */
  action: Action;
}

/** Everything a page route may use. */
export interface DashboardDeps {
  cp: ControlPlane;
  sessions: DashboardSessions;
  /** Every check of an admin's password: lock-out and a bounded hashing queue. */
  loginGuard: LoginGuard;
  /** Refused forms kept for their page's next GET (redirect after post: formReplay.ts). */
  replays: FormReplays;
  /** Logins between the password and the second factor (pendingLogin.ts). */
  pending: PendingLogins;
  /** The navigation, in order (every page's `nav`). */
  nav: readonly NavItem[];
}

export type DashboardPage = PageModule<DashboardDeps, NavItem>;
