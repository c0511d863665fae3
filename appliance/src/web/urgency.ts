/**
 * How urgent a deadline is, as a lawyer reads it at a glance: its urgency group (overdue, < 48 h,
 * < 7 days, later), what is left ("dans 11 h", "demain", "dans 3 jours") and its date with the
 * weekday (« lun. 7 déc. 2026 », with the hour for a délai in hours). Pure: the page passes the
 * appliance's clock, and every day is a Paris day whatever the server's zone.
 */
import type { Locale } from './messages.js';
import type { DeadlineItem, Urgency } from './viewModels.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const ZONE = 'Europe/Paris';

const parisDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE });
/** `YYYY-MM-DD` of the Paris day `at` falls on. */
export const parisDay = (at: Date): string => parisDayFormat.format(at);

/**
 * Calendar days from Paris today to the deadline's Paris day. A date-only deadline is stored at
 * noon UTC of its day (caseViews.ts), which is that same day in Paris winter and summer alike.
 */
export function daysLeft(dueAt: string, now: Date): number {
  return Math.round((Date.parse(parisDay(new Date(dueAt))) - Date.parse(parisDay(now))) / DAY);
}

/**
 * A délai in hours ends at its hour; one in days or months ends at midnight at the end of its last
 * day (CJA R. 421-1, CPC art. 642): a deadline due today is not overdue at 14:00.
 */
export function urgencyOf(dueAt: string, now: Date, hourly = true): Urgency {
  if (hourly) {
    const left = Date.parse(dueAt) - now.getTime();
    if (left < 0) return 'overdue';
    if (left < 48 * HOUR) return 'within48h';
    if (left < 7 * 24 * HOUR) return 'within7d';
    return 'later';
  }
  const days = daysLeft(dueAt, now);
  if (days < 0) return 'overdue';
  // Today and tomorrow: at most 48 hours to act, the same group as an hour délai under 48 h.
  if (days <= 1) return 'within48h';
  if (days < 7) return 'within7d';
  return 'later';
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(locale: Locale, style: 'short' | 'long', numeric: 'auto' | 'always'): Intl.RelativeTimeFormat {
  const key = `${locale}:${style}:${numeric}`;
  let f = relativeFormats.get(key);
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { style, numeric });
    relativeFormats.set(key, f);
  }
  return f;
}

/**
 * What is left, in the page's language: "dans 11 h" / "il y a 3 h" for a délai in hours under two
 * days, else in Paris calendar days: "aujourd’hui", "demain", "hier", "dans 3 jours", "il y a 5 jours".
 */
export function relativeDue(d: { dueAt: string; hourly: boolean }, now: Date, locale: Locale): string {
  if (d.hourly) {
    const ms = Date.parse(d.dueAt) - now.getTime();
    if (Math.abs(ms) < 48 * HOUR) {
      // Whole hours left, rounded towards the deadline: 11 h 40 left is "dans 11 h", never 12.
      const hours = ms >= 0 ? Math.floor(ms / HOUR) : -Math.floor(-ms / HOUR);
      // French lawyers write "11 h"; English reads better spelled out ("in 11 hours").
      if (hours !== 0) return relativeFormat(locale, locale === 'fr' ? 'short' : 'long', 'always').format(hours, 'hour');
      const minutes = ms >= 0 ? Math.floor(ms / 60_000) : -Math.floor(-ms / 60_000);
      return relativeFormat(locale, 'long', 'always').format(minutes, 'minute');
    }
  }
  const days = daysLeft(d.dueAt, now);
  // Words only for yesterday, today and tomorrow: "après-demain" reads slower than "dans 2 jours".
  return relativeFormat(locale, 'long', Math.abs(days) <= 1 ? 'auto' : 'always').format(days, 'day');
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** « lun. 7 déc. 2026 », or « lun. 7 déc. 2026, 14:30 » for a délai in hours (Paris time). */
export function dueDate(d: { dueAt: string; hourly: boolean }, locale: Locale): string {
  const key = `${locale}:${d.hourly}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      timeZone: ZONE,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(d.hourly ? { hour: '2-digit', minute: '2-digit' } : {}),
    });
    dateFormats.set(key, f);
  }
  const at = new Date(d.dueAt);
  return Number.isNaN(at.getTime()) ? d.dueAt : f.format(at);
}

/** Groups and sorts (soonest first) the deadlines by urgency. */
export function groupByUrgency(items: readonly DeadlineItem[], now: Date): Record<Urgency, DeadlineItem[]> {
  const groups: Record<Urgency, DeadlineItem[]> = { overdue: [], within48h: [], within7d: [], later: [] };
  const sorted = [...items].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  for (const item of sorted) groups[urgencyOf(item.dueAt, now, item.hourly)].push(item);
  return groups;
}
