/**
 * Notification times given without an offset on the nights the clocks change, for an hour délai
 * (L. 921-2, 48 h in rétention): never a later instant than the facts allow. In 2026 the clocks go
 * forward on Sunday 29 March (02:00 CET → 03:00 CEST) and back on Sunday 25 October (03:00 CEST →
 * 02:00 CET): the last Sundays of those months. Instants are worked out in UTC by hand.
 */
import { describe, expect, it } from 'vitest';
import { parisInstantsOf } from '../../../appliance/src/domain/ceseda/calendar.js';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';

const retention = (notified: string) => computeDeadlines('oqtf_retention', notified).find((d) => d.remedy === 'recours_contentieux')!;

describe('local notification times on the nights the clocks change', () => {
  it('reads 02:30 on the night the clocks go back as the earlier of its two instants, and says so', () => {
    // 02:30 on 25 Oct 2026 happened at 00:30 UTC (+02:00) and again at 01:30 UTC (+01:00).
    expect(parisInstantsOf('2026-10-25T02:30')).toEqual(['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00']);
    // From 00:30 UTC, 48 elapsed hours → 27 Oct 00:30 UTC = 01:30 +01:00; the same clock time two
    // days later (02:30 +01:00 = 01:30 UTC) is the same instant. The later reading of 02:30
    // (01:30 UTC) would have given 02:30 +01:00: never taken.
    const d = retention('2026-10-25T02:30');
    expect(d.due).toBe('2026-10-27T01:30:00+01:00');
    expect(Date.parse(d.due!)).toBeLessThan(Date.parse('2026-10-27T02:30:00+01:00'));
    expect(d.assumptions).toEqual(['local_time_ambiguous']);
    expect(d.computation[1]).toBe(
      'Cette heure a existé deux fois la nuit du passage à l’heure d’hiver (+02:00 puis +01:00) : le premier de ces deux instants est retenu, le délai n’étant jamais allongé faute de précision — indiquer le décalage horaire porté sur la notification pour lever le doute.',
    );
  });

  it('takes an explicit offset on that night as given, with no assumption', () => {
    // 02:30 +01:00 = 01:30 UTC; + 48 h = 27 Oct 01:30 UTC = 02:30 +01:00.
    const d = retention('2026-10-25T02:30:00+01:00');
    expect(d.due).toBe('2026-10-27T02:30:00+01:00');
    expect(d.assumptions).toEqual([]);
  });

  it('refuses 02:30 on the night the clocks go forward, saying which offsets to give', () => {
    expect(parisInstantsOf('2026-03-29T02:30')).toEqual([]);
    expect(() => retention('2026-03-29T02:30')).toThrow(
      '2026-03-29T02:30 did not exist in Paris (the clocks went forward from 02:00 to 03:00 that night); give the time with the offset shown on the notification, e.g. 2026-03-29T01:30:00+01:00 or 2026-03-29T03:30:00+02:00',
    );
  });

  it('never extends an hour délai over the spring change', () => {
    // 28 Mar 2026 02:30 +01:00 = 01:30 UTC. 48 elapsed hours → 30 Mar 01:30 UTC = 03:30 +02:00;
    // same clock time → 30 Mar 02:30 +02:00 = 00:30 UTC, the earlier: kept.
    const d = retention('2026-03-28T02:30');
    expect(d.due).toBe('2026-03-30T02:30:00+02:00');
  });

  it('never extends an hour délai over the autumn change', () => {
    // 24 Oct 2026 10:00 +02:00 = 08:00 UTC. 48 elapsed hours → 26 Oct 08:00 UTC = 09:00 +01:00;
    // same clock time → 10:00 +01:00 = 09:00 UTC, later: the elapsed hours are kept.
    const d = retention('2026-10-24T10:00');
    expect(d.due).toBe('2026-10-26T09:00:00+01:00');
  });

  it('flags an hour délai whose hour is unknown, counted from 00:00', () => {
    // 20 Nov 2026 00:00 +01:00 + 48 h → 22 Nov 00:00 +01:00.
    const d = retention('2026-11-20');
    expect(d.due).toBe('2026-11-22T00:00:00+01:00');
    expect(d.assumptions).toEqual(['hour_unknown']);
    const day = computeDeadlines('oqtf', '2026-11-20').find((x) => x.remedy === 'recours_contentieux')!;
    expect(day.assumptions).toEqual([]);
  });
});
