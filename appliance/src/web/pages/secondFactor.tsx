/**
 * The second factor's pages (docs/second-factor.md): the login's verification step, the account
 * page `/compte/double-facteur` (setup with a QR code, recovery codes, removal) and the recovery
 * codes shown once.
 */
import type { ComponentChildren } from 'preact';
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import { formatDate } from '../format.js';
import { SECOND_FACTOR_TEXTS } from '../secondFactorMessages.js';
import type { Chrome, FieldError } from '../viewModels.js';
import { PasskeysLink } from './passkeys.js';

/**
 * `/connexion/verification`: the app's code, or a recovery code (`method`). `extraMethods` is the
 * slot for other second factors of the user (a passkey button), shown under the form.
 */
export function VerificationPage({
  chrome,
  method,
  errors,
  extraMethods,
  codes = true,
}: {
  chrome: Chrome;
  method: 'totp' | 'recovery';
  errors: readonly FieldError[];
  extraMethods?: ComponentChildren;
  /** False for a user whose only second factor is a passkey: the code form is hidden, `extraMethods` alone. */
  codes?: boolean;
}) {
  const m = CATALOGUES[chrome.locale];
  const t = SECOND_FACTOR_TEXTS[chrome.locale];
  const recovery = method === 'recovery';
  return (
    <Layout chrome={chrome} title={t.verifyTitle}>
      <section class="card narrow">
        <h1>{t.verifyTitle}</h1>
        <p hidden={!codes}>{recovery ? t.recoveryIntro : t.verifyIntro}</p>
        <ErrorSummary errors={errors} m={m} />
        <form method="post" action="/connexion/verification" novalidate hidden={!codes}>
          <Csrf token={chrome.csrf} />
          <input type="hidden" name="method" value={method} />
          {recovery ? (
            <Field name="code" label={t.recoveryCode} hint={t.recoveryCodeHint} errors={errors} required autocomplete="off" />
          ) : (
            <Field name="code" label={t.code} hint={t.codeHint} errors={errors} required autocomplete="one-time-code">
              <input
                id="f-code"
                name="code"
                type="text"
                inputMode="numeric"
                autocomplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={7}
                required
                aria-describedby={['f-code-hint', errors.some((e) => e.field === 'code') ? 'f-code-error' : ''].filter(Boolean).join(' ')}
                aria-invalid={errors.some((e) => e.field === 'code') ? 'true' : undefined}
              />
            </Field>
          )}
          <button type="submit" class="button primary">
            {t.verify}
          </button>
        </form>
        <p hidden={!codes}>
          <a href={recovery ? '/connexion/verification' : '/connexion/verification?secours=1'}>
            {recovery ? t.useAppCode : t.useRecoveryCode}
          </a>
        </p>
        {extraMethods ? (
          <div class="second-factor-methods" aria-label={t.otherMethods}>
            {extraMethods}
          </div>
        ) : null}
      </section>
    </Layout>
  );
}

export interface SecondFactorAccountView {
  /** The policy requires a second factor and this login has none yet: nothing else is reachable. */
  mustEnrol: boolean;
  totpEnrolledAt: string | null;
  recoveryCodesLeft: number;
  /** The setup under way: the secret as text and as a QR code (inline SVG). */
  pending: { secret: string; qrSvg: string } | null;
  /** Whether the policy keeps the user from removing it (the remove form is not offered). */
  keptByPolicy: boolean;
  errors: readonly FieldError[];
  /** Which form the errors are for. */
  form: 'confirm' | 'codes' | 'remove' | null;
}

