import { describe, expect, it } from 'vitest';
import {
  addHours,
  addMonths,
  easterSunday,
  nextWorkingDay,
  publicHolidays,
  readNotification,
} from '../../../appliance/src/domain/ceseda/calendar.js';

describe('French legal calendar', () => {
  it('computes Easter Sunday by the Gregorian computus', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22',
      1943: '1943-04-25',
      2008: '2008-03-23',
      2011: '2011-04-24',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2026: '2026-04-05',
      2027: '2027-03-28',
      2038: '2038-04-25',
    };
    for (const [year, date] of Object.entries(known)) expect(easterSunday(Number(year)), year).toBe(date);
  });

  it('lists the eleven national holidays, Easter-based ones included', () => {
    const h = publicHolidays(2026);
    expect(h.size).toBe(11);
    expect(h.get('2026-04-06')).toBe('Lundi de Pâques');
    expect(h.get('2026-05-14')).toBe('Ascension');
    expect(h.get('2026-05-25')).toBe('Lundi de Pentecôte');
    expect(h.has('2026-04-03')).toBe(false);
    expect(h.has('2026-12-26')).toBe(false);
  });

  it('adds Good Friday and 26 December in Alsace-Moselle', () => {
    const h = publicHolidays(2026, { alsaceMoselle: true });
    expect(h.size).toBe(13);
    expect(h.get('2026-04-03')).toBe('Vendredi saint, férié en Alsace-Moselle');
    expect(h.get('2026-12-26')).toBe('Saint-Étienne, férié en Alsace-Moselle');
  });

  it('clamps month arithmetic to the last day of shorter months, leap years included', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2023-12-31', 2)).toBe('2024-02-29');
    expect(addMonths('2100-01-29', 1)).toBe('2100-02-28'); // 2100 is not a leap year
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('moves a weekend or holiday to the next working day and says why', () => {
    expect(nextWorkingDay('2026-04-04')).toEqual({
      date: '2026-04-07',
      skipped: [
        { date: '2026-04-04', reason: 'samedi' },
        { date: '2026-04-05', reason: 'dimanche' },
        { date: '2026-04-06', reason: 'Lundi de Pâques' },
      ],
    });
    expect(nextWorkingDay('2026-04-03').date).toBe('2026-04-03');
    expect(nextWorkingDay('2026-04-03', { alsaceMoselle: true }).date).toBe('2026-04-07');
  });

  it('reads a notification date, a Paris local time, and a UTC instant', () => {
    expect(readNotification('2026-11-20')).toEqual({ date: '2026-11-20', instant: null });
    expect(readNotification('2026-11-20T16:30')).toEqual({ date: '2026-11-20', instant: '2026-11-20T16:30:00+01:00' });
    expect(readNotification('2026-07-10T23:30:00Z')).toEqual({ date: '2026-07-11', instant: '2026-07-11T01:30:00+02:00' });
    for (const bad of ['2026-02-30', '20-11-2026', 'tomorrow', '2026-13-01T10:00'])
      expect(() => readNotification(bad), bad).toThrow(RangeError);
  });

  it('keeps the earlier instant when summer time starts inside an hour délai', () => {
    // 29 March 2026, 02:00 → 03:00: 48 elapsed hours end at 11:00, the same clock time is 10:00.
    expect(addHours('2026-03-28T10:00:00+01:00', 48)).toEqual({ due: '2026-03-30T10:00:00+02:00', dstShifted: true });
    // 25 October 2026, 03:00 → 02:00: 48 elapsed hours end at 09:00.
    expect(addHours('2026-10-24T10:00:00+02:00', 48)).toEqual({ due: '2026-10-26T09:00:00+01:00', dstShifted: true });
    expect(addHours('2026-11-20T16:30:00+01:00', 48)).toEqual({ due: '2026-11-22T16:30:00+01:00', dstShifted: false });
  });
});
