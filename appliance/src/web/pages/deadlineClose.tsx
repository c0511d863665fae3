/**
 * Closing one deadline (docs/deadlines.md): what was done — recours déposé with its date and the
 * Télérecours number or receipt, pas de recours or écartée with a reason — the receipt's upload,
 * and, once closed, an admin's reopening with a reason. The cabinet's rule page is here too.
 */
import { ErrorSummary, Csrf, Field, SelectField } from '../components.js';
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { formatDate } from '../format.js';
import { DEADLINE_CATALOGUES } from '../deadlineMessages.js';
import type { DeadlineActionItem } from '../deadlineActionsView.js';
import type { Chrome, FieldError } from '../viewModels.js';
import { closureText, dueText } from './deadlineActions.js';

export interface DeadlineCloseView {
  caseId: string;
  reference: string;
  deadline: DeadlineActionItem;
  documents: ReadonlyArray<{ id: string; name: string }>;
  secondConfirmation: boolean;
  can: { close: boolean; reopen: boolean; upload: boolean };
  errors: readonly FieldError[];
  values: Readonly<Record<string, string>>;
  /** A receipt just uploaded: said, and selected. */
  uploaded: boolean;
}

export function DeadlineClosePage({ chrome, view }: { chrome: Chrome; view: DeadlineCloseView }) {
  const t = DEADLINE_CATALOGUES[chrome.locale];
  const m = CATALOGUES[chrome.locale];
  const d = view.deadline;
  const caseHref = `/dossiers/${encodeURIComponent(view.caseId)}`;
  const base = `${caseHref}/echeances/${encodeURIComponent(d.remedy)}`;
  const kind = view.values.kind ?? 'filed';
  const kindError = view.errors.find((e) => e.field === 'kind');
  return (
    <Layout chrome={chrome} title={`${t.closeTitle} — ${view.reference}`}>
      <p>
        <a href={`${caseHref}#deadline-actions`}>← {t.back}</a>
      </p>
      <h1>{t.closeTitle}</h1>
      <p>
        <strong>{d.label}</strong> — {view.reference} — {t.due}
        {CATALOGUES[chrome.locale].labelSep}
        {dueText(d.due, d.hourly, chrome.locale)} <span class="hint">({d.legalBasis})</span>
      </p>
      {d.closure ? (
        <p class="deadline-status" id="closure-status">
          {closureText(d.closure, t, chrome.locale)}
        </p>
      ) : null}
      {!d.closure && view.can.close ? (
        <section class="card" aria-labelledby="close-title">
          <h2 id="close-title">{t.kindLegend}</h2>
          <p class="hint">{fill(t.closeIntro, { confirmation: view.secondConfirmation ? t.confirmationOn : t.confirmationOff })}</p>
          <ErrorSummary errors={view.errors} m={m} />
          <form method="post" action={`${base}/cloturer`} class="close-form" novalidate>
            <Csrf token={chrome.csrf} />
            <fieldset class={kindError ? 'field has-error' : 'field'} id="f-kind">
              <legend>{t.kindLegend}</legend>
              {kindError ? <p class="field-error">{kindError.message}</p> : null}
              <div class="radios">
                {(
                  [
                    ['filed', t.kindFiled],
                    ['no_remedy', t.kindNoRemedy],
                    ['dismissed', t.kindDismissed],
                  ] as const
                ).map(([value, label]) => (
                  <label>
                    <input type="radio" name="kind" value={value} checked={kind === value} /> {label}
                  </label>
                ))}
              </div>
            </fieldset>
            <Field name="filedOn" label={t.filedOn} type="date" value={view.values.filedOn} errors={view.errors} hint={t.filedOnHint} />
            <Field
              name="receiptNumber"
              label={t.receiptNumber}
              value={view.values.receiptNumber}
              errors={view.errors}
              hint={t.receiptNumberHint}
            />
            <SelectField
              name="receiptDocumentId"
              label={t.receiptDocument}
              options={view.documents.map((doc) => ({ value: doc.id, label: doc.name }))}
              blank={t.receiptNone}
              value={view.values.receiptDocumentId}
              errors={view.errors}
            />
            <ReasonField name="reason" label={t.reason} hint={t.reasonHint} value={view.values.reason} errors={view.errors} />
            <button type="submit" class="button primary">
              {t.submitClose}
            </button>
          </form>
          {view.can.upload ? (
            <form method="post" action={`${base}/accuse`} enctype="multipart/form-data" class="receipt-upload">
              {/* First field: the route checks it while streaming, before the file (never in the URL). */}
              <Csrf token={chrome.csrf} />
              <h3>{t.uploadTitle}</h3>
              {view.uploaded ? <p class="hint">{t.uploaded}</p> : null}
              <Field name="file" label={t.uploadFile}>
                <input id="f-file" name="file" type="file" accept="application/pdf,.pdf" required />
              </Field>
              <button type="submit" class="button secondary">
                {t.upload}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      {d.closure && view.can.reopen ? (
        <section class="card" aria-labelledby="reopen-title">
          <h2 id="reopen-title">{t.reopenTitle}</h2>
          <p class="hint">{t.reopenIntro}</p>
          <ErrorSummary errors={view.errors} m={m} />
          <form method="post" action={`${base}/rouvrir`} novalidate>
            <Csrf token={chrome.csrf} />
            <ReasonField name="reason" label={t.reopenReason} value={view.values.reason} errors={view.errors} />
            <button type="submit" class="button danger">
              {t.reopen}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

function ReasonField(props: { name: string; label: string; hint?: string; value: string | undefined; errors: readonly FieldError[] }) {
  const error = props.errors.find((e) => e.field === props.name);
  const id = `f-${props.name}`;
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <Field name={props.name} label={props.label} errors={props.errors} {...(props.hint ? { hint: props.hint } : {})}>
      <textarea id={id} name={props.name} rows={3} maxLength={1000} aria-invalid={error ? 'true' : undefined} aria-describedby={described}>
        {props.value ?? ''}
      </textarea>
    </Field>
  );
}

export interface DeadlineRulesView {
  secondConfirmation: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export function DeadlineRulesPage({ chrome, view }: { chrome: Chrome; view: DeadlineRulesView }) {
  const t = DEADLINE_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={t.rulesTitle}>
      <h1>{t.rulesTitle}</h1>
      <p class="hint">{t.rulesIntro}</p>
      <form method="post" action="/echeances/regles">
        <Csrf token={chrome.csrf} />
        <p class="check">
          <label>
            <input id="f-secondConfirmation" type="checkbox" name="secondConfirmation" value="on" checked={view.secondConfirmation} />{' '}
            {t.rulesSecond}
          </label>
        </p>
        <p>
          <button type="submit" class="button primary">
            {t.rulesSave}
          </button>
        </p>
      </form>
      {view.updatedBy && view.updatedAt ? (
        <p class="hint">{fill(t.rulesUpdated, { by: view.updatedBy, at: formatDate(view.updatedAt, chrome.locale, true) })}</p>
      ) : null}
      <p>
        <a href="/registre">{t.registerLink}</a>
      </p>
    </Layout>
  );
}
