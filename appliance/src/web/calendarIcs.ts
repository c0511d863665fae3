/**
 * Deadlines as an iCalendar file (RFC 5545) for Outlook and Thunderbird, built with the `ics`
 * package (small, no dependencies of its own beyond date handling, and it folds and escapes lines
 * as the RFC requires — hand-written ICS usually gets that wrong).
 *
 * Hour-based deadlines (48 h, 96 h…) become timed events at their exact instant, in UTC so no
 * client shifts them; day-based ones become all-day events on their Paris calendar date. Each has
 * reminders before it: a missed deadline is the one thing a cabinet cannot undo.
 *
 * A window (the renewal window of R. 431-5: from `opensAt` to `dueAt`) becomes one all-day event
 * spanning its days, reminded when it opens and a week before it closes.
 */
import { createEvents, type EventAttributes } from 'ics';

export interface CalendarDeadline {
  /** Stable across exports, so a subscribed calendar updates events instead of duplicating them. */
  uid: string;
  summary: string;
  description: string;
  dueAt: string;
  hourly: boolean;
  url?: string | undefined;
  /** A window's first day (its last is `dueAt`); day-based only. */
  opensAt?: string | undefined;
}

const DAY_MS = 86_400_000;

const PARIS_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

function parisDate(iso: string): [number, number, number] {
  const [y, m, d] = PARIS_DATE.format(new Date(iso)).split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

function nextDay([y, m, d]: [number, number, number]): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** The ICS text for `deadlines`; throws if one is malformed (a bug, never user input). */
export function buildDeadlinesIcs(deadlines: readonly CalendarDeadline[], calendarName: string): string {
  const events: EventAttributes[] = deadlines.map((d) => {
    const common = {
      uid: d.uid,
      title: d.summary,
      description: d.description,
      ...(d.url ? { url: d.url } : {}),
      productId: 'iamanager/appliance',
      calName: calendarName,
      busyStatus: 'FREE' as const,
      transp: 'TRANSPARENT' as const,
      classification: 'CONFIDENTIAL',
    };
    if (d.hourly) {
      return {
        ...common,
        start: new Date(d.dueAt).getTime(),
        startInputType: 'utc',
        startOutputType: 'utc',
        duration: { minutes: 30 },
        alarms: [
          { action: 'display', description: d.summary, trigger: { hours: 24, before: true } },
          { action: 'display', description: d.summary, trigger: { hours: 2, before: true } },
        ],
      } satisfies EventAttributes;
    }
    const day = parisDate(d.dueAt);
    if (d.opensAt !== undefined) {
      const first = parisDate(d.opensAt);
      const days = Math.round((Date.UTC(day[0], day[1] - 1, day[2]) - Date.UTC(first[0], first[1] - 1, first[2])) / DAY_MS);
      return {
        ...common,
        start: first,
        end: nextDay(day),
        // At 9:00 on the first day, and at 9:00 a week before the last (an alarm counts from the
        // start). In hours: `ics` writes whole days as "P3DT", which RFC 5545 does not allow.
        alarms: [
          { action: 'display', description: d.summary, trigger: { hours: 9, before: false } },
          ...(days > 7
            ? [{ action: 'display' as const, description: d.summary, trigger: { hours: (days - 7) * 24 + 9, before: false } }]
            : []),
        ],
      } satisfies EventAttributes;
    }
    return {
      ...common,
      start: day,
      end: nextDay(day),
      alarms: [{ action: 'display', description: d.summary, trigger: { hours: 72, before: true } }],
    } satisfies EventAttributes;
  });
  if (events.length === 0) {
    // `ics` refuses an empty list; an empty calendar is still a valid subscription answer.
    return [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'CALSCALE:GREGORIAN',
      'PRODID:iamanager/appliance',
      'METHOD:PUBLISH',
      `X-WR-CALNAME:${calendarName.replace(/[\\;,\n]/g, ' ')}`,
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  }
  const { error, value } = createEvents(events, { productId: 'iamanager/appliance', calName: calendarName, method: 'PUBLISH' });
  if (error || !value) throw error ?? new Error('ics: no output');
  return value;
}
