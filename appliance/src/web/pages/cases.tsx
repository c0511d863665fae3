/** Dossiers: the list (search, filters, pagination), the new-case form, and one case's page. */
import { FlashMessage } from '@iamanager/kernel/ui';
import { Layout } from '../layout.js';
import { CATALOGUES } from '../messages.js';
import { ActionButton, Csrf, ErrorSummary, Field, SelectField } from '../components.js';
import { formatDate } from '../format.js';
import { DeadlineList } from './dashboard.js';
import { DuplicateWarning } from './duplicateWarning.js';
import { AnalysisSection } from './analysis.js';
import { CasePieces } from './casePieces.js';
import { CaseDrafts } from './caseDrafts.js';
import { FACTS_CATALOGUES } from '../factsMessages.js';
import { ChoiceField, YesNoField } from '../factInputs.js';
import { CaseChangesCard, CaseEditLink, CaseEditNotices } from './caseEditBlock.js';
import type { CaseView, Chrome, NewCaseView } from '../viewModels.js';
import { DeadlineActions } from './deadlineActions.js';
import { REMINDERS_CATALOGUES } from '../remindersMessages.js';
import { NationalityField } from '../nationalityInput.js';

// The list has its own file (sorting, filters, pages, narrow screens); the router imports it from here.
export { CaseListPage } from './caseList.js';

