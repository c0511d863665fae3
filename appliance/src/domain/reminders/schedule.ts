/**
 * When a deadline reminds, and whom (docs/reminders.md). A délai in days or months ends at the end
 * of its last day (the engine's due date is that day: délai franc, CJA R. 421-1), so its reminders
 * fall on mornings in Paris: seven days before, two days before, and the morning of. A délai in
 * hours (e.g. 48 h against an OQTF in rétention, CESEDA L. 921-2, R. 921-1 al. 2) runs to the
 * minute: 24 h and 6 h before. Unacknowledged, it escalates to the case's backup lawyer (else the
 * cabinet's admins) the morning before the last day (hours: 3 h before the end), still in time for
 * someone else to act. Those are the defaults: the cabinet's policy (reminder-settings.json, set on
 * /admin/rappels) chooses the points and the escalation delay.
 */
import { DateTime } from 'luxon';
import type { CaseDeadline } from '../cases/caseDeadlines.js';
import { DEFAULT_POLICY, type ReminderPolicy } from '../../storage/reminderSettingsStore.js';

export const ZONE = 'Europe/Paris';
/** The hour (Paris) a day-based reminder goes out: the start of a cabinet's working day. */
export const MORNING_HOUR = 8;

/** `j-7`, `j-2`, `jour-j` (days before the last day), `h-24`, `h-6` (hours before the end), `escalade`. */
export type ReminderPoint = string;

/** The name of the point `n` days before the last day (0: its morning) or `n` hours before the end. */
export const dayPointName = (n: number): ReminderPoint => (n === 0 ? 'jour-j' : `j-${n}`);
export const hourPointName = (n: number): ReminderPoint => `h-${n}`;

export interface PlannedReminder {
  point: ReminderPoint;
  at: Date;
  /** `lawyer`: the assigned lawyer (the admins when nobody is assigned); `admins`: the escalation (backup, else admins). */
  audience: 'lawyer' | 'admins';
  /** A point of the cabinet's minimum: nobody can turn it off, and it is never held for a digest. */
  minimum: boolean;
}

/**
 * Points and ends by due date and policy: the schedule reads every open deadline each minute, many
 * share a due date, and a Paris-time computation costs tens of microseconds (10 000 cases took 5 s
 * a run before this, measured). Cleared when it grows past any cabinet's count of distinct due dates.
 */
const memo = new Map<string, { end: Date; points: PlannedReminder[] }>();

function policyKey(p: ReminderPolicy): string {
  return [p.dayPoints, p.hourPoints, p.minimumDayPoints, p.minimumHourPoints, p.escalationDays, p.escalationHours].join(';');
}

function memoized(d: Pick<CaseDeadline, 'due' | 'hourly'>, policy: ReminderPolicy): { end: Date; points: PlannedReminder[] } {
  const key = `${d.hourly ? 'h' : 'd'}|${d.due}|${policyKey(policy)}`;
  let hit = memo.get(key);
  if (!hit) {
    if (memo.size > 20_000) memo.clear();
    hit = { end: computeEnd(d), points: computePoints(d, policy) };
    memo.set(key, hit);
  }
  return hit;
}

/** The instant a deadline ends: midnight at the end of its day in Paris, or the instant itself. */
export function deadlineEnd(d: Pick<CaseDeadline, 'due' | 'hourly'>): Date {
  return new Date(memoized(d, DEFAULT_POLICY).end);
}

/** Every reminder of a deadline under `policy`, in time order, the escalation included. */
export function reminderPoints(d: Pick<CaseDeadline, 'due' | 'hourly'>, policy: ReminderPolicy = DEFAULT_POLICY): PlannedReminder[] {
  return memoized(d, policy).points.map((p) => ({ ...p, at: new Date(p.at) }));
}

function computeEnd(d: Pick<CaseDeadline, 'due' | 'hourly'>): Date {
  if (d.hourly) return new Date(d.due);
  return DateTime.fromISO(d.due, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate();
}

function morning(due: string, daysBefore: number): Date {
  return DateTime.fromISO(due, { zone: ZONE }).minus({ days: daysBefore }).set({ hour: MORNING_HOUR }).toJSDate();
}

function computePoints(d: Pick<CaseDeadline, 'due' | 'hourly'>, policy: ReminderPolicy): PlannedReminder[] {
  const points: PlannedReminder[] = [];
  if (d.hourly) {
    const end = new Date(d.due).getTime();
    const h = 3_600_000;
    for (const n of policy.hourPoints)
      points.push({
        point: hourPointName(n),
        at: new Date(end - n * h),
        audience: 'lawyer',
        minimum: policy.minimumHourPoints.includes(n),
      });
    points.push({ point: 'escalade', at: new Date(end - policy.escalationHours * h), audience: 'admins', minimum: true });
  } else {
    for (const n of policy.dayPoints)
      points.push({ point: dayPointName(n), at: morning(d.due, n), audience: 'lawyer', minimum: policy.minimumDayPoints.includes(n) });
    points.push({ point: 'escalade', at: morning(d.due, policy.escalationDays), audience: 'admins', minimum: true });
  }
  // Same instant: the lawyer's reminder before the escalation (the escalation says nobody took it).
  return points.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.audience === 'lawyer' ? -1 : 1));
}

/**
 * What is due at `now` and not yet sent: of the lawyer's points already reached, only the latest
 * (an appliance that was off for a week sends one reminder, not three stale ones), if the lawyer
 * receives it (`receives`, from their preferences), and the escalation once reached unless the
 * deadline was acknowledged. Nothing once the deadline ended.
 */
export function dueReminders(
  d: Pick<CaseDeadline, 'due' | 'hourly'>,
  now: Date,
  state: { sent: (point: ReminderPoint) => boolean; acknowledged: boolean; receives?: (p: PlannedReminder) => boolean },
  policy: ReminderPolicy = DEFAULT_POLICY,
): PlannedReminder[] {
  if (now >= deadlineEnd(d)) return [];
  const reached = reminderPoints(d, policy).filter((p) => p.at <= now);
  const receives = state.receives ?? (() => true);
  // The latest point reached, whether or not the lawyer receives it: one they turned off is not
  // replaced by an earlier, stale one.
  const lawyer = reached.filter((p) => p.audience === 'lawyer').at(-1);
  const escalation = reached.find((p) => p.audience === 'admins');
  const out: PlannedReminder[] = [];
  if (lawyer && receives(lawyer) && !state.sent(lawyer.point)) out.push(lawyer);
  if (escalation && !state.acknowledged && !state.sent(escalation.point)) out.push(escalation);
  return out;
}
