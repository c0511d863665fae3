/**
 * The daily register of deadlines (docs/deadlines.md): for one Paris day, the deadlines entered
 * (first appeared), due, and closed or set for closing that day, with who. Deadlines are computed,
 * not stored, so "entered" is read from what is stored: the first stored analysis that lists the
 * remedy (its time and author), or, when no analysis lists it, the case's creation (the basic rules
 * give it from the notification the case was created with).
 */
import { z } from 'zod';
import type { CaseRecord } from '../cases/caseSchema.js';
import type { DeadlineClosing } from './deadlineClosing.js';
import { dueDayOf, parisDayOf } from './parisDay.js';

/** The register's day (`?day=` in the API, `?jour=` on the page); today in Paris when absent. */
export const registerQuerySchema = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'la journée du registre doit être une date AAAA-MM-JJ, par ex. 2026-12-04' })
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
      error: "cette date n'existe pas au calendrier",
    })
    .optional(),
});

export type RegisterEvent = 'entered' | 'due' | 'closed' | 'pending';

export interface RegisterRow {
  caseId: string;
  reference: string;
  remedy: string;
  label: string;
  due: string;
  legalBasis: string;
  event: RegisterEvent;
  /** When it happened (ISO), null for "due" (a day, not an act). */
  at: string | null;
  by: string | null;
  /** Recours déposé / pas de recours / écartée, and the receipt or reason, for closures. */
  closure: {
    kind: string;
    filedOn?: string | undefined;
    receiptNumber?: string | undefined;
    reason?: string | undefined;
    confirmedBy?: string | undefined;
  } | null;
}

type Loose = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** When and by whom a deadline first appeared on the case (see the file's comment). */
export function enteredOf(c: CaseRecord, remedy: string): { at: string; by: string } {
  for (const raw of c.analyses) {
    const a = (raw ?? {}) as Loose;
    const deadlines = ((a.result ?? {}) as Loose).deadlines;
    if (Array.isArray(deadlines) && deadlines.some((d) => (d as Loose | null)?.remedy === remedy))
      return { at: str(a.createdAt), by: str(a.createdBy) };
  }
  return { at: c.createdAt, by: c.history[0]?.by ?? '' };
}

const ORDER: Record<RegisterEvent, number> = { entered: 0, due: 1, pending: 2, closed: 3 };

export function registerOf(cases: Iterable<CaseRecord>, closing: DeadlineClosing, day: string): RegisterRow[] {
  const rows: RegisterRow[] = [];
  for (const c of cases) {
    for (const d of closing.statusesOf(c)) {
      const base = { caseId: c.id, reference: c.reference, remedy: d.remedy, label: d.label, due: d.due, legalBasis: d.legalBasis };
      const entered = enteredOf(c, d.remedy);
      if (entered.at && parisDayOf(entered.at) === day)
        rows.push({ ...base, event: 'entered', at: entered.at, by: entered.by, closure: null });
      if (dueDayOf(d.due) === day) rows.push({ ...base, event: 'due', at: null, by: null, closure: null });
      const cl = d.closure;
      if (!cl) continue;
      const summary = {
        kind: cl.kind,
        filedOn: cl.filedOn,
        receiptNumber: cl.receiptNumber,
        reason: cl.reason,
        confirmedBy: cl.confirmedBy,
      };
      if (cl.state === 'closed') {
        const at = cl.confirmedAt ?? cl.requestedAt;
        if (parisDayOf(at) === day) rows.push({ ...base, event: 'closed', at, by: cl.requestedBy, closure: summary });
      } else if (parisDayOf(cl.requestedAt) === day) {
        rows.push({ ...base, event: 'pending', at: cl.requestedAt, by: cl.requestedBy, closure: summary });
      }
    }
  }
  return rows.sort((a, b) => ORDER[a.event] - ORDER[b.event] || a.reference.localeCompare(b.reference) || a.remedy.localeCompare(b.remedy));
}
