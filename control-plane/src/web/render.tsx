/**
 * Sending a page, and the middleware in front of every dashboard route: a visitor without a
 * session is sent to the login page, a role without the right gets a 403 page, and a domain error
 * (a CSRF failure included) becomes a French error page — never JSON, never a stack trace.
 */
import type { Context, Middleware } from 'koa';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { pageErrors as kernelPageErrors, sendHtml } from '@iamanager/kernel/web';
import { CONTROL_PLANE_STATUS } from '../errorStatus.js';
import { COMMON_STATUS } from '@iamanager/kernel/http';
import { chromeOf } from './chrome.js';
import type { DashboardDeps } from './dashboardPage.js';
import { ErrorPage } from './pages/errorPage.js';

/** preact-render-to-string escapes every text and attribute value. */
export function renderPage(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

export function sendPage(ctx: Context, page: VNode, status = 200): void {
  sendHtml(ctx, renderPage(page), status);
}

const STATUS: Readonly<Record<string, number>> = { ...COMMON_STATUS, ...CONTROL_PLANE_STATUS };

/** French for the errors a page can meet; anything else shows the domain's own sentence. */
const MESSAGES: Readonly<Record<string, string>> = {
  forbidden: 'Votre rôle ne permet pas cette action. Demandez à un administrateur.',
  csrf_failed: 'Le formulaire a expiré. Rechargez la page et recommencez.',
  not_found: "Cette page n'existe pas.",
  admin_disabled: 'Ce compte est désactivé : demandez à un administrateur.',
  rate_limited: "Trop d'échecs de mot de passe : réessayez plus tard.",
  second_factor_unreadable:
    'Votre second facteur ne peut plus être lu (la clé qui le protège a changé) : connectez-vous avec un code de secours, ou demandez à un administrateur de le réinitialiser.',
  no_second_factor: "Vous n'avez pas de second facteur : activez-le depuis « Mon compte ».",
};

/**
 * In front of every dashboard route (the shared page pattern's middleware, `@iamanager/kernel/web`):
 * without a session, any request goes to the login page (a write then leads back to `/`); an
 * unexpected error goes on to the application's error middleware.
 */
export function pageErrors(deps: Pick<DashboardDeps, 'nav'>): Middleware {
  return kernelPageErrors({
    login: { path: '/connexion', for: 'all' },
    render: (ctx, err) => {
      const status = STATUS[err.code] ?? 400;
      sendPage(ctx, <ErrorPage chrome={chromeOf(deps, ctx)} status={status} message={MESSAGES[err.code] ?? err.message} />, status);
    },
  });
}
