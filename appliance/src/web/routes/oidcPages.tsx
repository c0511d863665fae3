/**
 * Single sign-on (docs/single-sign-on.md): `/connexion/oidc` sends the browser to the provider,
 * `/connexion/oidc/retour` takes its answer and opens the session; `/admin/connexion-unique` sets
 * it up. A refused login is a page that says why and what to do, in the visitor's language.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '@iamanager/protocol';
import { safeNext } from '@iamanager/kernel/web';
import { requirePermission } from '../../auth/authenticate.js';
import { ROLE_LABELS } from '../../auth/permissions.js';
import { startSession } from '../../auth/sessionActions.js';
import { FLOW_COOKIE, FLOW_MINUTES } from '../../domain/oidc/flowCookie.js';
import { sendPage } from '../render.js';
import { chromeOf, localeOf, messagesOf, preSessionToken, readForm } from '../pageContext.js';
import { fill } from '../messages.js';
import { describeError } from '../webErrors.js';
import { OIDC_CATALOGUES } from '../oidcMessages.js';
import { oidcDomainError, oidcFormValues, parseOidcForm } from '../oidcForms.js';
import { discoveryText, ssoErrorText } from '../oidcTexts.js';
import { AdminSingleSignOnPage } from '../pages/adminSingleSignOn.js';
import { OidcContinuePage, OidcRefusedPage } from '../pages/oidcLogin.js';
import { redirectToForm, replayedForm, type ReplayedForm } from '../formReplay.js';
import type { AppliancePage, WebDeps } from '../webPage.js';

export const oidcPages: AppliancePage = { mount: mountOidcPages };

const ADMIN_PAGE = '/admin/connexion-unique';

function mountOidcPages(pages: Router, deps: WebDeps): void {
  const { appliance } = deps;
  const providerName = () => appliance.oidcSettings.provider()?.displayName ?? '';

  const refused = (ctx: Context, err: unknown) => {
    const text = ssoErrorText(err, OIDC_CATALOGUES[localeOf(ctx)], providerName());
    if (text === null) throw err;
    appliance.log.info({ code: (err as DomainError).code, reason: (err as DomainError).details?.reason }, 'oidc: login refused');
    sendPage(
      ctx,
      <OidcRefusedPage chrome={{ ...chromeOf(appliance, ctx, preSessionToken(ctx)), user: null }} message={text} />,
      describeError(err, messagesOf(ctx)).status,
    );
  };

  pages.get('/connexion/oidc', async (ctx) => {
    try {
      const { url, cookie } = await appliance.sso.begin(safeNext(ctx.query.next));
      // Lax, not Strict: the provider's answer is a top-level navigation from its own site.
      ctx.cookies.set(FLOW_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.secure,
        path: '/connexion/oidc',
        maxAge: FLOW_MINUTES * 60_000,
        overwrite: true,
      });
      ctx.redirect(url);
    } catch (err) {
      refused(ctx, err);
    }
  });

  pages.get('/connexion/oidc/retour', async (ctx) => {
    const cookie = ctx.cookies.get(FLOW_COOKIE);
    // Used once, whatever comes of it.
    ctx.cookies.set(FLOW_COOKIE, null, { path: '/connexion/oidc', httpOnly: true, sameSite: 'lax', secure: ctx.secure, overwrite: true });
    try {
      const { user, next } = await appliance.sso.finish(ctx.querystring, cookie);
      await startSession(appliance, ctx, user.id, user.sessionEpoch);
      sendPage(ctx, <OidcContinuePage chrome={{ ...chromeOf(appliance, ctx), user: null }} next={safeNext(next)} />);
    } catch (err) {
      refused(ctx, err);
    }
  });

  const admin = new Router({ prefix: ADMIN_PAGE });
  admin.get('/', (ctx) => {
    requirePermission(ctx, 'users.manage');
    const back = replayedForm(ctx, deps);
    const { _form, ...values } = back?.values ?? {};
    sendPage(
      ctx,
      <AdminSingleSignOnPage
        chrome={{ ...chromeOf(appliance, ctx), ...(back?.notice ? { flash: back.notice } : {}) }}
        settings={appliance.oidcSettings.view()}
        redirectUri={appliance.sso.redirectUri}
        roles={appliance.users
          .roles()
          .filter((r) => r.name !== 'admin')
          .map((r) => ({ value: r.name, label: ROLE_LABELS[r.name] ?? r.name }))}
        values={_form === 'sso' ? values : undefined}
        errors={back?.errors ?? []}
      />,
    );
  });
  const backToPage = (ctx: Context, form: Partial<ReplayedForm>) =>
    redirectToForm(ctx, deps, { values: {}, errors: [], ...form }, ADMIN_PAGE);

  admin.post('/', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    const o = OIDC_CATALOGUES[localeOf(ctx)];
    const form = await readForm(ctx);
    const typed = { ...oidcFormValues(form), _form: 'sso' };
    const parsed = parseOidcForm(form, o);
    if (!parsed.ok) return backToPage(ctx, { values: typed, errors: parsed.errors });
    try {
      await appliance.oidcSettings.save(parsed.data, caller.user.email);
    } catch (err) {
      const fields = oidcDomainError(err, o);
      if (fields) return backToPage(ctx, { values: typed, errors: fields });
      return backToPage(ctx, { values: typed, notice: { kind: 'error', text: describeError(err, messagesOf(ctx)).text } });
    }
    const p = parsed.data;
    // Never the secret.
    await appliance.audit.append({
      actor: caller.user.email,
      action: 'sso.settings',
      detail: `${p.issuer} ${p.clientId}; create: ${p.createUsers ? p.newUserRole : 'no'}; password login: ${p.localLoginOff ? `off but ${p.breakGlassEmail}` : 'on'}`,
    });
    backToPage(ctx, { notice: { kind: 'ok', text: o.saved } });
  });

  admin.post('/test', async (ctx) => {
    requirePermission(ctx, 'users.manage');
    const o = OIDC_CATALOGUES[localeOf(ctx)];
    if (!appliance.oidcSettings.provider()) return backToPage(ctx, { notice: { kind: 'error', text: o.notConfiguredYet } });
    try {
      const found = await appliance.sso.test();
      backToPage(ctx, {
        notice: { kind: 'ok', text: fill(o.discoveryOk, { issuer: found.issuer, endpoint: found.authorizationEndpoint }) },
      });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'oidc_discovery_failed') throw err;
      backToPage(ctx, { notice: { kind: 'error', text: discoveryText(err, o) } });
    }
  });

  admin.post('/desactiver', async (ctx) => {
    const caller = requirePermission(ctx, 'users.manage');
    await appliance.oidcSettings.forget(caller.user.email);
    await appliance.audit.append({ actor: caller.user.email, action: 'sso.disable' });
    backToPage(ctx, { notice: { kind: 'ok', text: OIDC_CATALOGUES[localeOf(ctx)].forgotten } });
  });

  pages.use(admin.routes());
}
