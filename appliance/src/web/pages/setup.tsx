/** The setup wizard: enrollment (or license import), first admin, and what will leave the cabinet. */
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { formatDate } from '../format.js';
import { Csrf, ErrorSummary, Field, LicenseImportForm } from '../components.js';
import type { Chrome, SetupView } from '../viewModels.js';

export function SetupPage({ chrome, view }: { chrome: Chrome; view: SetupView }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={m.setupTitle}>
      <h1>{m.setupTitle}</h1>
      <p class="lead">{m.setupIntro}</p>
      <div class="columns">
        <section class="card" aria-labelledby="step-title">
          <ErrorSummary errors={view.errors} m={m} />
          {view.step === 'enroll' ? (
            <>
              <h2 id="step-title">{m.setupStepEnroll}</h2>
              <p>{m.setupEnrollHelp}</p>
              <form method="post" action="/setup/enroll" novalidate>
                <Csrf token={chrome.csrf} />
                <Field name="code" label={m.enrollmentCode} value={view.values.code} errors={view.errors} required autocomplete="off" />
                <Field
                  name="controlPlaneUrl"
                  label={m.controlPlaneUrl}
                  type="url"
                  value={view.values.controlPlaneUrl ?? view.controlPlaneUrl ?? ''}
                  errors={view.errors}
                />
                <button type="submit" class="button primary">
                  {m.enroll}
                </button>
              </form>
              <details>
                <summary>{m.licenseImportTitle}</summary>
                <LicenseImportForm action="/setup/license" csrf={chrome.csrf} errors={view.errors} m={m} />
              </details>
            </>
          ) : (
            <>
              <h2 id="step-title">{m.setupStepAdmin}</h2>
              <p>
                {m.enrolledAs} <strong>{view.cabinetId ?? ''}</strong>
              </p>
              <form method="post" action="/setup/admin" novalidate>
                <Csrf token={chrome.csrf} />
                <Field name="name" label={m.adminName} value={view.values.name} errors={view.errors} required autocomplete="name" />
                <Field
                  name="email"
                  label={m.email}
                  type="email"
                  value={view.values.email}
                  errors={view.errors}
                  required
                  autocomplete="username"
                />
                <Field
                  name="password"
                  label={m.password}
                  type="password"
                  hint={m.passwordHint}
                  errors={view.errors}
                  required
                  autocomplete="new-password"
                />
                <button type="submit" class="button primary">
                  {m.createAdmin}
                </button>
              </form>
            </>
          )}
        </section>
        <aside class="card" aria-labelledby="cert-title">
          <h2 id="cert-title">{m.certificateTitle}</h2>
          {view.certificateFingerprint ? (
            <>
              <p>{m.certificateHelp}</p>
              <p class="fingerprint">
                <code>{view.certificateFingerprint}</code>
              </p>
              {view.caFingerprint ? (
                <>
                  <p>{m.caHelp}</p>
                  <p class="fingerprint">
                    <code>{view.caFingerprint}</code>
                  </p>
                  {view.caDownload ? (
                    <p>
                      <a href={view.caDownload} download>
                        {m.caDownload}
                      </a>
                    </p>
                  ) : null}
                  {view.caNotAfter ? <p class="hint">{fill(m.caScope, { date: formatDate(view.caNotAfter, chrome.locale) })}</p> : null}
                  {view.caRenewal ? (
                    <p class="warning" role="status">
                      {fill(m.caRenewed, {
                        date: formatDate(view.caRenewal.renewedAt, chrome.locale),
                        reason: view.caRenewal.reason,
                        previous: view.caRenewal.previousFingerprint,
                      })}
                    </p>
                  ) : null}
                </>
              ) : null}
            </>
          ) : (
            <p>{m.certificateMissing}</p>
          )}
        </aside>
      </div>
      <section class="card" aria-labelledby="hb-title">
        <h2 id="hb-title">{m.heartbeatTitle}</h2>
        <p>{m.heartbeatIntro}</p>
        <TelemetryTable fields={view.heartbeatFields} fieldLabel={m.field} purposeLabel={m.purpose} />
        <p class="hint">{view.retention}</p>
      </section>
    </Layout>
  );
}

export function TelemetryTable({
  fields,
  fieldLabel,
  purposeLabel,
}: {
  fields: SetupView['heartbeatFields'];
  fieldLabel: string;
  purposeLabel: string;
}) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{fieldLabel}</th>
          <th scope="col">{purposeLabel}</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr>
            <td>
              <code>{f.field}</code>
            </td>
            <td>{f.purpose}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
