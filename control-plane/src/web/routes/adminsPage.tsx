/**
 * `/administrateurs` (admins only): disable another admin — which ends their sessions and
 * tokens —, reset another admin's second factor — which ends their sessions —, and revoke anyone's API token. Nobody disables themselves here (another admin, or the
 * CLI, does), and the last active admin cannot be disabled at all.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { readForm } from '@iamanager/kernel/web';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize } from '../../auth/policies.js';
import { chromeOf, type Flash } from '../chrome.js';
import type { DashboardDeps, DashboardPage } from '../dashboardPage.js';
import { AdminsPage } from '../pages/admins.js';
import { sendPage } from '../render.js';
import { ControlPlaneError } from '../../errors.js';

const FLASHES: Readonly<Record<string, string>> = {
  desactive: "Compte désactivé : ses sessions sont fermées et ses jetons d'API révoqués.",
  revoque: "Jeton d'API révoqué : il est refusé dès sa prochaine requête.",
  reinitialise:
    "Second facteur réinitialisé : ses sessions sont fermées ; à sa prochaine connexion, il en active un nouveau (ses jetons d'API restent valables).",
};

/** Refusals shown on the page itself, in French, rather than as an error page. */
const REFUSALS: Readonly<Record<string, string>> = {
  last_admin: "C'est le dernier administrateur actif : créez-en un autre avant de le désactiver.",
  cannot_disable_yourself: 'Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur.',
  cannot_reset_yourself: 'Vous ne pouvez pas réinitialiser votre propre second facteur : remplacez-le depuis « Mon compte ».',
};

async function showAdmins(deps: DashboardDeps, ctx: Context, flash?: Flash, status = 200): Promise<void> {
  authorize(currentAdmin(ctx), 'manageAdmins');
  const done = typeof ctx.query.fait === 'string' ? FLASHES[ctx.query.fait] : undefined;
  const shown = flash ?? (done ? { kind: 'ok' as const, text: done } : undefined);
  sendPage(
    ctx,
    <AdminsPage
      chrome={chromeOf(deps, ctx, shown)}
      admins={await deps.cp.admins.list()}
      secondFactorRequired={(role) => deps.cp.secondFactors.required(role)}
      tokens={await deps.cp.admins.listTokens({}, deps.cp.clock())}
    />,
    status,
  );
}

export const adminsPage: DashboardPage = {
  nav: { href: '/administrateurs', label: 'Administrateurs', action: 'manageAdmins' },
  mount(router: Router, deps) {
    const { cp } = deps;

    router.get('/administrateurs', (ctx) => showAdmins(deps, ctx));

    router.post('/administrateurs/:id/desactiver', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageAdmins');
      const target = await cp.admins.get(String(ctx.params.id));
      // Disabling has no undo: the form's checkbox must say so (a browser without `required` support too).
      if ((await readForm(ctx)).get('confirmer') !== '1')
        return showAdmins(deps, ctx, { kind: 'error', text: `Cochez « Je confirme » pour désactiver ${target.email}.` }, 400);
      try {
        if (target.id === admin.id)
          throw new ControlPlaneError('cannot_disable_yourself', 'you cannot disable your own account: ask another admin');
        await cp.admins.disableAdmin(target.email, cp.clock());
      } catch (err) {
        if (err instanceof DomainError && REFUSALS[err.code])
          return showAdmins(deps, ctx, { kind: 'error', text: REFUSALS[err.code]! }, 409);
        throw err;
      }
      cp.log.info({ email: target.email, by: admin.email }, 'admin disabled from the dashboard');
      ctx.redirect('/administrateurs?fait=desactive');
    });

    // For an admin who lost both their phone and their recovery codes; the CLI does the same for the last admin.
    router.post('/administrateurs/:id/double-facteur/reinitialiser', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageAdmins');
      const target = await cp.admins.get(String(ctx.params.id));
      if ((await readForm(ctx)).get('confirmer') !== '1')
        return showAdmins(
          deps,
          ctx,
          { kind: 'error', text: `Cochez « Je confirme » pour réinitialiser le second facteur de ${target.email}.` },
          400,
        );
      try {
        if (target.id === admin.id)
          throw new ControlPlaneError(
            'cannot_reset_yourself',
            'you cannot reset your own second factor: replace it from your account page',
          );
        await cp.secondFactors.reset(target.email, admin.email, cp.clock());
      } catch (err) {
        if (err instanceof DomainError && REFUSALS[err.code])
          return showAdmins(deps, ctx, { kind: 'error', text: REFUSALS[err.code]! }, 409);
        throw err;
      }
      cp.log.info({ email: target.email, by: admin.email }, 'admin second factor reset from the dashboard');
      ctx.redirect('/administrateurs?fait=reinitialise');
    });

    router.post('/administrateurs/jetons/:id/revoquer', async (ctx) => {
      const admin = currentAdmin(ctx);
      authorize(admin, 'manageAdmins');
      const token = await cp.admins.revokeToken(String(ctx.params.id), cp.clock());
      cp.log.info({ tokenId: token.id, owner: token.email, by: admin.email }, 'API token revoked from the dashboard');
      ctx.redirect('/administrateurs?fait=revoque');
    });
  },
};
