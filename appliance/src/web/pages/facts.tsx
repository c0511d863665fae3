/** The questionnaire of a case: the facts that feed its analysis, by section, saved on the case and editable. */
import { Layout } from '../layout.js';
import { CATALOGUES } from '../messages.js';
import { Csrf, ErrorSummary, Field } from '../components.js';
import { FACTS_CATALOGUES } from '../factsMessages.js';
import { ChoiceField, NumberField, YesNoField } from '../factInputs.js';
import type { FactKey } from '../factLabels.js';
import type { Chrome, FactsFormView } from '../viewModels.js';

export function FactsPage({ chrome, view }: { chrome: Chrome; view: FactsFormView }) {
  const m = CATALOGUES[chrome.locale];
  const f = FACTS_CATALOGUES[chrome.locale];
  const v = view.values;
  const e = view.errors;
  const base = `/dossiers/${encodeURIComponent(view.caseId)}`;
  return (
    <Layout chrome={chrome} title={`${f.questionnaireTitle} — ${view.reference}`}>
      <p>
        <a href={base}>
          {view.clientName} — {view.reference}
        </a>
      </p>
      <h1>{f.questionnaireTitle}</h1>
      <p class="lead">
        {m.procedure}
        {m.labelSep}
        {view.procedureLabel}. {f.questionnaireIntro}
      </p>
      <form method="post" action={`${base}/faits`} novalidate>
        <Csrf token={chrome.csrf} />
        <ErrorSummary errors={e} m={m} />
        {view.sections.map((s) => (
          <section class="card" aria-labelledby={`s-${s.code}`}>
            <h2 id={`s-${s.code}`}>{s.title}</h2>
            <div class="grid2">
              {s.questions.map((q) => {
                const value = v[q.fact];
                if (q.kind === 'yesno') return <YesNoField name={q.fact} legend={q.label} value={value} errors={e} f={f} />;
                if (q.kind === 'choice')
                  return (
                    <ChoiceField
                      name={q.fact}
                      fact={q.fact as FactKey}
                      label={q.label}
                      value={value}
                      errors={e}
                      f={f}
                      locale={chrome.locale}
                    />
                  );
                if (q.kind === 'number')
                  return <NumberField name={q.fact} label={q.label} value={value} errors={e} min={q.min ?? 0} max={q.max ?? 120} />;
                return <Field name={q.fact} label={q.label} type={q.kind === 'date' ? 'date' : 'text'} value={value} errors={e} />;
              })}
            </div>
          </section>
        ))}
        <button type="submit" class="button primary">
          {f.saveFacts}
        </button>
      </form>
    </Layout>
  );
}
