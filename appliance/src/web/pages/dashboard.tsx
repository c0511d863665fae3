/**
 * Tableau de bord: the deadlines (mine first, then the cabinet's, optional remedies apart, each by
 * urgency), open cases by procedure, plan meters.
 */
import { Layout } from '../layout.js';
import { CATALOGUES } from '../messages.js';
import { ActionButton, UsageMeter } from '../components.js';
import { DASHBOARD_CATALOGUES } from '../dashboardMessages.js';
import { planLabel } from '../planLabels.js';
import { DeadlineSectionView } from './deadlineSections.js';
import type { Chrome, DashboardView } from '../viewModels.js';

// The list lives in its own file (the sections use it too); the case page and the calendar import it from here.
export { DeadlineList } from './deadlineList.js';

export function DashboardPage({ chrome, view }: { chrome: Chrome; view: DashboardView }) {
  const m = CATALOGUES[chrome.locale];
  const d = DASHBOARD_CATALOGUES[chrome.locale];
  const now = new Date(view.now);
  return (
    <Layout chrome={chrome} title={m.dashboardTitle}>
      <h1>{m.dashboardTitle}</h1>
      <div class="columns dashboard">
        <section class="card wide" aria-labelledby="dl-title">
          <h2 id="dl-title">{m.deadlinesTitle}</h2>
          <p>
            <a href="/calendrier">{m.seeCalendar}</a>
          </p>
          {view.sections.map((s) => (
            <DeadlineSectionView section={s} m={m} d={d} chrome={chrome} now={now} />
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
