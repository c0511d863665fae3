/**
 * `/admin/connexion-unique` (docs/single-sign-on.md): the redirect URI to register at the provider,
 * the provider's settings (the client secret write-only), who comes in and how, the « Tester la
 * découverte » button and its verdict.
 */
import { CATALOGUES, fill } from '../messages.js';
import { Csrf, ErrorSummary, Field, SelectField } from '../components.js';
import { formatDate } from '../format.js';
import { OIDC_CATALOGUES } from '../oidcMessages.js';
import type { Chrome, FieldError } from '../viewModels.js';
import type { OidcSettingsView } from '../../domain/oidc/oidcSettings.js';
import { AdminLayout } from './adminNav.js';

export interface SingleSignOnPageProps {
  chrome: Chrome;
  settings: OidcSettingsView;
  redirectUri: string;
  roles: ReadonlyArray<{ value: string; label: string }>;
  /** What was typed, when the form comes back with errors (never the secret). */
  values?: Readonly<Record<string, string>> | undefined;
  errors: readonly FieldError[];
}

export function AdminSingleSignOnPage({ chrome, settings, redirectUri, roles, values, errors }: SingleSignOnPageProps) {
  const m = CATALOGUES[chrome.locale];
  const o = OIDC_CATALOGUES[chrome.locale];
  const v = {
    issuer: values?.issuer ?? settings.issuer,
    clientId: values?.clientId ?? settings.clientId,
    displayName: values?.displayName ?? settings.displayName,
    allowedDomains: values?.allowedDomains ?? settings.allowedDomains.join(', '),
    createUsers: values ? values.createUsers === '1' : settings.createUsers,
    newUserRole: values?.newUserRole ?? settings.newUserRole,
    localLoginOff: values ? values.localLoginOff === '1' : settings.localLoginOff,
    breakGlassEmail: values?.breakGlassEmail ?? settings.breakGlassEmail,
  };
  return (
    <AdminLayout chrome={chrome} title={o.pageTitle}>
      <section class="card" aria-labelledby="sso-redirect-title">
        <p>{o.intro}</p>
        <h2 id="sso-redirect-title">{o.redirectUri}</h2>
        <p>
          <code id="sso-redirect-uri">{redirectUri}</code>
        </p>
        <p class="hint">{o.redirectUriHint}</p>
        {settings.breakGlassProblem ? (
          <p class="warning" id="sso-break-glass-lost">
            {o.breakGlassLost}
          </p>
        ) : null}
        {settings.configured ? (
          <p class="hint" id="sso-source">
            {fill(o.configuredBy, { at: formatDate(settings.updatedAt, chrome.locale, true), by: settings.updatedBy ?? '' })}
          </p>
        ) : (
          <p class="warning" id="sso-off">
            {o.notConfigured}
          </p>
        )}
      </section>
      <section class="card" aria-label={o.pageTitle}>
        <form method="post" action="/admin/connexion-unique" id="sso-settings" novalidate>
          <Csrf token={chrome.csrf} />
          <ErrorSummary errors={errors} m={m} />
          <Field
            name="issuer"
            label={o.issuer}
            hint={o.issuerHint}
            type="url"
            value={v.issuer}
            errors={errors}
            required
            autocomplete="off"
          />
          <Field name="clientId" label={o.clientId} hint={o.clientIdHint} value={v.clientId} errors={errors} required autocomplete="off" />
          <Field
            name="clientSecret"
            label={o.clientSecret}
            type="password"
            hint={settings.hasClientSecret ? o.clientSecretKept : o.clientSecretNone}
            errors={errors}
            required={!settings.hasClientSecret}
            autocomplete="new-password"
          />
          <Field name="displayName" label={o.displayName} hint={o.displayNameHint} value={v.displayName} errors={errors} required />
          <Field name="allowedDomains" label={o.allowedDomains} hint={o.allowedDomainsHint} value={v.allowedDomains} errors={errors} />
          <div class="field check">
            <label>
              <input type="checkbox" name="createUsers" value="1" checked={v.createUsers} /> {o.createUsers}
            </label>
          </div>
          <SelectField
            name="newUserRole"
            label={o.newUserRole}
            hint={o.newUserRoleHint}
            value={v.newUserRole}
            errors={errors}
            options={roles}
          />
          <div class="field check">
            <label>
              <input type="checkbox" name="localLoginOff" value="1" checked={v.localLoginOff} /> {o.localLoginOff}
            </label>
          </div>
          <Field
            name="breakGlassEmail"
            label={o.breakGlassEmail}
            hint={o.breakGlassEmailHint}
            type="email"
            value={v.breakGlassEmail}
            errors={errors}
            autocomplete="off"
          />
          <button type="submit" class="button primary">
            {o.save}
          </button>
        </form>
      </section>
      {settings.configured ? (
        <section class="card" aria-label={o.testDiscovery}>
          <form method="post" action="/admin/connexion-unique/test" class="inline">
            <Csrf token={chrome.csrf} />
            <button type="submit" class="button" id="sso-test">
              {o.testDiscovery}
            </button>
          </form>
          <form method="post" action="/admin/connexion-unique/desactiver" class="inline">
            <Csrf token={chrome.csrf} />
            <button type="submit" class="button danger">
              {o.forget}
            </button>
          </form>
        </section>
      ) : null}
    </AdminLayout>
  );
}
