/** The analysis on a case page: deadlines, eligibility, the estimate against the threshold, every rule with its article. */
import { CATALOGUES, fill } from '../messages.js';
import { ActionButton } from '../components.js';
import { formatDate } from '../format.js';
import { EstimateSection } from '../estimateView.js';
import type { AnalysisView, Chrome } from '../viewModels.js';

export function AnalysisSection({
  chrome,
  analysis,
  base,
  canRun,
  canExport,
}: {
  chrome: Chrome;
  analysis: AnalysisView | null;
  base: string;
  canRun: boolean;
  canExport: boolean;
}) {
  const m = CATALOGUES[chrome.locale];
  const statusLabel = { met: m.conditionMet, not_met: m.conditionNotMet, unknown: m.conditionUnknown } as const;
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
                    {d.toVerify ? <p class="warning">{d.toVerify}</p> : null}
                  </td>
                  <td>{d.article}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {analysis.eligibility.length > 0 ? (
            <>
              <h3>{m.eligibility}</h3>
              {analysis.eligibility.map((t) => (
                <div class="titre">
                  <h4>{t.titre}</h4>
                  <ul class="conditions">
                    {t.conditions.map((c) => (
                      <li class={c.status}>
                        <strong>{statusLabel[c.status]}</strong> — {c.label} <span class="article">({c.article})</span>
                        {c.evidence ? <span class="hint"> {c.evidence}</span> : null}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </>
          ) : null}
          {analysis.estimate ? <EstimateSection estimate={analysis.estimate} locale={chrome.locale} /> : null}
          <h3>{m.rules}</h3>
          <ul class="rules">
            {analysis.rules.map((r) => (
              <li>
                {r.rule} — <span class="article">{r.article}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
