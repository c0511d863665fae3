/** Tableau de bord: deadlines by urgency (each linking to its case), open cases by procedure, plan meters. */
import { Layout } from '../layout.js';
import { CATALOGUES, fill, type Messages } from '../messages.js';
import { ActionButton, UsageMeter } from '../components.js';
import { formatDate } from '../format.js';
import { planLabel } from '../planLabels.js';
import type { Chrome, DashboardView, DeadlineItem, Urgency } from '../viewModels.js';

const URGENCIES: readonly Urgency[] = ['overdue', 'within48h', 'within7d', 'later'];

export function DashboardPage({ chrome, view }: { chrome: Chrome; view: DashboardView }) {
  const m = CATALOGUES[chrome.locale];
  const none = URGENCIES.every((u) => view.deadlines[u].length === 0);
  return (
    <Layout chrome={chrome} title={m.dashboardTitle}>
      <h1>{m.dashboardTitle}</h1>
      <div class="columns">
        <section class="card wide" aria-labelledby="dl-title">
          <h2 id="dl-title">{m.deadlinesTitle}</h2>
          <p>
            <a href="/calendrier">{m.seeCalendar}</a>
          </p>
          {none ? <p>{m.noDeadlines}</p> : null}
          {URGENCIES.filter((u) => view.deadlines[u].length > 0).map((u) => (
            <section class={`urgency ${u}`} aria-labelledby={`u-${u}`}>
              <h3 id={`u-${u}`}>
                {m[u]} <span class="count">({view.deadlines[u].length})</span>
              </h3>
              <DeadlineList items={view.deadlines[u]} m={m} chrome={chrome} />
            </section>
          ))}
        </section>
        <div>
          <section class="card" aria-labelledby="proc-title">
            <h2 id="proc-title">{m.openCasesByProcedure}</h2>
            {view.openByProcedure.length === 0 ? (
              <p>{m.noOpenCases}</p>
            ) : (
              <ul class="plain">
                {view.openByProcedure.map((p) => (
                  <li>
                    <a href={`/dossiers?procedure=${encodeURIComponent(p.procedure)}`}>{p.label}</a> <strong>{p.count}</strong>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {view.calendarFeed !== null ? (
            <section class="card" aria-labelledby="cal-title">
              <h2 id="cal-title">{m.calendarTitle}</h2>
              {view.calendarFeed ? <p>{m.feedActive}</p> : null}
              <ActionButton action="/calendrier" label={m.createIcs} csrf={chrome.csrf} />{' '}
              {view.calendarFeed ? (
                <ActionButton action="/calendrier/revoquer" label={m.revokeIcs} csrf={chrome.csrf} kind="danger" />
              ) : null}
            </section>
          ) : null}
          <section class="card" aria-labelledby="usage-title">
            <h2 id="usage-title">{m.usageTitle}</h2>
            {view.plan ? (
              <p>
                {m.plan}
                {m.labelSep}
                <strong>{planLabel(view.plan, chrome.locale)}</strong>
              </p>
            ) : null}
            {view.meters.map((meter) => (
              <UsageMeter meter={meter} />
            ))}
          </section>
        </div>
      </div>
    </Layout>
  );
}

export function DeadlineList({ items, m, chrome }: { items: readonly DeadlineItem[]; m: Messages; chrome: Chrome }) {
  return (
    <ul class="deadlines">
      {items.map((d) => (
        <li>
          <a href={`/dossiers/${encodeURIComponent(d.caseId)}`}>{d.caseLabel}</a>
          {d.opensAt !== undefined ? (
            <span class="window">
              {fill(m.windowOpen, { from: formatDate(d.opensAt, chrome.locale), to: formatDate(d.dueAt, chrome.locale) })}
            </span>
          ) : (
            <time datetime={d.dueAt}>
              {m.due}
              {m.labelSep}
              {formatDate(d.dueAt, chrome.locale, d.hourly)}
            </time>
          )}
          <span class="what">{d.label}</span>
          <span class="article">{d.article}</span>
          {d.readings !== undefined && d.readings.length > 1 ? (
            <details class="readings">
              <summary>{m.windowReadings}</summary>
              <ol>
                {d.readings.map((r) => (
                  <li>
                    {r.label}
                    {m.labelSep}
                    {fill(m.windowOpen, { from: formatDate(r.opensAt, chrome.locale), to: formatDate(r.dueAt, chrome.locale) })}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
