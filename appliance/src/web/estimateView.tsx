/**
 * The estimate block of the analysis page: the figure and its range, the verdict against the
 * cabinet's threshold, and everything that says how far to trust it — a wide range said in words,
 * the unknown facts that would narrow it, the base rate and its source (flagged when borrowed from
 * another procedure), and the analysis's caveats (ordre de grandeur, CJA art. L. 10). The PDF
 * writes the same block (estimatePdf.ts).
 */
import { CATALOGUES, fill, type Locale } from './messages.js';
import { percent } from './format.js';
import { estimateNotes, isStrongCase, verdictText } from './estimateVerdict.js';
import type { EstimateView } from './estimateViewModel.js';

export function EstimateSection({ estimate: e, locale }: { estimate: EstimateView; locale: Locale }) {
  const m = CATALOGUES[locale];
  const notes = estimateNotes(e, m, locale);
  return (
    <section class="estimate" aria-labelledby="estimate-title">
      <h3 id="estimate-title">{m.estimate}</h3>
      <p>{fill(m.estimateOf, { p: percent(e.probability), lo: percent(e.low), hi: percent(e.high) })}</p>
      <p class={isStrongCase(e) ? 'verdict strong' : 'verdict'}>{verdictText(e, m)}</p>
      {notes.wideRange ? <p class="warning">{notes.wideRange}</p> : null}
      {e.factors.length > 0 ? (
        <>
          <p>{m.estimateFactors}</p>
          <ul class="plain">
            {e.factors.map((f) => (
              <li>
                {f.effect >= 0 ? '▲' : '▼'} {f.label}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {e.unknown.length > 0 ? (
        <>
          <p>{m.estimateUnknownFacts}</p>
          <ol class="unknown-facts">
            {e.unknown.map((u) => (
              <li>{u.label}</li>
            ))}
          </ol>
        </>
      ) : null}
      {notes.baseRate ? <p class="hint">{notes.baseRate}</p> : null}
      {/* The first caveat (an order of magnitude, not a prediction) always shows; the rest fold, so the page stays short. */}
      {e.caveats.length > 0 ? <p class="hint">{e.caveats[0]}</p> : null}
      {e.caveats.length > 1 ? (
        <details class="hint">
          <summary>{m.estimateCaveats}</summary>
          <ul class="hint">
            {e.caveats.map((c) => (
              <li>{c}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
