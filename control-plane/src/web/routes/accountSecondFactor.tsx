/**
 * `/compte/double-facteur`: the signed-in admin's own second factor, for every role.
 * - Enrol (or, with the current code, replace it by a new phone): a new secret shown as a QR code
 *   and as text, confirmed with a code from it; the recovery codes are shown once, on the answer.
 * - New recovery codes, or removing the factor (refused when the role requires one): each needs a
 *   current code, so a session left open on someone's screen cannot take over or drop the factor.
 * Every code is checked under the login guard: wrong ones count in the login lock-out.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { formText, readForm } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import type { AdminIdentity } from '../../domain/admins.js';
import { chromeOf } from '../chrome.js';
import type { DashboardDeps, DashboardPage } from '../dashboardPage.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import { EnrolPage, RecoveryCodesPage } from '../pages/secondFactor.js';
import { sendPage } from '../render.js';
import { guardRefusal } from './sessionPages.js';
import { codeFieldError, refusedCodeMessage } from './secondFactorTexts.js';

export const ACCOUNT_ENROL_PATH = '/compte/double-facteur';

/** Back to `to` with the code field's error, shown once there (redirect after post). */
function refuse(deps: DashboardDeps, ctx: Context, message: string, to = '/compte'): void {
  redirectToForm(ctx, deps, { values: {}, errors: [{ field: 'code', message }] }, to);
}

/**
 * Checks the form's current code of the admin (application or recovery code) under the login
 * guard; true when it is right, else the refusal is already sent.
 */
async function currentCodeChecked(deps: DashboardDeps, ctx: Context, admin: AdminIdentity): Promise<boolean> {
  const code = formText(await readForm(ctx), 'code', 64);
  const empty = codeFieldError(code);
  if (empty) {
    refuse(deps, ctx, empty);
    return false;
  }
  let reason: 'invalid' | 'replayed' | undefined;
  try {
    const ok = await deps.loginGuard.check(admin.email, ctx.ip, async () => {
      const checked = await deps.cp.secondFactors.checkCode(admin.id, code, deps.cp.clock());
      if (checked.ok) return true;
      reason = checked.reason;
      return undefined;
    });
    if (ok) return true;
  } catch (err) {
    const refusal = guardRefusal(ctx, err);
    if (refusal === undefined) throw err;
    refuse(deps, ctx, refusal);
    return false;
  }
  deps.cp.log.info({ email: admin.email, ip: ctx.ip }, 'dashboard: second factor code refused on the account page');
  refuse(deps, ctx, refusedCodeMessage(reason));
  return false;
}

export const accountSecondFactorPages: DashboardPage = {
  mount(router: Router, deps) {
    const { cp, loginGuard } = deps;

    // Starts an enrolment; replacing a factor in place needs its current code first.
    router.post(ACCOUNT_ENROL_PATH, async (ctx) => {
      const admin = currentAdmin(ctx);
      if ((await cp.secondFactors.status(admin.id)).enrolledAt && !(await currentCodeChecked(deps, ctx, admin))) return;
      await cp.secondFactors.startEnrolment(admin.id, cp.clock());
      ctx.status = 303;
      ctx.redirect(ACCOUNT_ENROL_PATH);
    });

    router.get(ACCOUNT_ENROL_PATH, async (ctx) => {
      const admin = currentAdmin(ctx);
      const enrolment = await cp.secondFactors.pendingEnrolment(admin.id, cp.clock());
      if (!enrolment) return ctx.redirect('/compte#double-facteur');
      const errors = replayedForm(ctx, deps)?.errors.map((e) => e.message) ?? [];
      sendPage(
        ctx,
        <EnrolPage
          chrome={chromeOf(deps, ctx)}
          action={`${ACCOUNT_ENROL_PATH}/confirmer`}
          enrolment={enrolment}
          forced={false}
          errors={errors}
        />,
      );
    });

    router.post(`${ACCOUNT_ENROL_PATH}/confirmer`, async (ctx) => {
      const admin = currentAdmin(ctx);
      const code = formText(await readForm(ctx), 'code', 64);
      const empty = codeFieldError(code);
      if (empty) return refuse(deps, ctx, empty, ACCOUNT_ENROL_PATH);
      let confirmed;
      try {
        confirmed = await loginGuard.check(admin.email, ctx.ip, () => cp.secondFactors.confirmEnrolment(admin.id, code, cp.clock()));
      } catch (err) {
        const refusal = guardRefusal(ctx, err);
        if (refusal !== undefined) return refuse(deps, ctx, refusal, ACCOUNT_ENROL_PATH);
        if (err instanceof DomainError && err.code === 'enrolment_expired')
          return refuse(deps, ctx, "Code : cette clé a expiré (30 minutes). Recommencez l'activation.");
        throw err;
      }
      if (!confirmed) return refuse(deps, ctx, refusedCodeMessage('invalid'), ACCOUNT_ENROL_PATH);
      cp.log.info({ email: admin.email }, 'dashboard: second factor enrolled from the account page');
      sendPage(ctx, <RecoveryCodesPage chrome={chromeOf(deps, ctx)} codes={confirmed.recoveryCodes} continueHref="/compte" />);
    });

    router.post(`${ACCOUNT_ENROL_PATH}/codes`, async (ctx) => {
      const admin = currentAdmin(ctx);
      if (!(await cp.secondFactors.status(admin.id)).enrolledAt)
        return refuse(deps, ctx, "Code : vous n'avez pas encore de second facteur. Activez-le d'abord.");
      if (!(await currentCodeChecked(deps, ctx, admin))) return;
      const codes = await cp.secondFactors.regenerateRecoveryCodes(admin.id, cp.clock());
      sendPage(ctx, <RecoveryCodesPage chrome={chromeOf(deps, ctx)} codes={codes} continueHref="/compte" />);
    });

    router.post(`${ACCOUNT_ENROL_PATH}/retirer`, async (ctx) => {
      const admin = currentAdmin(ctx);
      const status = await cp.secondFactors.status(admin.id);
      if (status.required) return refuse(deps, ctx, 'Votre rôle exige un second facteur : vous pouvez le remplacer, pas le retirer.');
      if (!status.enrolledAt) return refuse(deps, ctx, "Code : vous n'avez pas de second facteur à retirer.");
      if (!(await currentCodeChecked(deps, ctx, admin))) return;
      await cp.secondFactors.remove(admin.id);
      cp.log.info({ email: admin.email }, 'dashboard: second factor removed by its owner');
      ctx.status = 303;
      ctx.redirect('/compte?fait=double-facteur-retire');
    });
  },
};
