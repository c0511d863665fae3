/**
 * The second step of a dashboard login, after the right password (sessionPages.tsx), for the
 * browser holding the pending cookie (pendingLogin.ts) — without it, or once it expired, back to
 * the login page:
 * - `/connexion/verification`: a code from the admin's application, or a recovery code;
 * - `/connexion/double-facteur`: enrolment, for an admin whose role requires a second factor
 *   they do not have (SECOND_FACTOR_REQUIRED_FOR) — the only page they reach; the recovery codes
 *   are shown once, on the answer to the confirmation, with the session it starts.
 * Each code is checked under the login guard: wrong ones count in the lock-out of the account for
 * this address, as wrong passwords do. Forms carry the pre-session CSRF token, as the login's.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { checkPreSessionToken, formText, preSessionToken, readForm, safeNext } from '@iamanager/kernel/web';
import type { AdminIdentity } from '../../domain/admins.js';
import { chromeOf, type Chrome } from '../chrome.js';
import type { DashboardDeps, DashboardPage } from '../dashboardPage.js';
import { EnrolPage, RecoveryCodesPage, VerifyPage } from '../pages/secondFactor.js';
import { clearPendingLogin, pendingLoginAdmin } from '../pendingLogin.js';
import { sendPage } from '../render.js';
import { startSession } from '../session.js';
import { ENROL_PATH, VERIFY_PATH, guardRefusal } from './sessionPages.js';
import { codeFieldError, refusedCodeMessage } from './secondFactorTexts.js';

/** The frame of a page shown before any session: no navigation, the pre-session CSRF token. */
function preSessionChrome(deps: DashboardDeps, ctx: Context): Chrome {
  return { ...chromeOf(deps, ctx), admin: null, nav: [], csrf: preSessionToken(ctx) };
}

/** The pending admin, or a redirect to the login page (the cookie expired, or the admin was reset or disabled since). */
async function pendingOrLogin(deps: DashboardDeps, ctx: Context): Promise<AdminIdentity | undefined> {
  const admin = await pendingLoginAdmin(deps.pending, ctx);
  if (!admin) {
    ctx.status = 303;
    ctx.redirect(`/connexion?next=${encodeURIComponent(safeNext(ctx.query.next))}`);
  }
  return admin;
}

export const secondStepPages: DashboardPage = {
  mount(router: Router, deps) {
    const { cp, sessions, loginGuard } = deps;

    const verifyPage = (ctx: Context, admin: AdminIdentity, errors: string[], status = 200) =>
      sendPage(
        ctx,
        <VerifyPage chrome={preSessionChrome(deps, ctx)} email={admin.email} next={safeNext(ctx.query.next)} errors={errors} />,
        status,
      );

    const enrolPage = async (ctx: Context, admin: AdminIdentity, errors: string[], status = 200) => {
      const enrolment = await cp.secondFactors.pendingEnrolment(admin.id, cp.clock());
      // The enrolment outlives the pending cookie; should it be gone all the same, the login starts again.
      if (!enrolment) return ctx.redirect('/connexion');
      const action = `${ENROL_PATH}?next=${encodeURIComponent(safeNext(ctx.query.next))}`;
      sendPage(
        ctx,
        <EnrolPage chrome={preSessionChrome(deps, ctx)} action={action} enrolment={enrolment} forced={true} errors={errors} />,
        status,
      );
    };

    /** The code from the form, checked under the login guard by `check`; a French refusal, or the check's result. */
    const guardedCode = async <T,>(
      ctx: Context,
      admin: AdminIdentity,
      check: (code: string) => Promise<T | undefined>,
    ): Promise<{ ok: T } | { refusal: string; status: number }> => {
      const form = await readForm(ctx);
      checkPreSessionToken(ctx, form);
      const code = formText(form, 'code', 64);
      const empty = codeFieldError(code);
      if (empty) return { refusal: empty, status: 400 };
      try {
        const result = await loginGuard.check(admin.email, ctx.ip, () => check(code));
        if (result !== undefined) return { ok: result };
      } catch (err) {
        const refusal = guardRefusal(ctx, err);
        if (refusal === undefined) throw err;
        return { refusal, status: 429 };
      }
      cp.log.info({ email: admin.email, ip: ctx.ip }, 'dashboard login: second factor code refused');
      return { refusal: refusedCodeMessage(undefined), status: 200 };
    };

    router.get(VERIFY_PATH, async (ctx) => {
      const admin = await pendingOrLogin(deps, ctx);
      if (admin) verifyPage(ctx, admin, []);
    });

    router.post(VERIFY_PATH, async (ctx) => {
      const admin = await pendingOrLogin(deps, ctx);
      if (!admin) return;
      let replayed = false;
      const outcome = await guardedCode(ctx, admin, async (code) => {
        const checked = await cp.secondFactors.checkCode(admin.id, code, cp.clock());
        replayed = !checked.ok && checked.reason === 'replayed';
        return checked.ok ? checked : undefined;
      });
      if ('refusal' in outcome) {
        const message = replayed ? refusedCodeMessage('replayed') : outcome.refusal;
        return verifyPage(ctx, admin, [message], outcome.status);
      }
      clearPendingLogin(ctx);
      await startSession(sessions, ctx, admin);
      cp.log.info({ email: admin.email, role: admin.role, factor: outcome.ok.kind }, 'dashboard login');
      ctx.status = 303;
      // A recovery code was spent: the account page says how many are left, and how to get new ones.
      if (outcome.ok.kind === 'recovery') return ctx.redirect('/compte?fait=code-de-secours');
      ctx.redirect(safeNext(ctx.query.next));
    });

    router.get(ENROL_PATH, async (ctx) => {
      const admin = await pendingOrLogin(deps, ctx);
      if (admin) await enrolPage(ctx, admin, []);
    });

    router.post(ENROL_PATH, async (ctx) => {
      const admin = await pendingOrLogin(deps, ctx);
      if (!admin) return;
      const outcome = await guardedCode(ctx, admin, (code) => cp.secondFactors.confirmEnrolment(admin.id, code, cp.clock()));
      if ('refusal' in outcome) return enrolPage(ctx, admin, [outcome.refusal], outcome.status);
      clearPendingLogin(ctx);
      await startSession(sessions, ctx, admin);
      cp.log.info({ email: admin.email, role: admin.role }, 'dashboard login after enrolling a second factor');
      sendPage(
        ctx,
        <RecoveryCodesPage chrome={preSessionChrome(deps, ctx)} codes={outcome.ok.recoveryCodes} continueHref={safeNext(ctx.query.next)} />,
      );
    });
  },
};
