/**
 * The second factor's pages (docs/second-factor.md): the login's verification step
 * (`/connexion/verification`) and the account page (`/compte/double-facteur`). The account page is
 * reached either with a session or, when the policy requires a second factor the user does not
 * have yet, with the pending-login cookie alone: then setting it up is what starts the session.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { totpQrSvg, totpUri } from '@iamanager/kernel/secondFactor';
import type { Caller } from '../../auth/authenticate.js';
import {
  ENROLMENT_PAGE,
  VERIFICATION_PAGE,
  finishLogin,
  guardedAppCode,
  guardedCodeCheck,
  pendingLoginOf,
  type PendingLogin,
} from '../../auth/secondFactorLogin.js';
import type { User } from '../../storage/userStore.js';
import { ApplianceError } from '../../errors.js';
import { fill } from '../messages.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import { RecoveryCodesPage, SecondFactorAccountPage, VerificationPage, type SecondFactorAccountView } from '../pages/secondFactor.js';
import { sendPage } from '../render.js';
import { callerOrNone, checkPreSessionToken, chromeOf, localeOf, messagesOf, preSessionToken, readForm, text } from '../pageContext.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import type { Chrome } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { passkeyMethod } from '../pages/passkeys.js';

export const secondFactorPages: AppliancePage = { mount: mountSecondFactorPages };

/** Who is on the account page: a session, or a login the policy holds until a second factor is set up. */
type AccountVisitor = { user: User; caller: Caller; pending: null } | { user: User; caller: null; pending: PendingLogin & { user: User } };