/** Groups a base32 secret by four for reading it out and typing it into an app. */
function grouped(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

export function SecondFactorAccountPage({ chrome, view }: { chrome: Chrome; view: SecondFactorAccountView }) {
  const m = CATALOGUES[chrome.locale];
  const t = SECOND_FACTOR_TEXTS[chrome.locale];
  const errorsOf = (form: SecondFactorAccountView['form']) => (view.form === form ? view.errors : []);
  return (
    <Layout chrome={chrome} title={t.accountTitle}>
      <section class="card narrow">
        <h1>{t.accountTitle}</h1>
        {view.mustEnrol ? (
          <p class="notice" role="status">
            {t.mustEnrol}
          </p>
        ) : null}
        <p>{t.accountIntro}</p>
        <PasskeysLink chrome={chrome} enrol={view.mustEnrol} />
        <p>
          <strong>{view.totpEnrolledAt ? fill(t.statusOn, { at: formatDate(view.totpEnrolledAt, chrome.locale) }) : t.statusOff}</strong>
        </p>
        {view.totpEnrolledAt ? <p>{fill(t.codesLeft, { count: view.recoveryCodesLeft })}</p> : null}
        {!view.totpEnrolledAt && !view.pending ? (
          <form method="post" action="/compte/double-facteur/debut">
            <Csrf token={chrome.csrf} />
            <button type="submit" class="button primary">
              {t.start}
            </button>
          </form>
        ) : null}
      </section>
      {view.pending ? (
        <section class="card narrow" aria-labelledby="scan-title">
          <h2 id="scan-title">{t.scanTitle}</h2>
          <div class="qr-code" role="img" aria-label={t.qrLabel} dangerouslySetInnerHTML={{ __html: view.pending.qrSvg }} />
          <p>{t.manualKey}</p>
          <p>
            <code class="totp-secret">{grouped(view.pending.secret)}</code>
          </p>
          <h2 id="confirm-title">{t.confirmTitle}</h2>
          <ErrorSummary errors={errorsOf('confirm')} m={m} />
          <form method="post" action="/compte/double-facteur/activation" novalidate>
            <Csrf token={chrome.csrf} />
            <Field name="code" label={t.code} hint={t.codeHint} errors={errorsOf('confirm')} required autocomplete="one-time-code" />
            <button type="submit" class="button primary">
              {t.confirm}
            </button>
          </form>
        </section>
      ) : null}
      {view.totpEnrolledAt ? (
        <section class="card narrow" aria-labelledby="codes-title">
          <h2 id="codes-title">{t.regenerateTitle}</h2>
          <p class="hint">{t.regenerateHint}</p>
          <ErrorSummary errors={errorsOf('codes')} m={m} />
          <form method="post" action="/compte/double-facteur/codes" novalidate>
            <Csrf token={chrome.csrf} />
            <Field name="code" label={t.code} hint={t.codeHint} errors={errorsOf('codes')} required autocomplete="one-time-code" />
            <button type="submit" class="button secondary">
              {t.regenerate}
            </button>
          </form>
        </section>
      ) : null}
      {view.totpEnrolledAt ? (
        <section class="card narrow" aria-labelledby="remove-title">
          <h2 id="remove-title">{t.removeTitle}</h2>
          {view.keptByPolicy ? (
            <p>{t.keptByPolicy}</p>
          ) : (
            <>
              <p class="hint">{t.removeHint}</p>
              <ErrorSummary errors={errorsOf('remove')} m={m} />
              <form method="post" action="/compte/double-facteur/suppression" novalidate>
                <Csrf token={chrome.csrf} />
                <Field
                  name="removeCode"
                  label={t.code}
                  hint={t.codeHint}
                  errors={errorsOf('remove')}
                  required
                  autocomplete="one-time-code"
                />
                <button type="submit" class="button danger">
                  {t.remove}
                </button>
              </form>
            </>
          )}
        </section>
      ) : null}
    </Layout>
  );
}

/** The recovery codes, shown once, with a .txt download built in the page (nothing kept to serve it later). */
export function RecoveryCodesPage({
  chrome,
  codes,
  fileText,
  continueTo,
}: {
  chrome: Chrome;
  codes: readonly string[];
  fileText: string;
  continueTo: string;
}) {
  const t = SECOND_FACTOR_TEXTS[chrome.locale];
  return (
    <Layout chrome={chrome} title={t.codesTitle}>
      <section class="card narrow">
        <h1>{t.codesTitle}</h1>
        <p>{t.codesIntro}</p>
        <ol class="recovery-codes">
          {codes.map((c) => (
            <li>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <p class="row-actions">
          <a
            class="button secondary"
            href={`data:text/plain;charset=utf-8,${encodeURIComponent(fileText)}`}
            download="codes-de-secours.txt"
          >
            {t.download}
          </a>
          <a class="button primary" href={continueTo}>
            {t.continue}
          </a>
        </p>
      </section>
    </Layout>
  );
}
