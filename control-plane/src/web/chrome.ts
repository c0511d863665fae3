/**
 * The page frame's data for a request: who is signed in, their CSRF token, the navigation entries
 * their role may see (the current one marked), and an optional flash message.
 */
import type { Context } from 'koa';
import type { Flash } from '@iamanager/kernel/ui';
import { can } from '../auth/policies.js';
import type { AdminIdentity } from '../domain/admins.js';
import type { DashboardDeps } from './dashboardPage.js';

export interface NavLink {
  href: string;
  label: string;
  current: boolean;
}

/** The flash message's shape is the shared page component's (`@iamanager/kernel/ui`). */
export type { Flash };

export interface Chrome {
  admin: AdminIdentity | null;
  csrf: string | null;
  nav: NavLink[];
  flash?: Flash | undefined;
}

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function chromeOf(deps: Pick<DashboardDeps, 'nav'>, ctx: Context, flash?: Flash): Chrome {
  const admin = (ctx.state.admin as AdminIdentity | undefined) ?? null;
  const csrf = (ctx.state.csrf as string | undefined) ?? null;
  const nav = admin
    ? deps.nav.filter((n) => can(admin, n.action)).map((n) => ({ href: n.href, label: n.label, current: isCurrent(n.href, ctx.path) }))
    : [];
  return { admin, csrf, nav, flash };
}
