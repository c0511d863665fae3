/** Sorts deadlines into the dashboard's urgency groups: overdue, < 48 h, < 7 days, later. */
import type { DeadlineItem, Urgency } from './viewModels.js';

const HOUR = 3_600_000;

export function urgencyOf(dueAt: string, now: Date): Urgency {
  const left = new Date(dueAt).getTime() - now.getTime();
  if (left < 0) return 'overdue';
  if (left < 48 * HOUR) return 'within48h';
  if (left < 7 * 24 * HOUR) return 'within7d';
  return 'later';
}

/** Groups and sorts (soonest first) the deadlines; `later` is capped so the page stays small. */
export function groupByUrgency(items: readonly DeadlineItem[], now: Date, laterCap = 20): Record<Urgency, DeadlineItem[]> {
  const groups: Record<Urgency, DeadlineItem[]> = { overdue: [], within48h: [], within7d: [], later: [] };
  const sorted = [...items].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  for (const item of sorted) groups[urgencyOf(item.dueAt, now)].push(item);
  groups.later = groups.later.slice(0, laterCap);
  return groups;
}
