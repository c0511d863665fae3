/**
 * When the next scheduled backup runs: at BACKUP_TIME, local time, every day — sooner when one is
 * overdue (none in the last 24 h, e.g. a machine switched off at night), 15 minutes after start so
 * a start-up is never slowed, and an hour after a failure so a full disk is not hammered. Pure, so
 * the daylight-saving days are tested with a frozen clock.
 */
import { DateTime } from 'luxon';

const CATCH_UP_AFTER_START_MS = 15 * 60_000;
const RETRY_AFTER_FAILURE_MS = 60 * 60_000;
const OVERDUE_MS = 24 * 3600_000;

export interface ScheduleState {
  dailyAt: { hour: number; minute: number };
  zone: string;
  startedAt: Date;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
}

/** The next daily time strictly after `now`, in `zone` (a time skipped by the spring change runs an hour later that day). */
export function nextDailyTime(now: Date, dailyAt: ScheduleState['dailyAt'], zone: string): Date {
  const local = DateTime.fromJSDate(now, { zone });
  let at = local.set({ hour: dailyAt.hour, minute: dailyAt.minute, second: 0, millisecond: 0 });
  if (at.toMillis() <= now.getTime())
    at = local.plus({ days: 1 }).set({ hour: dailyAt.hour, minute: dailyAt.minute, second: 0, millisecond: 0 });
  return at.toJSDate();
}

export function nextBackupAt(now: Date, state: ScheduleState): Date {
  const daily = nextDailyTime(now, state.dailyAt, state.zone);
  const overdue = state.lastSuccessAt === null || now.getTime() - state.lastSuccessAt.getTime() >= OVERDUE_MS;
  if (!overdue) return daily;
  const catchUp = Math.max(
    now.getTime(),
    state.startedAt.getTime() + CATCH_UP_AFTER_START_MS,
    (state.lastFailureAt?.getTime() ?? 0) + RETRY_AFTER_FAILURE_MS,
  );
  return new Date(Math.min(daily.getTime(), catchUp));
}
