/**
 * The calendar page's view: the deadlines and renewal windows of the coming months, grouped by the
 * Paris month of their last day, and the windows open today set apart — a window is something to
 * act on while it is open, not only on its last day.
 */
import type { DeadlineItem } from './viewModels.js';

const PARIS_MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' });

/** `2027-05` for an instant, in Paris. */
function parisMonth(iso: string): string {
  return PARIS_MONTH.format(new Date(iso)).slice(0, 7);
}

export interface CalendarMonths {
  /** Windows open on `now` (opened, not yet closed), closing first first. */
  openWindows: DeadlineItem[];
  /** Months (YYYY-MM) from now's to `monthsAhead` later, each with the items ending in it, soonest first; empty months left out. */
  months: Array<{ month: string; items: DeadlineItem[] }>;
}

export function calendarMonthsOf(items: readonly DeadlineItem[], now: Date, monthsAhead = 12): CalendarMonths {
  const sorted = [...items].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const upcoming = sorted.filter((d) => new Date(d.dueAt).getTime() >= now.getTime());
  const openWindows = upcoming.filter((d) => d.opensAt !== undefined && new Date(d.opensAt).getTime() <= now.getTime());
  const first = parisMonth(now.toISOString());
  const [y, m] = first.split('-').map(Number) as [number, number];
  const lastIndex = y * 12 + (m - 1) + monthsAhead;
  const last = `${Math.floor(lastIndex / 12)}-${String((lastIndex % 12) + 1).padStart(2, '0')}`;
  const byMonth = new Map<string, DeadlineItem[]>();
  for (const d of upcoming) {
    const month = parisMonth(d.dueAt);
    if (month > last) break;
    byMonth.set(month, [...(byMonth.get(month) ?? []), d]);
  }
  return { openWindows, months: [...byMonth].map(([month, list]) => ({ month, items: list })) };
}
