/** What changed since the previous analysis of a case, worded for the page and the PDF. */
import { diffAnalyses } from '../domain/cases/analysisDiff.js';
import { factLabel, type FactKey } from './factLabels.js';
import { FACTS_CATALOGUES } from './factsMessages.js';
import { formatDate, percent } from './format.js';
import { fill, type Locale } from './messages.js';
import { procedureLabel } from './procedureLabels.js';
import type { AnalysisView } from './viewModels.js';

/** The previous analysis of a case before `latest` (stored oldest first), if any. */
export function previousAnalysis(analyses: readonly unknown[], latestId: string): unknown {
  const at = analyses.findIndex((a) => (a as { id?: unknown } | null)?.id === latestId);
  return at > 0 ? analyses[at - 1] : undefined;
}

export function changesView(previous: unknown, latest: unknown, locale: Locale): NonNullable<AnalysisView['changes']> {
  const f = FACTS_CATALOGUES[locale];
  const c = diffAnalyses(previous, latest);
  const due = (iso: string | null) =>
    iso === null ? '—' : formatDate(iso.length > 10 ? iso : `${iso}T12:00:00Z`, locale, iso.length > 10);
  const outcome = (o: string | null) =>
    o === 'eligible' ? f.outcomeEligible : o === 'not_eligible' ? f.outcomeNotEligible : o === null ? '—' : f.outcomeUndetermined;
  const lines: string[] = [];
  if (c.procedure)
    lines.push(
      fill(f.procedureChanged, { before: procedureLabel(c.procedure.before, locale), after: procedureLabel(c.procedure.after, locale) }),
    );
  if (c.facts.length > 0) lines.push(fill(f.changedFacts, { facts: c.facts.map((k) => factLabel(k as FactKey, locale) ?? k).join(', ') }));
  for (const d of c.deadlines) {
    if (d.before === null) lines.push(fill(f.deadlineAdded, { label: d.label, after: due(d.after) }));
    else if (d.after === null) lines.push(fill(f.deadlineRemoved, { label: d.label }));
    else lines.push(fill(f.deadlineMoved, { label: d.label, before: due(d.before), after: due(d.after) }));
  }
  for (const r of c.routes)
    lines.push(fill(f.routeChanged, { route: r.label || r.titre, before: outcome(r.before), after: outcome(r.after) }));
  if (c.estimate)
    lines.push(
      c.estimate.before === null
        ? fill(f.estimateAppeared, { after: percent(c.estimate.after) })
        : fill(f.estimateChanged, { before: percent(c.estimate.before), after: percent(c.estimate.after) }),
    );
  return { since: c.since, lines };
}
