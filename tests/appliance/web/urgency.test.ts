/**
 * "What is left" and the weekday, as the dashboard and the dossier list show them: dates computed by
 * hand in each case (the reasoning in a comment), Paris time whatever the machine's zone, French and
 * English. 5 December 2026 is a Saturday; Paris is UTC+1 in December and UTC+2 in July.
 */
import { describe, expect, it } from 'vitest';
import { dueDate, relativeDue, urgencyOf } from '../../../appliance/src/web/urgency.js';

/** Intl puts a no-break space before "h" and in dates: compared as plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const day = (date: string) => ({ dueAt: `${date}T12:00:00Z`, hourly: false });
const hour = (instant: string) => ({ dueAt: instant, hourly: true });

// Saturday 5 December 2026, 22:00 in Paris (21:00 UTC).
const SAT_EVENING = new Date('2026-12-05T21:00:00Z');

describe('relative time of a deadline', () => {
  it('counts a délai in hours in whole hours left, rounded down', () => {
    // Due Sunday 09:40 Paris (08:40 UTC): 11 h 40 after 21:00 UTC → "dans 11 h", not 12.
    expect(plain(relativeDue(hour('2026-12-06T08:40:00Z'), SAT_EVENING, 'fr'))).toBe('dans 11 h');
    expect(relativeDue(hour('2026-12-06T08:40:00Z'), SAT_EVENING, 'en')).toBe('in 11 hours');
    // Due Monday 04:00 Paris (03:00 UTC): 30 hours after Saturday 21:00 UTC, still under 48 h.
    expect(plain(relativeDue(hour('2026-12-07T03:00:00Z'), SAT_EVENING, 'fr'))).toBe('dans 30 h');
    // Due Saturday 19:00 Paris (18:00 UTC): passed 3 hours ago.
    expect(plain(relativeDue(hour('2026-12-05T18:00:00Z'), SAT_EVENING, 'fr'))).toBe('il y a 3 h');
    // Due Tuesday 10:00 Paris (09:00 UTC): 60 hours, past 48 → in Paris days: Tuesday 8 − Saturday 5 = 3.
    expect(relativeDue(hour('2026-12-08T09:00:00Z'), SAT_EVENING, 'fr')).toBe('dans 3 jours');
    // 40 minutes left: said in minutes, not "dans 0 h".
    expect(relativeDue(hour('2026-12-05T21:40:00Z'), SAT_EVENING, 'fr')).toBe('dans 40 minutes');
  });

  it('counts a délai in days in Paris calendar days: today, tomorrow, in 3 days, yesterday', () => {
    expect(relativeDue(day('2026-12-05'), SAT_EVENING, 'fr')).toBe('aujourd’hui');
    expect(relativeDue(day('2026-12-06'), SAT_EVENING, 'fr')).toBe('demain');
    // Not "après-demain": numbers from 2 days on.
    expect(relativeDue(day('2026-12-07'), SAT_EVENING, 'fr')).toBe('dans 2 jours');
    expect(relativeDue(day('2026-12-08'), SAT_EVENING, 'fr')).toBe('dans 3 jours');
    expect(relativeDue(day('2026-12-04'), SAT_EVENING, 'fr')).toBe('hier');
    expect(relativeDue(day('2026-11-30'), SAT_EVENING, 'fr')).toBe('il y a 5 jours');
    expect(relativeDue(day('2026-12-06'), SAT_EVENING, 'en')).toBe('tomorrow');
    expect(relativeDue(day('2026-12-08'), SAT_EVENING, 'en')).toBe('in 3 days');
  });

  it('takes the day from Paris, not UTC, around midnight in winter and summer', () => {
    // 5 Dec 23:30 UTC is Sunday 6 December 00:30 in Paris (UTC+1): a deadline on the 6th is today.
    const afterMidnight = new Date('2026-12-05T23:30:00Z');
    expect(relativeDue(day('2026-12-06'), afterMidnight, 'fr')).toBe('aujourd’hui');
    expect(relativeDue(day('2026-12-05'), afterMidnight, 'fr')).toBe('hier');
    // 1 July 22:30 UTC is 2 July 00:30 in Paris (UTC+2): the 2nd is today, the 3rd tomorrow.
    const summer = new Date('2026-07-01T22:30:00Z');
    expect(relativeDue(day('2026-07-02'), summer, 'fr')).toBe('aujourd’hui');
    expect(relativeDue(day('2026-07-03'), summer, 'fr')).toBe('demain');
  });
});

describe('urgency of a deadline', () => {
  it('keeps a délai in days open until the end of its Paris day', () => {
    // Due today (stored at noon UTC, 9 hours before now): still open until midnight, so < 48 h, not overdue.
    expect(urgencyOf('2026-12-05T12:00:00Z', SAT_EVENING, false)).toBe('within48h');
    expect(urgencyOf('2026-12-04T12:00:00Z', SAT_EVENING, false)).toBe('overdue');
    // Tomorrow: < 48 h; Friday 11 (6 days): < 7 days; Saturday 12 (7 days): later.
    expect(urgencyOf('2026-12-06T12:00:00Z', SAT_EVENING, false)).toBe('within48h');
    expect(urgencyOf('2026-12-11T12:00:00Z', SAT_EVENING, false)).toBe('within7d');
    expect(urgencyOf('2026-12-12T12:00:00Z', SAT_EVENING, false)).toBe('later');
  });

  it('ends a délai in hours at its hour', () => {
    expect(urgencyOf('2026-12-05T20:59:00Z', SAT_EVENING, true)).toBe('overdue');
    // 47 h 59 left: < 48 h; 48 h exactly: < 7 days.
    expect(urgencyOf('2026-12-07T20:59:00Z', SAT_EVENING, true)).toBe('within48h');
    expect(urgencyOf('2026-12-07T21:00:00Z', SAT_EVENING, true)).toBe('within7d');
  });
});

describe('date of a deadline with its weekday', () => {
  it('shows the weekday, and the hour for a délai in hours, in Paris time', () => {
    // 7 December 2026 is the Monday after Saturday the 5th.
    expect(plain(dueDate(day('2026-12-07'), 'fr'))).toBe('lun. 7 déc. 2026');
    expect(plain(dueDate(day('2026-12-07'), 'en'))).toBe('Mon, 7 Dec 2026');
    // 08:40 UTC is 09:40 in Paris in December.
    expect(plain(dueDate(hour('2026-12-06T08:40:00Z'), 'fr'))).toBe('dim. 6 déc. 2026, 09:40');
    // 22:30 UTC on 1 July is 00:30 on Thursday 2 July in Paris (UTC+2).
    expect(plain(dueDate(hour('2026-07-01T22:30:00Z'), 'fr'))).toBe('jeu. 2 juil. 2026, 00:30');
  });
});
