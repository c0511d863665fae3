/**
 * `/compte`, the signed-in admin's own account, for every role: change one's password (the
 * current one is asked, and wrong guesses count as failed logins, so a stolen session cannot try
 * passwords), revoke one's own API tokens, and end every session of one's own ("Fermer toutes mes
 * sessions": logout ends only this one — see session.ts).
 */
import { redirectToForm, replayedForm } from '../formReplay.js';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { readForm } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize } from '../../auth/policies.js';
import { MIN_PASSWORD_LENGTH } from '../../domain/admins.js';
import { chromeOf, type Flash } from '../chrome.js';
import type { DashboardDeps, DashboardPage } from '../dashboardPage.js';
import { AccountPage } from '../pages/account.js';
import { sendPage } from '../render.js';
import { endAllSessions, startSession } from '../session.js';

/** Longest password read from the form: scrypt hashes it, and a megabyte of it would be work for nothing. */
const MAX_PASSWORD_LENGTH = 200;

const FLASHES: Readonly<Record<string, string>> = {
  'mot-de-passe': "Mot de passe changé. Vos autres sessions sont fermées et vos jetons d'API révoqués.",
  'revoque': "Jeton d'API révoqué : il est refusé dès sa prochaine requête.",
  'double-facteur-retire': 'Vérification en deux étapes retirée : votre mot de passe suffit de nouveau pour vous connecter.',
};

/** After a login with a recovery code: how many are left, and how to get new ones. */
function recoveryFlash(left: number): string {
  return `Code de secours utilisé : il vous en reste ${left}. Générez-en de nouveaux ci-dessous si besoin.`;
}

/** Refused forms come back here with their errors: those of the code field belong to the second factor's panel. */
async function showAccount(
  deps: DashboardDeps,
  ctx: Context,
  errors: ReadonlyArray<{ field: string; message: string }> = [],
  status = 200,
): Promise<void> {
  const admin = currentAdmin(ctx);
  const secondFactor = await deps.cp.secondFactors.status(admin.id);
  const done =
    ctx.query.fait === 'code-de-secours'
      ? recoveryFlash(secondFactor.recoveryCodesLeft)
      : typeof ctx.query.fait === 'string'
        ? FLASHES[ctx.query.fait]
        : undefined;
  const flash: Flash | undefined = done && errors.length === 0 ? { kind: 'ok', text: done } : undefined;
  const tokens = await deps.cp.admins.listTokens({ email: admin.email }, deps.cp.clock());
  sendPage(
    ctx,
    <AccountPage
      chrome={chromeOf(deps, ctx, flash)}
      tokens={tokens}
      passwordErrors={errors.filter((e) => e.field !== 'code').map((e) => e.message)}
      secondFactor={secondFactor}
      secondFactorErrors={errors.filter((e) => e.field === 'code').map((e) => e.message)}
    />,
    status,
  );
}

/** The form's own problems, in French, before any password is checked. */
function passwordFormErrors(current: string, next: string, confirm: string): string[] {
  const errors: string[] = [];
  if (!current) errors.push('Mot de passe actuel : saisissez-le.');
  if (next.length < MIN_PASSWORD_LENGTH) errors.push(`Nouveau mot de passe : ${MIN_PASSWORD_LENGTH} caractères au moins.`);
  else if (next.length > MAX_PASSWORD_LENGTH) errors.push(`Nouveau mot de passe : ${MAX_PASSWORD_LENGTH} caractères au plus.`);
  else if (next !== confirm) errors.push('Confirmation : elle ne correspond pas au nouveau mot de passe.');
  else if (next === current) errors.push('Nouveau mot de passe : il doit différer du mot de passe actuel.');
  return errors;
}

export const accountPage: DashboardPage = {
  mount(router: Router, deps) {
    const { cp, sessions, loginGuard } = deps;

    router.get('/compte', async (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      const refused = replayedForm(ctx, deps);
      await showAccount(deps, ctx, refused?.errors ?? []);
    });

    router.post('/compte/mot-de-passe', async (ctx) => {
      const admin = currentAdmin(ctx);
      const form = await readForm(ctx);
      const current = (form.get('currentPassword') ?? '').slice(0, MAX_PASSWORD_LENGTH);
      const next = form.get('newPassword') ?? '';
      const errors = passwordFormErrors(current, next, form.get('confirmPassword') ?? '');
      // Refused: back to the account page, which says why once (redirect after post; passwords are never kept).
      const refuse = (messages: string[]) =>
        redirectToForm(ctx, deps, { values: {}, errors: messages.map((message) => ({ field: '', message })) }, '/compte');
      if (errors.length > 0) return refuse(errors);
      // The current password is checked under the login guard: a stolen session cannot guess it faster than a login could.
      if (!(await loginGuard.check(admin.email, ctx.ip, () => cp.admins.authenticatePassword(admin.email, current)))) {
        cp.log.info({ email: admin.email, ip: ctx.ip }, 'dashboard password change refused: wrong current password');
        return refuse(['Mot de passe actuel : incorrect.']);
      }
      await cp.admins.changePassword(admin.email, next, cp.clock());
      // Every session ended with the change, this one too: the admin who made it carries on in a new one.
      await startSession(sessions, ctx, admin);
      cp.log.info({ email: admin.email }, 'admin password changed from the dashboard');
      ctx.status = 303;
      ctx.redirect('/compte?fait=mot-de-passe');
    });

    router.post('/compte/sessions', async (ctx) => {
      const admin = currentAdmin(ctx);
      await endAllSessions(sessions, ctx, admin);
      cp.log.info({ email: admin.email }, 'dashboard: the admin ended every session of theirs');
      ctx.redirect('/connexion?sessions=0');
    });

    router.post('/compte/jetons/:id/revoquer', async (ctx) => {
      const admin = currentAdmin(ctx);
      // Someone else's token is "not found", like an id that does not exist: the page reveals no other admin's ids.
      const token = await cp.admins.revokeToken(String(ctx.params.id), cp.clock(), admin.id);
      cp.log.info({ tokenId: token.id, by: admin.email }, 'API token revoked from the dashboard');
      ctx.redirect('/compte?fait=revoque');
    });
  },
};
