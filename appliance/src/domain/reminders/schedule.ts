/**
 * When a deadline reminds, and whom (docs/reminders.md). A délai in days or months ends at the end
 * of its last day (the engine's due date is that day: délai franc, CJA R. 421-1), so its reminders
 * fall on mornings in Paris: seven days before, two days before, and the morning of. A délai in
 * hours (e.g. 48 h against an OQTF in rétention, CESEDA L. 921-2, R. 921-1 al. 2) runs to the
 * minute: 24 h and 6 h before. Unacknowledged, it escalates to the cabinet's admins the morning
 * before the last day (hours: 3 h before the end), still in time for someone else to act.
 */
import { DateTime } from 'luxon';
import type { CaseDeadline } from '../cases/caseDeadlines.js';

export const ZONE = 'Europe/Paris';
/** The hour (Paris) a day-based reminder goes out: the start of a cabinet's working day. */
export const MORNING_HOUR = 8;

export type ReminderPoint = 'j-7' | 'j-2' | 'jour-j' | 'h-24' | 'h-6' | 'escalade';

export interface PlannedReminder {
  point: ReminderPoint;
  at: Date;
  /** `lawyer`: the assigned lawyer (the admins when nobody is assigned); `admins`: the escalation. */
  audience: 'lawyer' | 'admins';
}

/**
 * Points and ends by due date: the schedule reads every open deadline each minute, many share a
 * due date, and a Paris-time computation costs tens of microseconds (10 000 cases took 5 s a run
 * before this, measured). Cleared when it grows past any cabinet's count of distinct due dates.
 */
const memo = new Map<string, { end: Date; points: PlannedReminder[] }>();

function memoized(d: Pick<CaseDeadline, 'due' | 'hourly'>): { end: Date; points: PlannedReminder[] } {
  const key = `${d.hourly ? 'h' : 'd'}|${d.due}`;
  let hit = memo.get(key);
  if (!hit) {
    if (memo.size > 20_000) memo.clear();
    hit = { end: computeEnd(d), points: computePoints(d) };
    memo.set(key, hit);
  }
  return hit;
}

/** The instant a deadline ends: midnight at the end of its day in Paris, or the instant itself. */
export function deadlineEnd(d: Pick<CaseDeadline, 'due' | 'hourly'>): Date {
  return new Date(memoized(d).end);
}

/** Every reminder of a deadline, in time order, the escalation included. */
export function reminderPoints(d: Pick<CaseDeadline, 'due' | 'hourly'>): PlannedReminder[] {
  return memoized(d).points.map((p) => ({ ...p, at: new Date(p.at) }));
}

function computeEnd(d: Pick<CaseDeadline, 'due' | 'hourly'>): Date {
  if (d.hourly) return new Date(d.due);
  return DateTime.fromISO(d.due, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
}

function morning(due: string, daysBefore: number): Date {
  return DateTime.fromISO(due, { zone: ZONE }).minus({ days: daysBefore }).set({ hour: MORNING_HOUR }).toJSDate();
}

function computePoints(d: Pick<CaseDeadline, 'due' | 'hourly'>): PlannedReminder[] {
  if (d.hourly) {
    const end = new Date(d.due).getTime();
    const h = 3_600_000;
    return [
      { point: 'h-24', at: new Date(end - 24 * h), audience: 'lawyer' },
      { point: 'h-6', at: new Date(end - 6 * h), audience: 'lawyer' },
      { point: 'escalade', at: new Date(end - 3 * h), audience: 'admins' },
    ];
  }
  return [
    { point: 'j-7', at: morning(d.due, 7), audience: 'lawyer' },
    { point: 'j-2', at: morning(d.due, 2), audience: 'lawyer' },
    { point: 'escalade', at: morning(d.due, 1), audience: 'admins' },
    { point: 'jour-j', at: morning(d.due, 0), audience: 'lawyer' },
  ];
}

/**
 * What is due at `now` and not yet sent: of the lawyer's points already reached, only the latest
 * (an appliance that was off for a week sends one reminder, not three stale ones), and the
 * escalation once reached unless the deadline was acknowledged. Nothing once the deadline ended.
 */
export function dueReminders(
  d: Pick<CaseDeadline, 'due' | 'hourly'>,
  now: Date,
  state: { sent: (point: ReminderPoint) => boolean; acknowledged: boolean },
): PlannedReminder[] {
  if (now >= deadlineEnd(d)) return [];
  const reached = reminderPoints(d).filter((p) => p.at <= now);
  const lawyer = reached.filter((p) => p.audience === 'lawyer').at(-1);
  const escalation = reached.find((p) => p.audience === 'admins');
  const out: PlannedReminder[] = [];
  if (lawyer && !state.sent(lawyer.point)) out.push(lawyer);
  if (escalation && !state.acknowledged && !state.sent(escalation.point)) out.push(escalation);
  return out;
}
