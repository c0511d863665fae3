/**
 * RAPO time limits (visa: CESEDA D. 312-4, 30 days; naturalisation: décret n° 93-1362 art. 45,
 * 2 months): no text settles franc / non franc or extension, so every reading is shown with its
 * source, earliest first (as for L. 921-1). Weekdays and holidays of 2026 checked on a calendar.
 */
import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';

const rapo = (procedure: 'refus_visa' | 'naturalisation_refus', notified: string) =>
  computeDeadlines(procedure, notified).find((d) => d.remedy === 'rapo')!;

describe('RAPO readings', () => {
  it('visa RAPO ending on a holiday: the non-extended reading first, then the extended ones', () => {
    // Notified Monday 12 Oct 2026 + 30 days = Wednesday 11 Nov (Armistice).
    // Non franc, not extended: 11 Nov. Non franc, extended: Thursday 12 Nov. Franc: 11 + 1 = 12 Nov, a working day.
    const d = rapo('refus_visa', '2026-10-12');
    expect(d.due).toBe('2026-11-11');
    expect(d.readings!.map((r) => [r.label, r.due])).toEqual([
      ['D. 312-4 : 30 jours, délai non franc, non prorogé', '2026-11-11'],
      ['D. 312-4 : 30 jours, délai non franc, prorogé au premier jour ouvrable suivant', '2026-11-12'],
      ['D. 312-4 : 30 jours, délai franc, prorogé au premier jour ouvrable suivant', '2026-11-12'],
    ]);
    expect(d.readings![1]!.computation.at(-1)).toBe(
      'Le mercredi 11 novembre 2026 (Armistice 1918) n’est pas un jour ouvrable : le délai est prorogé au premier jour ouvrable suivant, le jeudi 12 novembre 2026 (CPC art. 642).',
    );
    for (const r of d.readings!) expect(r.decisions.length).toBeGreaterThan(0);
    expect(d.toVerify.join(' ')).toMatch(/RAPO \(visa D\. 312-4/);
  });

  it('visa RAPO ending on a Sunday', () => {
    // Notified Friday 9 Jan 2026 + 30 days = Sunday 8 Feb; extended → Monday 9 Feb; franc → 9 Feb (Monday).
    expect(rapo('refus_visa', '2026-01-09').readings!.map((r) => r.due)).toEqual(['2026-02-08', '2026-02-09', '2026-02-09']);
  });

  it('naturalisation RAPO ending on a holiday: the non-franc reading first', () => {
    // Notified Friday 11 Sept 2026 + 2 months = Wednesday 11 Nov (Armistice): non franc 11 Nov;
    // extended → Thursday 12 Nov; franc → 12 Nov (and 12 Sept + 2 months = 12 Nov too), a working day.
    const d = rapo('naturalisation_refus', '2026-09-11');
    expect(d.due).toBe('2026-11-11');
    expect(d.readings!.map((r) => [r.label, r.due])).toEqual([
      ['Décret 93-1362 art. 45 : 2 mois, délai non franc, non prorogé', '2026-11-11'],
      ['Décret 93-1362 art. 45 : 2 mois, délai non franc, prorogé au premier jour ouvrable suivant', '2026-11-12'],
      ['Décret 93-1362 art. 45 : 2 mois, délai franc, prorogé au premier jour ouvrable suivant', '2026-11-12'],
    ]);
    expect(d.readings![2]!.decisions[0]).toMatch(/CE Sect\. 4 juin 1954/);
  });

  it('naturalisation RAPO ending on a Saturday', () => {
    // Notified Monday 17 Aug 2026 + 2 months = Saturday 17 Oct: non franc 17 Oct; extended → Monday
    // 19 Oct; franc → Sunday 18 Oct → Monday 19 Oct.
    expect(rapo('naturalisation_refus', '2026-08-17').readings!.map((r) => r.due)).toEqual(['2026-10-17', '2026-10-19', '2026-10-19']);
  });
});
