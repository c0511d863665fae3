/**
 * The summary card's deadline: the next one still open, and how long is left, as a lawyer reads it
 * (the weekday, "reste 12 jours", "reste 30 heures"). Pure: the page passes the moment it is shown.
 */
import { fill, type Locale } from './messages.js';
import type { FactsMessages } from './factsMessages.js';
import type { AnalysisView } from './viewModels.js';

type DeadlineView = AnalysisView['deadlines'][number];

const ZONE = 'Europe/Paris';
const parisDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(at);

/** The Paris day a deadline ends on (a date-only deadline lasts until midnight that day). */
function endDay(d: DeadlineView): string {
  return parisDay(new Date(d.dueAt));
}

/** Whether the deadline is still open at `now`. */
function isOpen(d: DeadlineView, now: Date): boolean {
  if (!d.dueAt) return false;
  return d.hourly ? Date.parse(d.dueAt) >= now.getTime() : endDay(d) >= parisDay(now);
}

/**
 * The next open deadline; on the same day, the contentious remedy first (the one that cannot be
 * missed: an administrative recours does not keep an OQTF's délai, CESEDA L. 911-1).
 */
export function nextDeadline(deadlines: readonly DeadlineView[], now: Date): DeadlineView | undefined {
  const open = deadlines.filter((d) => isOpen(d, now));
  const rank = (d: DeadlineView) => (d.remedy === 'recours_contentieux' || d.remedy === 'contestation_judiciaire' ? 0 : 1);
  return [...open].sort((a, b) => {
    const byDay = a.hourly || b.hourly ? Date.parse(a.dueAt) - Date.parse(b.dueAt) : endDay(a).localeCompare(endDay(b));
    return byDay !== 0 ? byDay : rank(a) - rank(b);
  })[0];
}

/** "reste 12 jour(s)", "reste 30 heure(s)", "expire aujourd’hui". */
export function timeLeft(d: DeadlineView, now: Date, f: FactsMessages): string {
  if (d.hourly) {
    const hours = Math.max(0, Math.floor((Date.parse(d.dueAt) - now.getTime()) / 3_600_000));
    return fill(f.remainingHours, { n: hours });
  }
  const days = Math.round((Date.parse(`${endDay(d)}T00:00:00Z`) - Date.parse(`${parisDay(now)}T00:00:00Z`)) / 86_400_000);
  return days <= 0 ? f.remainingToday : fill(f.remainingDays, { n: days });
}

/** "vendredi 8 janvier 2027" (with "à 14:30" for an hour deadline), Paris time. */
export function longDue(d: { dueAt: string; hourly: boolean }, locale: Locale): string {
  const format = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(d.hourly ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
  return format.format(new Date(d.dueAt));
}
