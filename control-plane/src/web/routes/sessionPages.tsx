/**
 * `/connexion` and `/deconnexion`. Each password check goes through the login guard: lock-out per
 * account and address (LOGIN_MAX_FAILURES, LOGIN_LOCK_SECONDS) and a bounded hashing queue
 * (protocol/kernel/src/web/loginGuard.ts); the login form carries a pre-session CSRF token. An
 * admin with a second factor, or whose role requires one, goes on to its step
 * (secondStepPages.tsx) with a pending cookie, not a session.
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
import type { AdminIdentity } from '../../domain/admins.js';
import { issuePendingLogin } from '../pendingLogin.js';

/** The second step's pages (secondStepPages.tsx). */
export const VERIFY_PATH = '/connexion/verification';
export const ENROL_PATH = '/connexion/double-facteur';

/** "45 s", "2 min": locks run from a second (the account over every address) to LOGIN_LOCK_SECONDS. */
function waitText(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/**
 * The French sentence for a login guard's refusal (locked, or too many checks at once), with
 * Retry-After set; undefined for any other error, which the caller rethrows. Shared with the
 * second factor's step (secondStepPages.tsx): wrong codes count in the same lock-out.
 */
export function guardRefusal(ctx: Context, err: unknown): string | undefined {
  const e = err as DomainError;
  if (e?.code !== 'rate_limited' && e?.code !== 'login_busy') return undefined;
  const seconds = Number(e.details?.retryAfterSeconds ?? 60);
  ctx.set('Retry-After', String(seconds));
  return e.code === 'login_busy'
    ? 'Trop de connexions en cours de vérification : réessayez dans un instant.'
    : `Trop d'échecs de connexion : réessayez dans ${waitText(seconds)}.`;
}

/**
 * Thrown out of the login guard's check when the password is right but a second step follows: the
 * guard then counts the attempt neither way. Counting it a success would clear the failures of
 * this account and address, and someone who knows the password could then guess codes without end
 * by giving the password again between guesses; the failures clear when the code is right.
 */
class SecondStepNeeded {
  constructor(
    readonly admin: AdminIdentity,
    readonly step: 'verify' | 'enrol',
  ) {}
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

    // The password was right: no session yet, but a pending cookie for the second step's page.
    const secondStep = async (ctx: Context, { admin, step }: SecondStepNeeded) => {
      await issuePendingLogin(deps.pending, ctx, admin);
      if (step === 'enrol') await cp.secondFactors.startEnrolment(admin.id, cp.clock());
      cp.log.info({ email: admin.email, step }, 'dashboard login: password accepted, second factor step next');
      ctx.status = 303;
      ctx.redirect(`${step === 'enrol' ? ENROL_PATH : VERIFY_PATH}?next=${encodeURIComponent(safeNext(ctx.query.next))}`);
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
        admin = await loginGuard.check(email, ctx.ip, async () => {
          const found = email && password ? await cp.admins.authenticatePassword(email, password) : undefined;
          const step = found && (await cp.secondFactors.loginStep(found));
          if (found && step !== 'session') throw new SecondStepNeeded(found, step!);
          return found;
        });
      } catch (err) {
        if (err instanceof SecondStepNeeded) return secondStep(ctx, err);
        const refusal = guardRefusal(ctx, err);
        if (refusal === undefined) throw err;
        return loginPage(ctx, email, [refusal], 429);
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
