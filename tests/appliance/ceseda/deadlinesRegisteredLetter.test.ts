/**
 * A decision notified by registered letter (CE 24 avril 2012 n° 341146): collected within the
 * 15-day holding period → the day of collection; never collected, or collected after → the day
 * of first presentation; collection day unknown → both ends, earliest first. OQTF of a person at
 * liberty taken in 2026 (L. 911-1, one month franc). Weekdays of 2026 checked on a calendar
 * (Easter Monday 6 April; Good Friday is a working day outside Alsace-Moselle).
 */
import { ValidationError } from '@iamanager/protocol';
import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';
import type { DeadlineContext } from '../../../appliance/src/domain/ceseda/rules.js';

const letter = (facts: DeadlineContext, notified: string | null = null) =>
  computeDeadlines('oqtf', notified, { notificationMode: 'registered_letter', decisionTakenOn: '2026-02-20', ...facts }).find(
    (d) => d.remedy === 'recours_contentieux',
  )!;

describe('notification by registered letter', () => {
  it('counts from the day of collection within the holding period', () => {
    // Presented Monday 2 March 2026, held until 2 + 15 = Tuesday 17 March; collected Thursday 12 March.
    // 12 March + 1 month = Sunday 12 April, franc → Monday 13 April.
    const d = letter({ letterFirstPresentedOn: '2026-03-02', letterCollectedOn: '2026-03-12' });
    expect(d.due).toBe('2026-04-13');
    expect(d.computation[0]).toBe(
      'Pli recommandé présenté le lundi 2 mars 2026 et retiré le jeudi 12 mars 2026, dans le délai de garde de 15 jours (jusqu’au mardi 17 mars 2026) : la notification date du jour du retrait (CE 24 avril 2012 n° 341146).',
    );
    expect(d.assumptions).toEqual([]);
  });

  it('counts from the first presentation when collected after the holding period', () => {
    // Presented 2 March, collected Friday 20 March (after 17 March): from 2 March; 2 April, franc → Friday 3 April.
    const d = letter({ letterFirstPresentedOn: '2026-03-02', letterCollectedOn: '2026-03-20' });
    expect(d.due).toBe('2026-04-03');
    expect(d.computation[0]).toMatch(/retiré le vendredi 20 mars 2026, après l’expiration du délai de garde/);
  });

  it('counts from the first presentation when never collected', () => {
    const d = letter({ letterFirstPresentedOn: '2026-03-02', letterNeverCollected: true });
    expect(d.due).toBe('2026-04-03');
    expect(d.computation[0]).toMatch(/le pli n’a pas été retiré \(« pli non réclamé »\)/);
  });

  it('shows both ends when the day of collection is unknown, the first presentation first', () => {
    // From 2 March → 3 April; from the last day held, 17 March + 1 month = Friday 17 April, franc →
    // Saturday 18 April → Monday 20 April.
    const d = letter({ letterFirstPresentedOn: '2026-03-02' });
    expect(d.due).toBe('2026-04-03');
    expect(d.readings!.map((r) => [r.label, r.due])).toEqual([
      ['pli non retiré (notification à la première présentation) — L. 911-1 : 1 mois, délai franc', '2026-04-03'],
      ['pli retiré le dernier jour du délai de garde (mardi 17 mars 2026) — L. 911-1 : 1 mois, délai franc', '2026-04-20'],
    ]);
    expect(d.assumptions).toEqual(['letter_collection_unknown']);
  });

  it('counts from the collection when the first presentation is unknown, and asks for it', () => {
    const d = letter({ letterCollectedOn: '2026-03-12' });
    expect(d.due).toBe('2026-04-13');
    expect(d.assumptions).toEqual(['letter_presentation_unknown']);
    expect(d.computation[0]).toMatch(/indiquer la date de l’avis de passage\.$/);
  });

  it('prefers the letter’s legal date to a typed one, and says so', () => {
    const d = letter({ letterFirstPresentedOn: '2026-03-02', letterCollectedOn: '2026-03-12' }, '2026-03-01');
    expect(d.due).toBe('2026-04-13');
    expect(d.computation[1]).toBe(
      'La date de notification saisie (2026-03-01) n’est pas retenue : la date légale résulte des dates du pli recommandé.',
    );
  });

  it('refuses a collection before the first presentation, naming the field', () => {
    const bad = () => letter({ letterFirstPresentedOn: '2026-03-12', letterCollectedOn: '2026-03-02' });
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(/^facts\.letterCollectedOn: \(2026-03-02\) is before letterFirstPresentedOn \(2026-03-12\)/);
  });

  it('needs a notification date when the letter gives none', () => {
    expect(() => letter({})).toThrow(/^decisionNotifiedAt: is required unless facts\.notificationMode is registered_letter/);
  });
});
