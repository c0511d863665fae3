/** Login, logout, password change and the language switch. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { DomainError } from '@iamanager/protocol';
import { callerOf } from '../../auth/authenticate.js';
import { changeOwnPassword, endAllSessions, endSession, startSession } from '../../auth/sessionActions.js';
import { fill } from '../messages.js';
import { LoginPage, PasswordPage } from '../pages/auth.js';
import { sendPage } from '../render.js';
import { LOCALE_COOKIE, checkPreSessionToken, chromeOf, localeOf, messagesOf, preSessionToken, readForm, text } from '../pageContext.js';
import { describeError } from '../webErrors.js';
import { parseForm } from '../formIssues.js';
import { passwordChangeFields, passwordChangeFormSchema } from '../passwordForm.js';
import type { FieldError } from '../viewModels.js';
import { safeNext } from '@iamanager/kernel/web';
import type { AppliancePage, WebDeps } from '../webPage.js';
import { redirectToForm, replayedForm } from '../formReplay.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import { beginLogin } from '../../auth/secondFactorLogin.js';
import { OIDC_CATALOGUES } from '../oidcMessages.js';

export const sessionPages: AppliancePage = { mount: mountSessionPages };

function mountSessionPages(router: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const loginPage = (ctx: Context, email = '', errors: FieldError[] = [], flash?: string) => {
    const chrome = {
      ...chromeOf(appliance, ctx, preSessionToken(ctx)),
      user: null,
      ...(flash ? { flash: { kind: 'ok' as const, text: flash } } : {}),
    };
    const provider = appliance.oidcSettings.provider();
    const sso = provider ? { provider: provider.displayName, passwordOff: provider.localLoginOff, next: safeNext(ctx.query.next) } : null;
    sendPage(ctx, <LoginPage chrome={chrome} email={email} errors={errors} sso={sso} />);
  };

  router.get('/connexion', (ctx) => {
    const m = messagesOf(ctx);
    const refused = replayedForm(ctx, deps);
    if (refused) return loginPage(ctx, refused.values.email ?? '', refused.errors);
    if (ctx.query.verification === 'expiree')
      return loginPage(ctx, '', [{ field: '', message: SECOND_FACTOR_TEXTS[localeOf(ctx)].pendingExpired }]);
    loginPage(ctx, '', [], ctx.query.sortie === '1' ? m.loggedOut : ctx.query.sessions === '0' ? m.allSessionsEnded : undefined);
  });
  // Back to the login page with the address the visitor came from (`next` is checked by safeNext on success).
  const refuseLogin = (ctx: Context, email: string, message: string) =>
    redirectToForm(ctx, deps, { values: { email }, errors: [{ field: '', message }] }, ctx.url);

  router.post('/connexion', async (ctx) => {
    const form = await readForm(ctx);
    checkPreSessionToken(ctx, form);
    const m = messagesOf(ctx);
    const email = text(form, 'email', 254).toLowerCase();
    const password = form.get('password') ?? '';
    let user;
    try {
      user = await appliance.loginGuard.check(email, ctx.ip, async () =>
        email && password ? appliance.users.checkPassword(email, password) : undefined,
      );
    } catch (err) {
      const e = err as DomainError;
      if (e.code !== 'rate_limited' && e.code !== 'login_busy') throw err;
      const seconds = Number(e.details?.retryAfterSeconds ?? 60);
      const message = e.code === 'login_busy' ? m.loginBusy : fill(m.lockedOut, { minutes: Math.max(1, Math.ceil(seconds / 60)) });
      return refuseLogin(ctx, email, message);
    }
    if (!user) return refuseLogin(ctx, email, m.wrongCredentials);
    // Checked after the password, so a wrong one never tells which account keeps password login.
    if (!appliance.oidcSettings.passwordLoginAllowed(user))
      return refuseLogin(
        ctx,
        email,
        fill(OIDC_CATALOGUES[localeOf(ctx)].localLoginDisabled, { provider: appliance.oidcSettings.provider()?.displayName ?? '' }),
      );
    // A second factor, or its setup the policy requires, comes before the session (docs/second-factor.md).
    ctx.redirect(await beginLogin(appliance, ctx, user, safeNext(ctx.query.next)));
  });

  router.post('/deconnexion', async (ctx) => {
    await endSession(appliance, ctx);
    ctx.redirect('/connexion?sortie=1');
  });

  // "Fermer toutes mes sessions": this one and those of other browsers (logout ends this one only).
  router.post('/mot-de-passe/sessions', async (ctx) => {
    const caller = callerOf(ctx);
    await endAllSessions(appliance, ctx, caller);
    appliance.log.info({ userId: caller.user.id }, 'sessions: the user ended every session of theirs');
    ctx.redirect('/connexion?sessions=0');
  });

  router.get('/mot-de-passe', (ctx) => {
    const caller = callerOf(ctx);
    const m = messagesOf(ctx);
    const refused = replayedForm(ctx, deps);
    const chrome = chromeOf(appliance, ctx);
    const flash =
      ctx.query.modifie === '1' && !refused
        ? { flash: { kind: 'ok' as const, text: m.passwordChanged } }
        : caller.user.mustChangePassword // a temporary password (docs/administration.md): nothing else is reachable
          ? { flash: { kind: 'error' as const, text: ADMIN_TEXTS[localeOf(ctx)].mustChangePassword } }
          : {};
    sendPage(ctx, <PasswordPage chrome={{ ...chrome, ...flash }} errors={refused?.errors ?? []} />);
  });

  router.post('/mot-de-passe', async (ctx) => {
    const caller = callerOf(ctx);
    const form = await readForm(ctx);
    const m = messagesOf(ctx);
    const current = form.get('currentPassword') ?? '';
    const next = form.get('newPassword') ?? '';
    const parsed = parseForm(passwordChangeFormSchema, { currentPassword: current, newPassword: next }, passwordChangeFields(m), m);
    const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
    if (errors.length === 0) {
      try {
        await changeOwnPassword(appliance, ctx, caller.user, current, next);
      } catch (err) {
        const d = describeError(err, m, { currentPassword: m.currentPassword, newPassword: m.newPassword });
        errors.push(
          d.fields[0]?.field === 'currentPassword'
            ? { field: 'currentPassword', message: m.wrongCurrentPassword }
            : (d.fields[0] ?? { field: '', message: d.text }),
        );
      }
    }
    if (errors.length > 0) return redirectToForm(ctx, deps, { values: {}, errors }, '/mot-de-passe');
    const user = appliance.users.get(caller.user.id);
    await startSession(appliance, ctx, user.id, user.sessionEpoch);
    ctx.status = 303;
    ctx.redirect('/mot-de-passe?modifie=1');
  });

  router.get('/langue', (ctx) => {
    const l = ctx.query.l === 'en' ? 'en' : 'fr';
    ctx.cookies.set(LOCALE_COOKIE, l, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/',
      maxAge: 365 * 86_400_000,
      overwrite: true,
    });
    ctx.redirect(safeNext(ctx.query.next));
  });
}
