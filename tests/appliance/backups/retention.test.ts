/**
 * Retention, 7 daily / 4 weekly / 6 monthly, over a year of backups with a frozen clock: the
 * appliance backs up every night at 02:30 Paris time and prunes after each backup, exactly as the
 * daily schedule does.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { backupsToKeep } from '../../../appliance/src/domain/backups/retention.js';

const ZONE = 'Europe/Paris';

interface B {
  createdAt: Date;
}

const at = (iso: string): B => ({ createdAt: DateTime.fromISO(iso, { zone: ZONE }).toJSDate() });
const day = (b: B) => DateTime.fromJSDate(b.createdAt, { zone: ZONE }).toFormat('yyyy-MM-dd');

/** Backs up at 02:30 on each given day and prunes after each, as the appliance does; returns the days kept. */
function simulate(days: readonly string[], extra: (d: string) => B[] = () => []): string[] {
  let kept: B[] = [];
  for (const d of days) {
    kept.push(at(`${d}T02:30`), ...extra(d));
    const keep = backupsToKeep(kept, ZONE);
    kept = kept.filter((b) => keep.has(b));
  }
  return kept.map(day).sort();
}

function everyDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(from); d <= DateTime.fromISO(to); d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

describe('backup retention', () => {
  it('after a year of nightly backups keeps the last 7 days, the last 4 weeks and the last 6 months', () => {
    const kept = simulate(everyDay('2026-01-01', '2026-12-31'));
    expect(kept).toEqual([
      // monthly: the newest of July … November (December's is the 31st, already a daily)
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      // weekly: newest of ISO weeks 50, 51 and 52 (week 53 ends on the 31st)
      '2026-12-13',
      '2026-12-20',
      // 2026-12-27 is both week 52's newest and a daily
      '2026-12-25',
      '2026-12-26',
      '2026-12-27',
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
    ]);
  });

  it('gives the same answer pruning nightly as pruning once at the end', () => {
    const days = everyDay('2026-01-01', '2026-12-31');
    const all = days.map((d) => at(`${d}T02:30`));
    expect(simulate(days)).toEqual([...backupsToKeep(all, ZONE)].map(day).sort());
  });

  it('counts days that have a backup, so three weeks switched off still leave seven daily backups', () => {
    const days = [...everyDay('2026-05-01', '2026-05-20'), ...everyDay('2026-06-10', '2026-06-12')];
    const kept = simulate(days);
    for (const d of ['2026-05-17', '2026-05-18', '2026-05-19', '2026-05-20', '2026-06-10', '2026-06-11', '2026-06-12'])
      expect(kept).toContain(d);
    // Weekly: the fourth week with backups is ISO week 19 (4–10 May); May's and June's monthly
    // backups are already dailies, and no earlier month had one.
    expect(kept.filter((d) => d < '2026-05-17')).toEqual(['2026-05-10']);
  });

  it('keeps only the newest backup of a day (a manual or pre-update backup after the nightly one)', () => {
    const manual = at('2026-03-10T15:00');
    const nightly = at('2026-03-10T02:30');
    const keep = backupsToKeep([nightly, manual, at('2026-03-09T02:30')], ZONE);
    expect(keep.has(manual)).toBe(true);
    expect(keep.has(nightly)).toBe(false);
  });

  it('counts days in the appliance time zone: 00:30 in Paris is the same day as 23:00 there, not the day before', () => {
    const late = at('2026-03-10T23:00');
    const early = at('2026-03-11T00:30'); // 2026-03-10T23:30Z in UTC
    const keep = backupsToKeep([late, early], ZONE, { daily: 2, weekly: 0, monthly: 0 });
    expect(keep.size).toBe(2);
    const keepUtc = backupsToKeep([late, early], 'UTC', { daily: 2, weekly: 0, monthly: 0 });
    expect(keepUtc.size).toBe(1);
  });

  it('keeps a backup that starts a new ISO week across the new year', () => {
    // 2027-01-03 is a Sunday in ISO week 53 of 2026; 2027-01-04 starts week 1 of 2027.
    const kept = simulate(everyDay('2026-11-01', '2027-01-20'));
    expect(kept).toContain('2027-01-03');
    expect(kept).toContain('2027-01-10');
    expect(kept.length).toBe(7 + 2 + 2); // 7 days (14–20 Jan), weeks ending 3 and 10 Jan, Nov and Dec
  });
});
