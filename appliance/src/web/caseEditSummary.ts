/**
 * The case page's « Modifier » block: the link to the edit page, the status and outcome, the last
 * changes field by field, and — when the procedure or the notification date changed since the
 * last analysis — that its deadlines are stale. Staleness is read from the analysis itself (the
 * procedure and notification it ran on, stored in its result), not from the history, so an
 * edit undone is no longer said to be stale.
 */
import type { CaseRecord } from '../domain/cases/caseSchema.js';
import { changeEntriesOf } from './caseChangesView.js';
import type { CaseEditSummary } from './caseEditViews.js';
import { CASE_EDIT_CATALOGUES, OUTCOME_LABELS, STATUS_LABELS } from './caseEditMessages.js';
import { formatDate } from './format.js';
import { fill, type Locale } from './messages.js';

/** The stale-analysis sentence, or undefined: the last analysis ran on another procedure or notification instant. */
export function staleAnalysisNotice(c: CaseRecord, locale: Locale): string | undefined {
  const last = c.analyses.at(-1) as { createdAt?: unknown; result?: { procedure?: unknown; decisionNotifiedAt?: unknown } } | undefined;
  if (!last?.result) return undefined;
  const procedure = last.result.procedure !== undefined && last.result.procedure !== c.procedure;
  const notified = last.result.decisionNotifiedAt !== undefined && last.result.decisionNotifiedAt !== c.decisionNotifiedAt;
  if (!procedure && !notified) return undefined;
  const e = CASE_EDIT_CATALOGUES[locale];
  const what = procedure && notified ? e.staleBoth : procedure ? e.staleProcedure : e.staleNotification;
  return fill(e.analysisStale, { what, at: formatDate(typeof last.createdAt === 'string' ? last.createdAt : null, locale, true) });
}

export function caseEditSummaryOf(
  c: CaseRecord,
  locale: Locale,
  names: { user: (id: string) => string; byEmail: (email: string) => string },
  canEdit: boolean,
  query: unknown,
): CaseEditSummary {
  return {
    href: `/dossiers/${encodeURIComponent(c.id)}/modifier`,
    canEdit,
    status: STATUS_LABELS[locale][c.status] ?? c.status,
    outcome: c.outcome === null ? null : (OUTCOME_LABELS[locale][c.outcome] ?? c.outcome),
    staleAnalysis: staleAnalysisNotice(c, locale),
    saved: query === '1',
    changes: changeEntriesOf(c, locale, names, 5),
  };
}
