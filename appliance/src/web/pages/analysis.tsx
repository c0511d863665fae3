/**
 * The analysis on a case page, in the order a lawyer reads it: one summary card (the next
 * deadline, its remedy, court and article, the weekday and how long is left), what changed since
 * the last analysis, the deadlines with every reading, the routes the facts make plausible (the
 * others collapsed, conditions counted per route), the estimate, then the rules and caveats
 * collapsed. Without facts this stays short: no route is plausible, so none is unfolded.
 */
import { CATALOGUES, fill } from '../messages.js';
import { routeCounts, splitRoutes } from '../analysisRoutes.js';
import { ActionButton } from '../components.js';
import { FACTS_CATALOGUES, type FactsMessages } from '../factsMessages.js';
import { formatDate } from '../format.js';
import { EstimateSection } from '../estimateView.js';
import { longDue, nextDeadline, timeLeft } from '../deadlineSummary.js';
import type { AnalysisView, Chrome } from '../viewModels.js';
import type { Messages } from '../messages.js';

type Deadline = AnalysisView['deadlines'][number];
type Route = AnalysisView['eligibility'][number];

/** The other readings of a deadline courts disagree on, each with its date. */
function Readings({ d, chrome, f }: { d: Deadline; chrome: Chrome; f: FactsMessages }) {
  if (!d.readings || d.readings.length < 2) return null;
  return (
    <div class="readings">
      <p class="hint">{f.otherReadings} :</p>
      <ul class="plain">
        {d.readings.map((r) => (
          <li>
            <time datetime={r.dueAt}>{formatDate(r.dueAt, chrome.locale, r.hourly)}</time> — {r.label}
            {r.retained ? <strong> ({f.readingRetained})</strong> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SummaryCard({ analysis, chrome, now }: { analysis: AnalysisView; chrome: Chrome; now: Date }) {
  const m = CATALOGUES[chrome.locale];
  const f = FACTS_CATALOGUES[chrome.locale];
  const next = nextDeadline(analysis.deadlines, now);
  const anyDated = analysis.deadlines.some((d) => d.dueAt !== '');
  return (
    <div class="card summary-card" aria-labelledby="summary-title">
      <h3 id="summary-title">{f.summaryTitle}</h3>
      {next ? (
        <>
          <p class="hint">{f.nextDeadline}</p>
          <p class="due">
            {next.label} — <time datetime={next.dueAt}>{longDue(next, chrome.locale)}</time>{' '}
            <span class="left">({timeLeft(next, now, f)})</span>
          </p>
          <dl class="facts">
            <dt>{m.court}</dt>
            <dd>{next.court}</dd>
            <dt>{m.article}</dt>
            <dd>{next.article}</dd>
          </dl>
          {next.hourUnknown ? <p class="warning">{f.hourUnknown}</p> : null}
          <Readings d={next} chrome={chrome} f={f} />
        </>
      ) : (
        <p>{anyDated ? f.allDeadlinesPassed : f.noUpcomingDeadline}</p>
      )}
      <p class="hint verify">{f.verifyAgainstNotification}</p>
    </div>
  );
}

function RouteItem({ route, m, f, open }: { route: Route; m: Messages; f: FactsMessages; open: boolean }) {
  const statusLabel = { met: m.conditionMet, not_met: m.conditionNotMet, unknown: m.conditionUnknown } as const;
  const counts = routeCounts(route, f);
  const list = (
    <ul class="conditions">
      {route.conditions.map((c) => (
        <li class={c.status}>
          <strong>{statusLabel[c.status]}</strong> — {c.label} <span class="article">({c.article})</span>
          {c.evidence ? <span class="hint"> {c.evidence}</span> : null}
        </li>
      ))}
    </ul>
  );
  return open ? (
    <div class="titre">
      <h4>
        {route.titre} <span class="route-counts">— {counts}</span>
      </h4>
      {list}
    </div>
  ) : (
    <details class="titre">
      <summary>
        {route.titre} <span class="route-counts">— {counts}</span>
      </summary>
      {list}
    </details>
  );
}

export function AnalysisSection({
  chrome,
  analysis,
  base,
  canRun,
  canExport,
  now,
}: {
  chrome: Chrome;
  analysis: AnalysisView | null;
  base: string;
  canRun: boolean;
  canExport: boolean;
  /** The moment the page is shown (ISO); the analysis's own time when not given. */
  now?: string | undefined;
}) {
  const m = CATALOGUES[chrome.locale];
  const f = FACTS_CATALOGUES[chrome.locale];
  const { plausible, others } = splitRoutes(analysis?.eligibility ?? []);
  return (
    <section class="card" aria-labelledby="analysis-title">
      <div class="title-row">
        <h2 id="analysis-title">{m.analysis}</h2>
        {canRun ? <ActionButton action={`${base}/analyses`} label={m.runAnalysis} csrf={chrome.csrf} kind="primary" /> : null}
        {analysis && canExport ? (
          <a class="button secondary" href={`${base}/analyses/${encodeURIComponent(analysis.id)}.pdf`}>
            {m.exportPdf}
          </a>
        ) : null}
      </div>
      {!analysis ? (
        <p>{m.noAnalysis}</p>
      ) : (
        <>
          <p class="hint">
            {analysis.model} — {formatDate(analysis.createdAt, chrome.locale, true)} —{' '}
            {fill(m.rulesAsOf, { date: formatDate(analysis.rulesAsOf, chrome.locale) })}
          </p>
          <SummaryCard analysis={analysis} chrome={chrome} now={new Date(now ?? analysis.createdAt)} />
          {analysis.changes ? (
            <div class="changes" aria-labelledby="changes-title">
              <h3 id="changes-title">{fill(f.changesTitle, { date: formatDate(analysis.changes.since, chrome.locale, true) })}</h3>
              {analysis.changes.lines.length === 0 ? (
                <p>{fill(f.noChanges, { date: formatDate(analysis.changes.since, chrome.locale, true) })}</p>
              ) : (
                <ul>
                  {analysis.changes.lines.map((line) => (
                    <li>{line}</li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
          <h3>{m.deadlines}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{m.deadlines}</th>
                <th scope="col">{m.court}</th>
                <th scope="col">{m.due}</th>
                <th scope="col">{m.computation}</th>
                <th scope="col">{m.article}</th>
              </tr>
            </thead>
            <tbody>
              {analysis.deadlines.map((d) => (
                <tr>
                  <td>{d.label}</td>
                  <td>{d.court}</td>
                  <td>{d.dueAt ? <time datetime={d.dueAt}>{formatDate(d.dueAt, chrome.locale, d.hourly)}</time> : m.dueLater}</td>
                  <td>
                    {d.computation}
                    {(d.notes ?? []).map((n) => (
                      <p class="hint">{n}</p>
                    ))}
                    {d.hourUnknown ? <p class="warning">{f.hourUnknown}</p> : null}
                    <Readings d={d} chrome={chrome} f={f} />
                    {d.toVerify ? <p class="warning">{d.toVerify}</p> : null}
                  </td>
                  <td>{d.article}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {analysis.eligibility.length > 0 ? (
            <>
              <h3>{f.routesTitle}</h3>
              {plausible.length === 0 ? <p>{f.noPlausibleRoute}</p> : null}
              {plausible.map((t) => (
                <RouteItem route={t} m={m} f={f} open />
              ))}
              {others.length > 0 ? (
                <details class="other-routes">
                  <summary>{fill(f.otherRoutes, { n: others.length })}</summary>
                  {others.map((t) => (
                    <RouteItem route={t} m={m} f={f} open={false} />
                  ))}
                </details>
              ) : null}
            </>
          ) : null}
          {analysis.estimate ? <EstimateSection estimate={analysis.estimate} locale={chrome.locale} /> : null}
          <details class="rules-applied">
            <summary>{fill(f.rulesCollapsed, { n: analysis.rules.length })}</summary>
            <ul class="rules">
              {analysis.rules.map((r) => (
                <li>
                  {r.rule} — <span class="article">{r.article}</span>
                </li>
              ))}
            </ul>
          </details>
          {analysis.caveats && analysis.caveats.length > 0 ? (
            <details class="caveats">
              <summary>{f.caveatsTitle}</summary>
              <ul>
                {analysis.caveats.map((c) => (
                  <li>{c}</li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
