/**
 * A case's deadlines as the reminders need them, computed in the domain (the web layer's
 * `deadlinesOf` adds display labels on top): the latest analysis's stored deadlines when there is
 * one — what the lawyer saw and checked — else the basic rules from the procedure and the
 * notification date. Only what a reminder carries: the remedy, its due date, its article.
 */
import type { CaseRecord } from '../cases/caseSchema.js';
import { caseFactsSchema } from '../ceseda/facts.js';
import { computeDeadlines } from '../ceseda/deadlines.js';
import type { ProcedureCode } from '../ceseda/procedures.js';

export interface CaseDeadline {
  caseId: string;
  /** The remedy kind (`recours_contentieux`, `rapo`…): with the due date, what an acknowledgement names. */
  remedy: string;
  label: string;
  /** `YYYY-MM-DD` for a délai in days or months, an ISO instant for one in hours. */
  due: string;
  hourly: boolean;
  legalBasis: string;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Per case, by version: the schedule looks at every open case each minute, and computing the rules
 * for 10 000 cases takes about 1.5 s of the event loop (measured); a case changes far less often.
 */
const cache = new Map<string, { version: string; deadlines: CaseDeadline[] }>();

export function caseDeadlines(c: CaseRecord): CaseDeadline[] {
  const version = `${c.updatedAt}|${c.procedure}|${c.decisionNotifiedAt}|${c.departement}|${c.analyses.length}`;
  const hit = cache.get(c.id);
  if (hit?.version === version) return hit.deadlines;
  const deadlines = computeCaseDeadlines(c);
  cache.set(c.id, { version, deadlines });
  return deadlines;
}

function computeCaseDeadlines(c: CaseRecord): CaseDeadline[] {
  const latest = c.analyses.length > 0 ? obj(c.analyses[c.analyses.length - 1]) : undefined;
  let raw: unknown[];
  if (latest) {
    const stored = obj(latest.result).deadlines;
    raw = Array.isArray(stored) ? stored : [];
  } else {
    const facts = caseFactsSchema.safeParse(c.facts);
    try {
      raw = computeDeadlines(c.procedure as ProcedureCode, c.decisionNotifiedAt, {
        ...(facts.success ? facts.data : {}),
        departement: c.departement,
      });
    } catch {
      // A notification date the rules cannot read: nothing to remind; the case page names the field.
      raw = [];
    }
  }
  return raw
    .map(obj)
    .filter((d) => str(d.due) !== '' && str(d.remedy) !== '')
    .map((d) => ({
      caseId: c.id,
      remedy: str(d.remedy),
      label: `${str(d.label)}${d.court ? ` (${str(d.court)})` : ''}`,
      due: str(d.due),
      hourly: d.dueKind === 'datetime',
      legalBasis: str(d.legalBasis),
    }));
}