export function NewCasePage({ chrome, view }: { chrome: Chrome; view: NewCaseView }) {
  const m = CATALOGUES[chrome.locale];
  const f = FACTS_CATALOGUES[chrome.locale];
  const v = view.values;
  const e = view.errors;
  const locale = chrome.locale;
  return (
    <Layout chrome={chrome} title={m.newCase}>
      <h1>{m.newCase}</h1>
      <section class="card">
        <DuplicateWarning view={view} locale={locale} csrf={chrome.csrf} />
        <ErrorSummary errors={e} m={m} />
        <form method="post" action="/dossiers/nouveau" novalidate>
          <Csrf token={chrome.csrf} />
          <h2>{f.clientTitle}</h2>
          <div class="grid2">
            <Field name="lastName" label={m.lastName} value={v.lastName} errors={e} required />
            <Field name="firstName" label={m.firstName} value={v.firstName} errors={e} required />
            <NationalityField label={m.nationality} value={v.nationality} errors={e} locale={locale} />
            <Field name="birthDate" label={m.birthDate} type="date" value={v.birthDate} errors={e} required />
            <Field name="agdref" label={m.agdref} value={v.agdref} errors={e} />
          </div>
          <h2>{f.deadlineFactsTitle}</h2>
          <p class="hint">{f.deadlineFactsIntro}</p>
          <div class="grid2">
            <SelectField
              name="procedure"
              label={m.procedure}
              value={v.procedure}
              errors={e}
              required
              blank="—"
              options={view.procedures.map((p) => ({ value: p.code, label: p.label }))}
            />
            <YesNoField name="oqtfAccompanies" legend={f.oqtfAccompanies} value={v.oqtfAccompanies} errors={e} f={f} />
            <ChoiceField
              name="libertyStatus"
              fact="libertyStatus"
              label={f.libertyStatus}
              value={v.libertyStatus}
              errors={e}
              f={f}
              locale={locale}
            />
            <ChoiceField name="territory" fact="territory" label={f.territory} value={v.territory} errors={e} f={f} locale={locale} />
            <Field name="competentCourt" label={f.competentCourt} value={v.competentCourt} errors={e} hint={f.competentCourtHint} />
            <Field name="decisionTakenOn" label={f.decisionTakenOn} type="date" value={v.decisionTakenOn} errors={e} />
            <ChoiceField
              name="notificationMode"
              fact="notificationMode"
              label={f.notificationMode}
              value={v.notificationMode}
              errors={e}
              f={f}
              locale={locale}
            />
            <Field
              name="notificationDate"
              label={m.notificationDate}
              type="date"
              value={v.notificationDate}
              errors={e}
              hint={f.notificationDateHint}
              required
            />
            <Field name="notificationTime" label={m.notificationTime} type="time" value={v.notificationTime} errors={e} />
          </div>
          <fieldset data-shown-when="notificationMode=registered_letter">
            <legend>{f.letterTitle}</legend>
            <div class="grid2">
              <Field
                name="letterFirstPresentedOn"
                label={f.letterFirstPresentedOn}
                type="date"
                value={v.letterFirstPresentedOn}
                errors={e}
              />
              <Field name="letterCollectedOn" label={f.letterCollectedOn} type="date" value={v.letterCollectedOn} errors={e} />
            </div>
            <div class={e.some((x) => x.field === 'letterNeverCollected') ? 'field check has-error' : 'field check'}>
              {e
                .filter((x) => x.field === 'letterNeverCollected')
                .map((x) => (
                  <p class="field-error" id="f-letterNeverCollected-error">
                    {x.message}
                  </p>
                ))}
              <label for="f-letterNeverCollected">
                <input
                  id="f-letterNeverCollected"
                  name="letterNeverCollected"
                  type="checkbox"
                  value="yes"
                  checked={v.letterNeverCollected === 'yes'}
                  aria-describedby={e.some((x) => x.field === 'letterNeverCollected') ? 'f-letterNeverCollected-error' : undefined}
                />
                {f.letterNeverCollected}
              </label>
            </div>
          </fieldset>
          <div class="grid2">
            <SelectField
              name="assignedTo"
              label={m.assignedTo}
              value={v.assignedTo}
              errors={e}
              blank="—"
              options={view.lawyers.map((l) => ({ value: l.id, label: l.name }))}
            />
            <SelectField
              name="backupAssignedTo"
              label={REMINDERS_CATALOGUES[chrome.locale].backupAssignedTo}
              value={v.backupAssignedTo}
              errors={e}
              blank="—"
              options={view.lawyers.map((l) => ({ value: l.id, label: l.name }))}
            />
          </div>
          <Field name="notes" label={m.notes} errors={e}>
            <textarea id="f-notes" name="notes" rows={4}>
              {v.notes ?? ''}
            </textarea>
          </Field>
          <button type="submit" class="button primary">
            {m.createCase}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function CasePage({ chrome, view }: { chrome: Chrome; view: CaseView }) {
  const m = CATALOGUES[chrome.locale];
  const base = `/dossiers/${encodeURIComponent(view.id)}`;
  return (
    <Layout chrome={chrome} title={`${view.reference} — ${view.clientName}`}>
      <div class="title-row">
        <h1>
          {view.clientName} <span class="ref">{view.reference}</span>
        </h1>
        <span class={`badge ${view.status}`}>{view.status === 'open' ? m.open : m.archived}</span>
        {view.can.archive ? (
          <ActionButton
            action={`${base}/${view.status === 'open' ? 'archiver' : 'desarchiver'}`}
            label={view.status === 'open' ? m.archive : m.unarchive}
            csrf={chrome.csrf}
          />
        ) : null}
      </div>
      {view.error ? <FlashMessage flash={{ kind: 'error', text: view.error }} /> : null}
      {view.notice ? <FlashMessage flash={{ kind: 'ok', text: view.notice }} /> : null}
      <CaseEditNotices chrome={chrome} edit={view.edit} />
      <div class="columns">
        <section class="card" aria-labelledby="facts-title">
          <h2 id="facts-title">{m.facts}</h2>
          <dl class="facts">
            <dt>{m.procedure}</dt>
            <dd>{view.procedureLabel}</dd>
            {view.facts.map((f) => (
              <>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </>
            ))}
          </dl>
          {view.can.editFacts || view.edit?.canEdit ? (
            <p class="actions">
              <CaseEditLink chrome={chrome} edit={view.edit} />
              {view.can.editFacts ? (
                <a class="button secondary" href={`${base}/faits`}>
                  {FACTS_CATALOGUES[chrome.locale].questionnaireLink}
                </a>
              ) : null}
            </p>
          ) : null}
        </section>
        <section class="card" aria-labelledby="deadlines-title">
          <h2 id="deadlines-title">{m.deadlines}</h2>
          {view.deadlines.length === 0 ? <p>{m.noDeadlines}</p> : <DeadlineList items={view.deadlines} m={m} chrome={chrome} />}
          <DeadlineActions chrome={chrome} view={view.deadlineActions} />
          {view.can.export ? (
            <p class="actions">
              <a class="button secondary" href={`${base}/echeances.ics`} download>
                {m.exportIcs}
              </a>
            </p>
          ) : null}
          {view.calendarUrl ? (
            <p>
              <label for="ics-url">{m.subscribeIcs}</label>
              <input id="ics-url" type="text" readonly value={view.calendarUrl} class="copy" />
            </p>
          ) : null}
        </section>
      </div>
      <CasePieces chrome={chrome} view={view} base={base} />
      <CaseDrafts chrome={chrome} view={view.drafts} />
      <AnalysisSection
        chrome={chrome}
        analysis={view.analysis}
        base={base}
        canRun={view.can.analyse}
        canExport={view.can.export}
        now={view.now}
      />
      <CaseChangesCard chrome={chrome} edit={view.edit} />
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">{m.history}</h2>
        <ol class="history">
          {view.history.map((h) => (
            <li>
              <time datetime={h.at}>{formatDate(h.at, chrome.locale, true)}</time> <span>{h.who}</span> — <span>{h.what}</span>
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}
