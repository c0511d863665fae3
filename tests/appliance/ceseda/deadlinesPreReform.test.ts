/**
 * Decisions taken before loi n° 2024-42 (art. 86 IV: the livre IX time limits apply to decisions
 * taken from 15 July 2024): the former time limits, chosen by the day the decision was taken, both
 * regimes when that day is unknown and the notification came soon after the reform. Every date is
 * computed by hand below (weekdays from a calendar: 1 July 2024 was a Monday).
 */
import { ValidationError } from '@iamanager/protocol';
import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';

const contentieux = (deadlines: ReturnType<typeof computeDeadlines>) => deadlines.find((d) => d.remedy === 'recours_contentieux')!;

describe('decisions taken before 15 July 2024', () => {
  it('applies the former time limits to a decision notified before the reform, every reading earliest first', () => {
    // Notified Wednesday 10 July 2024, time unknown (so taken before 15 July):
    // - OQTF sans délai: 48 h from 00:00 (summer time) → Friday 12 July 2024 00:00 +02:00;
    // - 15 days franc: 10 + 15 = Thursday 25 July, franc → Friday 26 July;
    // - 30 days franc: 10 July + 30 = Friday 9 Aug, franc → Saturday 10 Aug → Monday 12 Aug.
    const d = contentieux(computeDeadlines('oqtf', '2024-07-10'));
    expect(d.regime?.applied).toBe('ancien');
    expect(d.due).toBe('2024-07-12T00:00:00+02:00');
    expect(d.readings!.map((r) => [r.due, r.regime])).toEqual([
      ['2024-07-12T00:00:00+02:00', 'ancien'],
      ['2024-07-26', 'ancien'],
      ['2024-08-12', 'ancien'],
    ]);
    expect(d.readings![1]!.decisions).toEqual(['CE avis 30 juil. 2021 n° 452878 (délai de 15 jours contre l’OQTF : franc)']);
    expect(d.assumptions).toContain('hour_unknown');
    expect(d.computation[0]).toBe(
      'Décision notifiée avant le lundi 15 juillet 2024, donc prise avant cette date : les délais antérieurs à la loi n° 2024-42 s’appliquent (art. 86 IV).',
    );
    expect(d.legalBasis).toMatch(/Ancien CESEDA L\. 614-1/);
    expect(d.toVerify.join(' ')).toMatch(/Régime antérieur au 15 juillet 2024/);
  });

  it('applies the former time limits to a decision taken before and notified after the reform', () => {
    // Taken Friday 12 July 2024, notified Monday 22 July 2024 at 10:15:
    // - 48 h → Wednesday 24 July 10:15 +02:00;
    // - 15 days: 22 July + 15 = Tuesday 6 Aug, franc → Wednesday 7 Aug;
    // - 30 days: 22 July + 30 = Wednesday 21 Aug, franc → Thursday 22 Aug.
    // (The 2024 regime would have given L. 911-1: one month franc → Friday 23 Aug: not shown.)
    const d = contentieux(computeDeadlines('oqtf', '2024-07-22T10:15', { decisionTakenOn: '2024-07-12' }));
    expect(d.regime?.applied).toBe('ancien');
    expect(d.readings!.map((r) => r.due)).toEqual(['2024-07-24T10:15:00+02:00', '2024-08-07', '2024-08-22']);
    expect(d.computation[0]).toBe(
      'Décision prise le vendredi 12 juillet 2024, avant le lundi 15 juillet 2024 : les délais antérieurs à la loi n° 2024-42 s’appliquent (art. 86 IV), quelle que soit la date de notification.',
    );
    expect(d.assumptions).toEqual([]);
  });

  it('applies L. 911-1 to a decision taken on the day of the reform', () => {
    // Taken Monday 15 July 2024, notified Tuesday 16 July: one month franc → 16 Aug, franc →
    // Saturday 17 Aug → Monday 19 Aug.
    const d = contentieux(computeDeadlines('oqtf', '2024-07-16', { decisionTakenOn: '2024-07-15' }));
    expect(d.regime?.applied).toBe('loi_2024');
    expect(d.due).toBe('2024-08-19');
    expect(d.readings).toBeUndefined();
    expect(d.computation[0]).toMatch(
      /^Décision prise le lundi 15 juillet 2024, à compter du lundi 15 juillet 2024 : délais issus de la loi n° 2024-42/,
    );
  });

  it('shows both regimes, earliest first, and asks for the decision’s date when it is unknown and the notification came soon after the reform', () => {
    // Notified Saturday 20 July 2024, decision date unknown:
    // - former, 48 h from 00:00 → Monday 22 July 00:00 +02:00;
    // - former, 15 days: 20 July + 15 = Sunday 4 Aug, franc → Monday 5 Aug;
    // - former, 30 days: 20 July + 30 = Monday 19 Aug, franc → Tuesday 20 Aug;
    // - L. 911-1: 20 Aug, franc → Wednesday 21 Aug.
    const d = contentieux(computeDeadlines('oqtf', '2024-07-20'));
    expect(d.regime?.applied).toBe('les_deux');
    expect(d.due).toBe('2024-07-22T00:00:00+02:00');
    expect(d.readings!.map((r) => [r.due, r.regime])).toEqual([
      ['2024-07-22T00:00:00+02:00', 'ancien'],
      ['2024-08-05', 'ancien'],
      ['2024-08-20', 'ancien'],
      ['2024-08-21', 'loi_2024'],
    ]);
    expect(d.readings![3]!.label).toBe('décision prise à compter du 15 juillet 2024 — L. 911-1 : 1 mois, délai franc');
    expect(d.assumptions).toEqual(['decision_date_unknown', 'hour_unknown']);
    expect(d.computation[0]).toMatch(/indiquer la date de la décision \(facts\.decisionTakenOn\)\.$/);
  });

  it('presumes the 2024 regime for a notification more than three months after the reform, unless the decision’s date says otherwise', () => {
    // Notified Monday 4 Nov 2024: L. 911-1 → 4 Dec, franc → Thursday 5 Dec.
    const presumed = contentieux(computeDeadlines('oqtf', '2024-11-04'));
    expect(presumed.regime?.applied).toBe('loi_2024');
    expect(presumed.due).toBe('2024-12-05');
    expect(presumed.regime?.reason).toMatch(/si elle a été prise avant, indiquer sa date/);
    // Taken 1 July 2024: former limits; the earliest is 48 h from 00:00 (winter time) → Wednesday 6 Nov 00:00 +01:00.
    const old = contentieux(computeDeadlines('oqtf', '2024-11-04', { decisionTakenOn: '2024-07-01' }));
    expect(old.regime?.applied).toBe('ancien');
    expect(old.due).toBe('2024-11-06T00:00:00+01:00');
  });

  it('applies the former 48 hours to an assigned person and the former Dublin 15 days non franc', () => {
    // Assigned, taken and notified Monday 3 June 2024 at 09:00 → Wednesday 5 June 09:00 (2024 regime: 7 days).
    const assigned = contentieux(computeDeadlines('oqtf_assignation_residence', '2024-06-03T09:00', { decisionTakenOn: '2024-06-03' }));
    expect(assigned.due).toBe('2024-06-05T09:00:00+02:00');
    expect(assigned.readings).toBeUndefined();
    // Dublin, notified Monday 6 May 2024: 6 + 15 = Tuesday 21 May, non franc, not extended.
    const dublin = contentieux(computeDeadlines('transfert_dublin', '2024-05-06'));
    expect(dublin.due).toBe('2024-05-21');
    expect(dublin.legalBasis).toMatch(/Ancien CESEDA L\. 572-4/);
  });

  it('leaves the procedures the reform did not change on their one regime', () => {
    // Refusal of a titre without OQTF, notified Monday 1 July 2024: 2 months → Sunday 1 Sept,
    // franc → Monday 2 Sept.
    const d = contentieux(computeDeadlines('refus_titre_sejour', '2024-07-01'));
    expect(d.due).toBe('2024-09-02');
    expect(d.regime).toBeUndefined();
  });

  it('refuses a decision taken after it was notified, naming the fact', () => {
    expect(() => computeDeadlines('oqtf', '2024-07-10', { decisionTakenOn: '2024-07-11' })).toThrow(ValidationError);
    expect(() => computeDeadlines('oqtf', '2024-07-10', { decisionTakenOn: '2024-07-11' })).toThrow(
      /^facts\.decisionTakenOn: \(2024-07-11\) is after the notification/,
    );
  });
});

