/** Login and password change. Error messages are generic on purpose: they never say which emails exist. */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import type { Chrome, FieldError } from '../viewModels.js';
import { PasskeysLink } from './passkeys.js';
import { OIDC_CATALOGUES } from '../oidcMessages.js';

/** Single sign-on on the login page (docs/single-sign-on.md): the provider's name, and whether passwords are off. */
export interface LoginSso {
  provider: string;
  passwordOff: boolean;
  /** Where to go after the provider's login (the page the visitor was sent from). */
  next: string;
}

export function LoginPage({
  chrome,
  email,
  errors,
  sso = null,
}: {
  chrome: Chrome;
  email: string;
  errors: readonly FieldError[];
  sso?: LoginSso | null;
}) {
  const m = CATALOGUES[chrome.locale];
  const o = OIDC_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.loginTitle}>
      <section class="card narrow">
        <h1>{m.loginTitle}</h1>
        <ErrorSummary errors={errors} m={m} />
        {sso ? (
          <div class="sso">
            <p>
              <a
                href={`/connexion/oidc${sso.next === '/' ? '' : `?next=${encodeURIComponent(sso.next)}`}`}
                class="button primary"
                id="sso-login"
              >
                {fill(o.ssoButton, { provider: sso.provider })}
              </a>
            </p>
            <p class="hint" id="sso-password-note">
              {sso.passwordOff ? fill(o.ssoPasswordOff, { provider: sso.provider }) : o.ssoOr}
            </p>
          </div>
        ) : null}
        <form method="post" action="/connexion" novalidate>
          <Csrf token={chrome.csrf} />
          <Field name="email" label={m.email} type="email" value={email} required autocomplete="username" />
          <Field name="password" label={m.password} type="password" required autocomplete="current-password" />
          <button type="submit" class="button primary">
            {m.login}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function PasswordPage({ chrome, errors }: { chrome: Chrome; errors: readonly FieldError[] }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.passwordTitle}>
      <section class="card narrow">
        <h1>{m.passwordTitle}</h1>
        <ErrorSummary errors={errors} m={m} />
        <form method="post" action="/mot-de-passe" novalidate>
          <Csrf token={chrome.csrf} />
          <Field
            name="currentPassword"
            label={m.currentPassword}
            type="password"
            errors={errors}
            required
            autocomplete="current-password"
          />
          <Field
            name="newPassword"
            label={m.newPassword}
            type="password"
            hint={m.passwordHint}
            errors={errors}
            required
            autocomplete="new-password"
          />
          <button type="submit" class="button primary">
            {m.changePassword}
          </button>
        </form>
      </section>
      <section class="card narrow" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{m.sessionsTitle}</h2>
        <p class="hint">{m.sessionsHint}</p>
        <form method="post" action="/mot-de-passe/sessions">
          <Csrf token={chrome.csrf} />
          <button type="submit" class="button danger">
            {m.endAllSessions}
          </button>
        </form>
      </section>
      <section class="card narrow" aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">{SECOND_FACTOR_TEXTS[chrome.locale].accountTitle}</h2>
        <p>
          <a href="/compte/double-facteur">{SECOND_FACTOR_TEXTS[chrome.locale].accountLink}</a>
        </p>
        <PasskeysLink chrome={chrome} enrol={false} />
      </section>
    </Layout>
  );
}

export function ErrorPage({ chrome, status, message }: { chrome: Chrome; status: number; message: string }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.errorTitle}>
      <section class="card narrow">
        <h1>{m.errorTitle}</h1>
        <p>{message}</p>
        <p class="hint">HTTP {status}</p>
        <p>
          <a href="/">{m.backHome}</a>
        </p>
      </section>
    </Layout>
  );
}
