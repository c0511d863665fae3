/**
 * `/connexion` and `/deconnexion`. Each password check goes through the login guard: lock-out per
 * account and address (LOGIN_MAX_FAILURES, LOGIN_LOCK_SECONDS) and a bounded hashing queue
 * (protocol/kernel/src/web/loginGuard.ts); the login form carries a pre-session CSRF token.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { DomainError } from '@iamanager/protocol';
import { checkPreSessionToken, formText, preSessionToken, readForm, safeNext } from '@iamanager/kernel/web';
import { chromeOf } from '../chrome.js';
import type { DashboardPage } from '../dashboardPage.js';
import { LoginPage } from '../pages/login.js';
import { sendPage } from '../render.js';
import { endSession, startSession } from '../session.js';

/** "45 s", "2 min": locks run from a second (the account over every address) to LOGIN_LOCK_SECONDS. */
function waitText(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

export const sessionPages: DashboardPage = {
  mount(router: Router, deps) {
    const { cp, sessions, loginGuard } = deps;
    const loginPage = (ctx: Context, email: string, errors: string[], status = 200) => {
      const chrome = { ...chromeOf(deps, ctx), admin: null, nav: [], csrf: preSessionToken(ctx) };
      const done =
        ctx.query.sortie === '1' ? 'Vous êtes déconnecté.' : ctx.query.sessions === '0' ? 'Toutes vos sessions sont fermées.' : undefined;
      const flash = done && errors.length === 0 ? { kind: 'ok' as const, text: done } : undefined;
      sendPage(ctx, <LoginPage chrome={{ ...chrome, flash }} email={email} next={safeNext(ctx.query.next)} errors={errors} />, status);
    };

    router.get('/connexion', (ctx) => {
      if (ctx.state.admin) return ctx.redirect(safeNext(ctx.query.next));
      loginPage(ctx, '', []);
    });

    router.post('/connexion', async (ctx) => {
      const form = await readForm(ctx);
      checkPreSessionToken(ctx, form);
      const email = formText(form, 'email', 254).toLowerCase();
      const password = (form.get('password') ?? '').slice(0, 200);
      let admin;
      try {
        admin = await loginGuard.check(email, ctx.ip, async () =>
          email && password ? cp.admins.authenticatePassword(email, password) : undefined,
        );
      } catch (err) {
        const e = err as DomainError;
        if (e.code !== 'rate_limited' && e.code !== 'login_busy') throw err;
        const seconds = Number(e.details?.retryAfterSeconds ?? 60);
        ctx.set('Retry-After', String(seconds));
        const message =
          e.code === 'login_busy'
            ? 'Trop de connexions en cours de vérification : réessayez dans un instant.'
            : `Trop d'échecs de connexion : réessayez dans ${waitText(seconds)}.`;
        return loginPage(ctx, email, [message], 429);
      }
      if (!admin) {
        cp.log.info({ email, ip: ctx.ip }, 'dashboard login refused');
        return loginPage(ctx, email, ['Adresse e-mail ou mot de passe incorrect.']);
      }
      await startSession(sessions, ctx, admin);
      cp.log.info({ email: admin.email, role: admin.role }, 'dashboard login');
      ctx.redirect(safeNext(ctx.query.next));
    });

    // With a session, its CSRF token was checked by the session middleware; without one, only the cookie is cleared.
    router.post('/deconnexion', async (ctx) => {
      await endSession(sessions, ctx);
      ctx.redirect('/connexion?sortie=1');
    });
  },
};