describe('a refusal of a titre notified with an OQTF', () => {
  it('follows the OQTF’s time limits, in either regime', () => {
    // Notified Monday 2 March 2026, decision of 2026: L. 911-1, 2 April, franc → Friday 3 April
    // (without the OQTF: 2 months franc → Sunday 3 May → Monday 4 May).
    const alone = contentieux(computeDeadlines('refus_titre_sejour', '2026-03-02'));
    expect(alone.due).toBe('2026-05-04');
    const withOqtf = contentieux(computeDeadlines('refus_titre_sejour', '2026-03-02', { oqtfAccompanies: true }));
    expect(withOqtf.due).toBe('2026-04-03');
    expect(withOqtf.legalBasis).toMatch(/L\. 911-1/);
    expect(withOqtf.notes[0]).toMatch(/^Le refus de titre de séjour a été notifié avec une OQTF/);
    // Taken and notified Wednesday 10 July 2024 at 10:00: former limits, earliest 48 h → Friday 12 July 10:00.
    const old = contentieux(
      computeDeadlines('refus_renouvellement_titre', '2024-07-10T10:00', { oqtfAccompanies: true, decisionTakenOn: '2024-07-10' }),
    );
    expect(old.regime?.applied).toBe('ancien');
    expect(old.due).toBe('2024-07-12T10:00:00+02:00');
  });
});

describe('a registered letter presented before the reform', () => {
  it('applies the former limits when the letter was first presented before 15 July 2024, though collected after', () => {
    // Presented Wednesday 10 July 2024, collected Tuesday 16 July (within the holding period, until
    // 25 July): notified 16 July, but the decision existed by 10 July → former limits only.
    // 16 July + 15 = Wednesday 31 July, franc → Thursday 1 Aug; 30 days: Thursday 15 Aug (Assomption), franc → Friday 16 Aug;
    // 48 h from 16 July 00:00 → Thursday 18 July 00:00 +02:00.
    const d = contentieux(
      computeDeadlines('oqtf', null, {
        notificationMode: 'registered_letter',
        letterFirstPresentedOn: '2024-07-10',
        letterCollectedOn: '2024-07-16',
      }),
    );
    expect(d.regime?.applied).toBe('ancien');
    expect(d.readings!.map((r) => r.due)).toEqual(['2024-07-18T00:00:00+02:00', '2024-08-01', '2024-08-16']);
  });
});
