/** The case edit page: every field of a case by section, its history of changes, a link to the facts' questionnaire. */
import { FlashMessage } from '@iamanager/kernel/ui';
import { Layout } from '../layout.js';
import { CATALOGUES, fill } from '../messages.js';
import { Csrf, ErrorSummary, Field, SelectField } from '../components.js';
import { CASE_EDIT_CATALOGUES, type CaseEditMessages } from '../caseEditMessages.js';
import type { EditInput, EditSection } from '../caseEditForm.js';
import type { ChangeEntryView } from '../caseEditViews.js';
import { formatDate } from '../format.js';
import type { Chrome, FieldError } from '../viewModels.js';
import type { Locale } from '../messages.js';
import { NationalityField } from '../nationalityInput.js';

export interface CaseEditView {
  caseId: string;
  reference: string;
  clientName: string;
  /** The case's `updatedAt` when the form was first opened: a save after another one is refused. */
  updatedAt: string;
  fields: ReadonlyArray<{
    name: string;
    label: string;
    section: EditSection;
    input: EditInput;
    /** Help shown under the label. */
    help?: string | undefined;
    required?: boolean | undefined;
    /** Shown, not posted: the person may not change it here (its value is said instead). */
    readOnly?: string | undefined;
  }>;
  values: Readonly<Record<string, string>>;
  errors: readonly FieldError[];
  options: Readonly<Record<'procedure' | 'lawyer' | 'status' | 'outcome', ReadonlyArray<{ value: string; label: string }>>>;
  /** Said at the top: a refused stale save, or another message. */
  notice?: { kind: 'ok' | 'error'; text: string } | undefined;
  notes: readonly string[];
  changes: readonly ChangeEntryView[];
  canEditFacts: boolean;
}

function EditInputOf({ field, view, locale }: { field: CaseEditView['fields'][number]; view: CaseEditView; locale: Locale }) {
  const { name, label, input, required } = field;
  const value = view.values[name];
  const errors = view.errors;
  const hint = field.help;
  if (field.readOnly !== undefined)
    return (
      <div class="field">
        <span class="label">{label}</span>
        <p id={`f-${name}`}>{field.readOnly}</p>
      </div>
    );
  switch (input) {
    case 'nationality':
      return <NationalityField name={name} label={label} value={value} errors={errors} locale={locale} />;
    case 'textarea':
      return (
        <Field name={name} label={label} errors={errors} hint={hint}>
          <textarea id={`f-${name}`} name={name} rows={4} aria-invalid={errors.some((e) => e.field === name) ? 'true' : undefined}>
            {value ?? ''}
          </textarea>
        </Field>
      );
    case 'procedure':
    case 'lawyer':
    case 'status':
    case 'outcome':
      return (
        <SelectField
          name={name}
          label={label}
          value={value}
          errors={errors}
          required={required}
          hint={hint}
          blank={required ? undefined : '—'}
          options={view.options[input]}
        />
      );
    default:
      return <Field name={name} label={label} type={input} value={value} errors={errors} required={required} hint={hint} />;
  }
}

const SECTIONS: ReadonlyArray<[EditSection, keyof CaseEditMessages]> = [
  ['client', 'sectionClient'],
  ['decision', 'sectionDecision'],
  ['followUp', 'sectionFollowUp'],
];

/** The edits of a case, newest first, each change on its line (also on the case page). */
export function ChangeList({ changes, chrome }: { changes: readonly ChangeEntryView[]; chrome: Chrome }) {
  const e = CASE_EDIT_CATALOGUES[chrome.locale];
  if (changes.length === 0) return <p>{e.noChanges}</p>;
  return (
    <ol class="history changes">
      {changes.map((c) => (
        <li>
          <ul class="plain">
            {c.lines.map((line) => (
              <li>{line}</li>
            ))}
          </ul>
          <span class="hint">{fill(e.changeBy, { who: c.who, at: formatDate(c.at, chrome.locale, true) })}</span>
        </li>
      ))}
    </ol>
  );
}

export function CaseEditPage({ chrome, view }: { chrome: Chrome; view: CaseEditView }) {
  const m = CATALOGUES[chrome.locale];
  const e = CASE_EDIT_CATALOGUES[chrome.locale];
  const base = `/dossiers/${encodeURIComponent(view.caseId)}`;
  return (
    <Layout chrome={chrome} title={`${e.editTitle} — ${view.reference}`}>
      <p>
        <a href={base}>
          {view.clientName} — {view.reference}
        </a>
      </p>
      <h1>{e.editTitle}</h1>
      <p class="lead">{e.editIntro}</p>
      {view.canEditFacts ? (
        <p>
          <a class="button secondary" href={`${base}/faits`}>
            {e.factsLink}
          </a>
        </p>
      ) : null}
      {view.notice ? <FlashMessage flash={view.notice} /> : null}
      <form method="post" action={`${base}/modifier`} novalidate class="case-edit">
        <Csrf token={chrome.csrf} />
        <input type="hidden" name="updatedAt" value={view.updatedAt} />
        <ErrorSummary errors={view.errors} m={m} />
        {SECTIONS.map(([section, title]) => (
          <section class="card" aria-labelledby={`edit-${section}`}>
            <h2 id={`edit-${section}`}>{e[title]}</h2>
            <div class="grid2">
              {view.fields
                .filter((f) => f.section === section)
                .map((f) => (
                  <EditInputOf field={f} view={view} locale={chrome.locale} />
                ))}
            </div>
            {section === 'decision' || section === 'followUp'
              ? view.notes
                  .filter((n) => (section === 'decision' ? n === e.letterDateNote : n !== e.letterDateNote))
                  .map((n) => <p class="hint">{n}</p>)
              : null}
          </section>
        ))}
        <p class="actions">
          <button type="submit" class="button primary">
            {e.save}
          </button>{' '}
          <a href={base}>{e.cancel}</a>
        </p>
      </form>
      <section class="card" aria-labelledby="changes-title">
        <h2 id="changes-title">{e.changesTitle}</h2>
        <ChangeList changes={view.changes} chrome={chrome} />
      </section>
    </Layout>
  );
}
