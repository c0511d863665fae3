/**
 * The reminder settings pages (docs/reminders.md): « Mes rappels » (each user: one mail per
 * reminder or a daily digest, the points above the cabinet's minimum they receive) and
 * /admin/rappels (the cabinet's policy, the mail server, the test mail).
 */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton, Csrf, ErrorSummary, Field } from '../components.js';
import type { Chrome, FieldError } from '../viewModels.js';
import { REMINDERS_CATALOGUES, type RemindersMessages } from '../remindersMessages.js';
import type { PointChoice } from '../../domain/reminders/preferences.js';
import type { MailSettingsView } from '../../domain/reminders/mailSettings.js';
import type { ReminderPreference } from '../../storage/reminderSettingsStore.js';
import { MailSettingsForm, MailSource } from './mailSection.js';
import { POLICY_FIELDS } from '../reminderForms.js';

export function pointLabel(p: Pick<PointChoice, 'kind' | 'n'>, r: RemindersMessages): string {
  if (p.kind === 'hour') return fill(r.hourPoint, { n: p.n });
  return p.n === 0 ? r.dayPointZero : fill(r.dayPoint, { n: p.n });
}

export function MyRemindersPage({
  chrome,
  preference,
  points,
  digestHour,
}: {
  chrome: Chrome;
  preference: ReminderPreference;
  points: readonly PointChoice[];
  digestHour: number;
}) {
  const r = REMINDERS_CATALOGUES[chrome.locale];
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={r.myRemindersTitle}>
      <h1>{r.myRemindersTitle}</h1>
      <p class="hint">{r.myRemindersIntro}</p>
      <form method="post" action="/mes-rappels" id="my-reminders">
        <Csrf token={chrome.csrf} />
        <fieldset>
          <legend>{r.modeLegend}</legend>
          <div class="field check">
            <label>
              <input type="radio" name="mode" value="individual" checked={preference.mode === 'individual'} /> {r.modeIndividual}
            </label>
          </div>
          <div class="field check">
            <label>
              <input type="radio" name="mode" value="digest" checked={preference.mode === 'digest'} />{' '}
              {fill(r.modeDigest, { hour: digestHour })}
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>{r.pointsLegend}</legend>
          {points.map((p) => (
            <div class="field check">
              <label>
                {p.minimum ? (
                  <>
                    <input type="checkbox" checked disabled /> {fill(r.pointMinimum, { label: pointLabel(p, r) })}
                  </>
                ) : (
                  <>
                    <input type="checkbox" name="on" value={p.point} checked={!preference.off.includes(p.point)} /> {pointLabel(p, r)}
                  </>
                )}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="button primary">
          {r.preferencesSave}
        </button>
      </form>
      <p>
        <a href="/mes-echeances">{m.myDeadlinesTitle}</a>
      </p>
    </Layout>
  );
}

export function RemindersAdminPage({
  chrome,
  policy,
  policyErrors,
  mail,
  mailValues,
  mailErrors,
}: {
  chrome: Chrome;
  /** The form's values (the saved policy, or what was typed). */
  policy: Readonly<Record<string, string>>;
  policyErrors: readonly FieldError[];
  mail: MailSettingsView;
  mailValues?: Readonly<Record<string, string>> | undefined;
  mailErrors: readonly FieldError[];
}) {
  const r = REMINDERS_CATALOGUES[chrome.locale];
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={r.remindersAdminTitle}>
      <h1>{r.remindersAdminTitle}</h1>
      <p>
        <a href="/admin">{m.navAdmin}</a>
      </p>
      <section class="card" aria-labelledby="policy-title" id="politique">
        <h2 id="policy-title">{r.policyTitle}</h2>
        <p class="hint">{r.policyIntro}</p>
        <form method="post" action="/admin/rappels/politique" id="reminder-policy" novalidate>
          <Csrf token={chrome.csrf} />
          <ErrorSummary errors={policyErrors} m={m} />
          {POLICY_FIELDS.map((f) => (
            <Field
              name={f}
              label={r[f]}
              hint={r[`${f}Hint`]}
              value={policy[f] ?? ''}
              errors={policyErrors}
              required={!f.startsWith('minimum')}
            />
          ))}
          <button type="submit" class="button primary">
            {r.policySave}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="mail-form-title" id="messagerie">
        <h2 id="mail-form-title">{r.mailFormTitle}</h2>
        <p class="hint">{r.mailFormIntro}</p>
        <MailSource chrome={chrome} settings={mail} />
        <p class="hint">{r.mailPrivacy}</p>
        <MailSettingsForm
          chrome={chrome}
          settings={mail}
          values={mailValues}
          errors={mailErrors}
          action="/admin/rappels/messagerie"
          submitLabel={r.mailSave}
        />
        {mail.source === 'page' ? <ActionButton action="/admin/rappels/messagerie/env" label={r.mailForget} csrf={chrome.csrf} /> : null}
        {mail.source !== 'none' ? (
          <>
            <h3>{r.mailTestTitle}</h3>
            <ActionButton action="/admin/rappels/test" label={m.mailSendTest} csrf={chrome.csrf} kind="primary" />
          </>
        ) : null}
      </section>
    </Layout>
  );
}

/**
 * The setup wizard's last step, optional: the mail server of the reminders, saved then tried with
 * a test mail to the new administrator (the server's answer is shown); « Passer » goes on without.
 */
export function SetupMailPage({
  chrome,
  mail,
  values,
  errors,
  sent,
}: {
  chrome: Chrome;
  mail: MailSettingsView;
  values?: Readonly<Record<string, string>> | undefined;
  errors: readonly FieldError[];
  /** The test mail was accepted: the step is done. */
  sent: boolean;
}) {
  const m = CATALOGUES[chrome.locale];
  const r = REMINDERS_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.setupTitle}>
      <h1>{m.setupTitle}</h1>
      <section class="card" aria-labelledby="step-title">
        <h2 id="step-title">{r.setupMailTitle}</h2>
        <p>{r.setupMailIntro}</p>
        {sent ? null : (
          <>
            <MailSource chrome={chrome} settings={mail} />
            <MailSettingsForm
              chrome={chrome}
              settings={mail}
              values={values}
              errors={errors}
              action="/setup/messagerie"
              submitLabel={r.setupMailSaveTest}
            />
          </>
        )}
        <p>
          <a href="/" class={sent ? 'button primary' : undefined} id="setup-mail-next">
            {sent ? r.setupMailContinue : r.setupMailSkip}
          </a>
        </p>
      </section>
    </Layout>
  );
}
