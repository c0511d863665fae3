/**
 * What every page route needs from a request: the locale (cookie, French by default), the page
 * frame (branding, user, CSRF token), the submitted form, and a CSRF token for forms shown before
 * anyone is logged in (setup wizard, login) — a double-submit cookie, since there is no session yet.
 */
import type { Context } from 'koa';
import type { Appliance } from '../appliance.js';
import type { Caller } from '../auth/authenticate.js';
import { CATALOGUES, LOCALES, type Locale, type Messages } from './messages.js';
import type { Chrome } from './viewModels.js';
import { planBanner } from './planBanner.js';

export const LOCALE_COOKIE = 'iam_lang';

export function localeOf(ctx: Context): Locale {
  const v = ctx.cookies.get(LOCALE_COOKIE);
  return (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : 'fr';
}

export function messagesOf(ctx: Context): Messages {
  return CATALOGUES[localeOf(ctx)];
}

export function callerOrNone(ctx: Context): Caller | undefined {
  return ctx.state.caller as Caller | undefined;
}

/** The page frame for this request. `csrf` is the session's token, or a pre-session one. */
export function chromeOf(appliance: Appliance, ctx: Context, csrf?: string): Chrome {
  const caller = callerOrNone(ctx);
  const id = appliance.config.identity;
  const isAdmin = caller?.permissions.has('admin.view') ?? false;
  return {
    locale: localeOf(ctx),
    cabinetName: id.name ?? appliance.license.cabinetId ?? appliance.config.clientId ?? 'IAManager',
    color: id.color,
    logoUrl: id.logo ? '/static/logo' : null,
    user: caller ? { name: caller.user.name, email: caller.user.email, isAdmin: caller.permissions.has('admin.view') } : null,
    csrf: csrf ?? caller?.csrf ?? null,
    path: ctx.path,
    planBanner: caller ? planBanner(appliance, localeOf(ctx), isAdmin) : null,
    unreadReminders: caller ? appliance.reminders.unreadCount(caller.user) : 0,
  };
}

/** Forms (bounded body, pre-session CSRF) come from the shared web kernel; `text` is its `formText`. */
export { readForm, preSessionToken, checkPreSessionToken, formText as text } from '@iamanager/kernel/web';