function mountSecondFactorPages(router: Router, deps: WebDeps): void {
  const { appliance } = deps;

  /** A login lock-out (or a full hashing queue) as the sentence the login page uses. */
  const lockMessage = (ctx: Context, err: unknown): string | null => {
    if (!(err instanceof DomainError) || (err.code !== 'rate_limited' && err.code !== 'login_busy')) return null;
    const m = messagesOf(ctx);
    const seconds = Number(err.details?.retryAfterSeconds ?? 60);
    return err.code === 'login_busy' ? m.loginBusy : fill(m.lockedOut, { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  };

  // ---- The login's second step ----

  router.get(VERIFICATION_PAGE, async (ctx) => {
    const pending = await pendingLoginOf(appliance, ctx);
    if (!pending || pending.stage !== 'verify') return ctx.redirect('/connexion?verification=expiree');
    const refused = replayedForm(ctx, deps);
    const method = ctx.query.secours === '1' || refused?.values.method === 'recovery' ? 'recovery' : 'totp';
    const chrome = { ...chromeOf(appliance, ctx, preSessionToken(ctx)), user: null };
    sendPage(
      ctx,
      <VerificationPage
        chrome={chrome}
        method={method}
        errors={refused?.errors ?? []}
        {...passkeyMethod(appliance, pending.user, chrome)}
      />,
    );
  });

  router.post(VERIFICATION_PAGE, async (ctx) => {
    const form = await readForm(ctx);
    checkPreSessionToken(ctx, form);
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    const pending = await pendingLoginOf(appliance, ctx);
    if (!pending || pending.stage !== 'verify') return ctx.redirect('/connexion?verification=expiree');
    const method = form.get('method') === 'recovery' ? 'recovery' : 'totp';
    const code = text(form, 'code', 64);
    const back = (message: string) =>
      redirectToForm(ctx, deps, { values: { method }, errors: [{ field: 'code', message }] }, VERIFICATION_PAGE);
    if (!code) return back(t.codeRequired);
    const { user } = pending;
    try {
      if (method === 'totp') {
        const result = await guardedAppCode(appliance, ctx, user, code);
        if (result !== 'ok') return back(result === 'replayed' ? t.replayedCode : t.wrongCode);
        ctx.status = 303;
        return ctx.redirect(await finishLogin(appliance, ctx, pending, 'totp'));
      }
      const left = await guardedCodeCheck(
        appliance,
        ctx,
        user.email,
        () => appliance.secondFactors.useRecoveryCode(user.id, code),
        (r) => r !== null,
      );
      if (left === null) return back(t.wrongRecoveryCode);
      await finishLogin(appliance, ctx, pending, 'recovery');
      // Whoever needs a recovery code has likely lost the phone: the page that says how many codes
      // remain is the one where new ones (or a new app) are set up.
      ctx.status = 303;
      return ctx.redirect(`${ENROLMENT_PAGE}?restants=${left}`);
    } catch (err) {
      const message = lockMessage(ctx, err);
      if (message === null) throw err;
      return back(message);
    }
  });

  // ---- The account page ----

  /** The visitor of the account page, or 401 (pageErrors sends them to the login page). */
  const visitorOf = async (ctx: Context): Promise<AccountVisitor> => {
    const caller = callerOrNone(ctx);
    if (caller) return { user: appliance.users.get(caller.user.id), caller, pending: null };
    const pending = await pendingLoginOf(appliance, ctx);
    if (pending?.stage === 'enrol') return { user: pending.user, caller: null, pending };
    throw new ApplianceError('unauthorized', 'log in first');
  };
  /** A form of the account page: CSRF of the session (checked by authenticate) or of the pre-session cookie. */
  const readAccountForm = async (ctx: Context, visitor: AccountVisitor): Promise<URLSearchParams> => {
    const form = await readForm(ctx);
    if (!visitor.caller) checkPreSessionToken(ctx, form);
    return form;
  };
  const chromeFor = (ctx: Context, visitor: AccountVisitor): Chrome =>
    visitor.caller ? chromeOf(appliance, ctx) : { ...chromeOf(appliance, ctx, preSessionToken(ctx)), user: null };

  router.get(ENROLMENT_PAGE, async (ctx) => {
    const visitor = await visitorOf(ctx);
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    const refused = replayedForm(ctx, deps);
    const status = appliance.secondFactors.status(visitor.user);
    const issuer = appliance.config.identity.name ?? 'IAManager';
    const pending = status.pendingSecret
      ? {
          secret: status.pendingSecret,
          qrSvg: await totpQrSvg(totpUri({ issuer, account: visitor.user.email, secret: status.pendingSecret })),
        }
      : null;
    const left = /^\d+$/.test(String(ctx.query.restants ?? '')) ? Number(ctx.query.restants) : null;
    const flash = refused?.notice
      ? refused.notice
      : left !== null
        ? { kind: 'error' as const, text: left > 0 ? fill(t.recoveryUsed, { count: left }) : t.recoveryUsedNone }
        : undefined;
    const view: SecondFactorAccountView = {
      mustEnrol: visitor.pending !== null,
      totpEnrolledAt: status.totpEnrolledAt,
      recoveryCodesLeft: status.recoveryCodesLeft,
      pending,
      keptByPolicy: appliance.secondFactorPolicy.covers(visitor.user),
      errors: refused?.errors ?? [],
      form: (refused?.values.form as SecondFactorAccountView['form']) ?? null,
    };
    const chrome = chromeFor(ctx, visitor);
    sendPage(ctx, <SecondFactorAccountPage chrome={flash ? { ...chrome, flash } : chrome} view={view} />);
  });

  router.post(`${ENROLMENT_PAGE}/debut`, async (ctx) => {
    const visitor = await visitorOf(ctx);
    await readAccountForm(ctx, visitor);
    await appliance.secondFactors.startTotp(visitor.user.id);
    ctx.status = 303;
    ctx.redirect(ENROLMENT_PAGE);
  });

  /** Back to the account page with the error under the form's code field. */
  const refuse = (ctx: Context, form: 'confirm' | 'codes' | 'remove', message: string) =>
    redirectToForm(
      ctx,
      deps,
      { values: { form }, errors: [{ field: form === 'remove' ? 'removeCode' : 'code', message }] },
      ENROLMENT_PAGE,
    );

  /** The recovery codes page, answered to the POST itself: the codes exist only in this response. */
  const showCodes = (ctx: Context, visitor: AccountVisitor, codes: string[], continueTo: string) => {
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    const cabinet = appliance.config.identity.name ?? appliance.license.cabinetId ?? 'IAManager';
    const fileText = [fill(t.codesFileHeader, { cabinet, email: visitor.user.email }), t.codesFileNote, '', ...codes, ''].join('\n');
    // A login the policy held has its session since this response: its CSRF token is in the new
    // cookie, not in this request, so the frame shows no account menu (a logout form without its
    // token would be refused) until "Continuer".
    const chrome = visitor.caller ? chromeOf(appliance, ctx) : { ...chromeOf(appliance, ctx), user: null, csrf: null };
    ctx.set('Cache-Control', 'no-store');
    sendPage(ctx, <RecoveryCodesPage chrome={chrome} codes={codes} fileText={fileText} continueTo={continueTo} />);
  };

  router.post(`${ENROLMENT_PAGE}/activation`, async (ctx) => {
    const visitor = await visitorOf(ctx);
    const form = await readAccountForm(ctx, visitor);
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    const code = text(form, 'code', 64);
    if (!code) return refuse(ctx, 'confirm', t.codeRequired);
    let codes: string[] | null;
    try {
      codes = await guardedCodeCheck(
        appliance,
        ctx,
        visitor.user.email,
        async () => {
          try {
            return await appliance.secondFactors.confirmTotp(visitor.user.id, code);
          } catch (err) {
            if (err instanceof DomainError && err.code === 'second_factor_invalid') return null;
            throw err;
          }
        },
        (r) => r !== null,
      );
    } catch (err) {
      const message = lockMessage(ctx, err);
      if (message === null) throw err;
      return refuse(ctx, 'confirm', message);
    }
    if (codes === null) return refuse(ctx, 'confirm', t.wrongCode);
    // Setting it up under the policy's hold is what completes the login.
    const continueTo = visitor.pending ? await finishLogin(appliance, ctx, visitor.pending, 'totp') : ENROLMENT_PAGE;
    showCodes(ctx, visitor, codes, continueTo);
  });

  /** A current code of the app, checked under the login guard; the refusal said on the form, or null when accepted. */
  const appCodeRefusal = async (ctx: Context, user: User, code: string): Promise<string | null> => {
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    if (!code) return t.codeRequired;
    try {
      const result = await guardedAppCode(appliance, ctx, user, code);
      return result === 'ok' ? null : result === 'replayed' ? t.replayedCode : t.wrongCode;
    } catch (err) {
      const message = lockMessage(ctx, err);
      if (message === null) throw err;
      return message;
    }
  };

  router.post(`${ENROLMENT_PAGE}/codes`, async (ctx) => {
    const visitor = await visitorOf(ctx);
    if (!visitor.caller) throw new ApplianceError('unauthorized', 'log in first');
    const form = await readAccountForm(ctx, visitor);
    const refusal = await appCodeRefusal(ctx, visitor.user, text(form, 'code', 64));
    if (refusal) return refuse(ctx, 'codes', refusal);
    const codes = await appliance.secondFactors.regenerateRecoveryCodes(visitor.user.id);
    showCodes(ctx, visitor, codes, ENROLMENT_PAGE);
  });

  router.post(`${ENROLMENT_PAGE}/suppression`, async (ctx) => {
    const visitor = await visitorOf(ctx);
    if (!visitor.caller) throw new ApplianceError('unauthorized', 'log in first');
    const form = await readAccountForm(ctx, visitor);
    const t = SECOND_FACTOR_TEXTS[localeOf(ctx)];
    // Said before any code is spent: the policy's refusal does not depend on it.
    if (appliance.secondFactorPolicy.covers(visitor.user)) return refuse(ctx, 'remove', t.keptByPolicy);
    const refusal = await appCodeRefusal(ctx, visitor.user, text(form, 'removeCode', 64));
    if (refusal) return refuse(ctx, 'remove', refusal);
    await appliance.secondFactors.remove(visitor.user.id);
    redirectToForm(ctx, deps, { values: {}, errors: [], notice: { kind: 'ok', text: t.removed } }, ENROLMENT_PAGE);
  });
}
