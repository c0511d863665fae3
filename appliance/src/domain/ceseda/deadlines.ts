import { readNotification } from './calendar.js';
import { computeDeadline, type Deadline } from './deadlineEngine.js';
import type { ProcedureCode } from './procedures.js';
import { remedyRulesFor, type DeadlineContext } from './rules.js';

/**
 * Every remedy open for a procedure, with its due date, computed from `decisionNotifiedAt`
 * (YYYY-MM-DD or ISO date-time; the time matters for hour délais).
 */
export function computeDeadlines(procedure: ProcedureCode, decisionNotifiedAt: string, ctx: DeadlineContext = {}): Deadline[] {
  const notified = readNotification(decisionNotifiedAt);
  return remedyRulesFor(procedure, ctx, Number(notified.date.slice(0, 4))).map((rule) => computeDeadline(rule, notified));
}
