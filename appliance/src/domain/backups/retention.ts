/**
 * Which backups to keep: the newest of each of the last 7 days that have a backup, of the last 4
 * ISO weeks, and of the last 6 months (the usual grandfather-father-son scheme, counted as restic's
 * `forget --keep-daily 7 --keep-weekly 4 --keep-monthly 6` counts it). Periods are counted among
 * those that have a backup, not on the calendar, so an appliance switched off for three weeks
 * still keeps seven daily backups. Days, weeks and months are the appliance's local ones (TZ),
 * like BACKUP_TIME. A pure function: the caller deletes what is not kept.
 */
import { DateTime } from 'luxon';

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export const RETENTION: RetentionPolicy = { daily: 7, weekly: 4, monthly: 6 };

const PERIODS: ReadonlyArray<{ policy: keyof RetentionPolicy; key: (t: DateTime) => string }> = [
  { policy: 'daily', key: (t) => t.toFormat('yyyy-MM-dd') },
  { policy: 'weekly', key: (t) => t.toFormat("kkkk-'W'WW") },
  { policy: 'monthly', key: (t) => t.toFormat('yyyy-MM') },
];

/** The backups to keep under `policy`; every other one may be deleted. */
export function backupsToKeep<T extends { createdAt: Date }>(
  backups: readonly T[],
  zone: string,
  policy: RetentionPolicy = RETENTION,
): Set<T> {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<T>();
  for (const period of PERIODS) {
    const seen = new Set<string>();
    for (const backup of newestFirst) {
      const key = period.key(DateTime.fromJSDate(backup.createdAt, { zone }));
      if (seen.has(key)) continue;
      if (seen.size >= policy[period.policy]) break;
      seen.add(key);
      keep.add(backup);
    }
  }
  return keep;
}
