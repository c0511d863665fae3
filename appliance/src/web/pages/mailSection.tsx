/**
 * The admin page's mail section (docs/reminders.md): whether deadline reminders can go out, through
 * which server (host and port: the login never reaches a page), its last success or its failures
 * and back-off, and the "send a test" button.
 */
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton, Csrf, ErrorSummary, Field, SelectField } from '../components.js';
import { formatDate } from '../format.js';
import type { Chrome, FieldError, MailView } from '../viewModels.js';
import { REMINDERS_CATALOGUES } from '../remindersMessages.js';
import type { MailSettingsView } from '../../domain/reminders/mailSettings.js';

export function MailSection({ chrome, mail }: { chrome: Chrome; mail: MailView }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <section class="card" aria-labelledby="mail-title" id="messagerie">
      <h2 id="mail-title">{m.mailTitle}</h2>
      <p class="hint">{REMINDERS_CATALOGUES[chrome.locale].mailPrivacy}</p>
      {mail.configured ? (
        <>
          <dl class="facts">
            <dt>{m.mailServer}</dt>
            <dd>
              <code>{mail.server}</code>
            </dd>
            <dt>{m.mailLastSuccess}</dt>
            <dd>{formatDate(mail.lastSuccessAt, chrome.locale, true) || m.never}</dd>
          </dl>
          {mail.consecutiveFailures > 0 ? (
            <p class="warning" id="mail-failing">
              {fill(m.mailFailing, {
                count: String(mail.consecutiveFailures),
                at: formatDate(mail.lastErrorAt, chrome.locale, true),
                retry: formatDate(mail.retryAfter, chrome.locale, true),
              })}{' '}
              <code>{mail.lastError}</code>
            </p>
          ) : null}
          <ActionButton action="/admin/messagerie/test" label={m.mailSendTest} csrf={chrome.csrf} />
        </>
      ) : (
        <p class="warning" id="mail-off">
          {m.mailOff}
        </p>
      )}
      <p>
        <a href="/admin/rappels">{REMINDERS_CATALOGUES[chrome.locale].remindersAdminLink}</a>
      </p>
    </section>
  );
}

/** Where the settings in use come from: the page (when, by whom), `.env`, or nowhere. */
export function MailSource({ chrome, settings }: { chrome: Chrome; settings: MailSettingsView }) {
  const r = REMINDERS_CATALOGUES[chrome.locale];
  const text =
    settings.source === 'page'
      ? fill(r.mailSourcePage, { at: formatDate(settings.updatedAt, chrome.locale, true), by: settings.updatedBy ?? '' })
      : settings.source === 'env'
        ? r.mailSourceEnv
        : r.mailSourceNone;
  return (
    <p id="mail-source" class={settings.source === 'none' ? 'warning' : 'hint'}>
      {text}
    </p>
  );
}

/**
 * The SMTP server form (admin page and setup wizard): every field but the password is shown back;
 * the password is write-only (an empty field keeps the one saved, the checkbox erases it).
 */
export function MailSettingsForm({
  chrome,
  settings,
  values,
  errors,
  action,
  submitLabel,
}: {
  chrome: Chrome;
  settings: MailSettingsView;
  /** What was typed, when the form comes back with errors (never the password). */
  values?: Readonly<Record<string, string>> | undefined;
  errors: readonly FieldError[];
  action: string;
  submitLabel: string;
}) {
  const m = CATALOGUES[chrome.locale];
  const r = REMINDERS_CATALOGUES[chrome.locale];
  const v = {
    host: values?.host ?? settings.host,
    port: values?.port ?? String(settings.port),
    security: values?.security ?? settings.security,
    user: values?.user ?? settings.user,
    from: values?.from ?? settings.from,
  };
  return (
    <form method="post" action={action} id="mail-settings" novalidate>
      <Csrf token={chrome.csrf} />
      <ErrorSummary errors={errors} m={m} />
      <Field name="host" label={r.smtpHost} hint={r.smtpHostHint} value={v.host} errors={errors} required autocomplete="off" />
      <Field name="port" label={r.smtpPort} hint={r.smtpPortHint} type="number" value={v.port} errors={errors} required />
      <SelectField
        name="security"
        label={r.smtpSecurity}
        value={v.security}
        errors={errors}
        required
        options={[
          { value: 'starttls', label: r.securityStarttls },
          { value: 'starttls-required', label: r.securityStarttlsRequired },
          { value: 'tls', label: r.securityTls },
        ]}
      />
      <Field name="user" label={r.smtpUser} value={v.user} errors={errors} autocomplete="off" />
      <Field
        name="password"
        label={r.smtpPassword}
        type="password"
        hint={settings.hasPassword ? r.smtpPasswordKept : r.smtpPasswordNone}
        errors={errors}
        autocomplete="new-password"
      />
      <div class="field check">
        <label>
          <input type="checkbox" name="clearPassword" value="1" /> {r.smtpClearPassword}
        </label>
      </div>
      <Field name="from" label={r.smtpFrom} hint={r.smtpFromHint} value={v.from} errors={errors} required />
      <button type="submit" class="button primary">
        {submitLabel}
      </button>
    </form>
  );
}
