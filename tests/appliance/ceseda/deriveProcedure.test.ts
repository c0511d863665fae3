/**
 * The procedure derived from the answers of the new-case form: a refusal of a titre that came with
 * an OQTF is an OQTF case (CESEDA L. 911-1, L. 921-1, L. 921-2 by the person's situation), an OQTF
 * procedure follows the liberty status answered, and an unanswered question never changes a choice.
 */
import { describe, expect, it } from 'vitest';
import { deriveProcedure } from '../../../appliance/src/domain/ceseda/deriveProcedure.js';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';

describe('deriveProcedure', () => {
  const refusals = ['refus_titre_sejour', 'refus_renouvellement_titre', 'retrait_titre_sejour'] as const;

  it.each(refusals)('%s with an OQTF becomes the OQTF procedure for each liberty status', (chosen) => {
    expect(deriveProcedure(chosen, { oqtfAccompanies: true })).toEqual({
      procedure: 'oqtf',
      reason: 'refusal_with_oqtf',
      article: 'CESEDA L. 911-1 ; R. 614-1 (refus de séjour notifié avec l’OQTF)',
    });
    expect(deriveProcedure(chosen, { oqtfAccompanies: true, libertyStatus: 'free' }).procedure).toBe('oqtf');
    expect(deriveProcedure(chosen, { oqtfAccompanies: true, libertyStatus: 'assignation_residence' })).toMatchObject({
      procedure: 'oqtf_assignation_residence',
      article: expect.stringMatching(/^CESEDA L\. 921-1 ;/),
    });
    expect(deriveProcedure(chosen, { oqtfAccompanies: true, libertyStatus: 'detention' }).procedure).toBe('oqtf_detention');
    expect(deriveProcedure(chosen, { oqtfAccompanies: true, libertyStatus: 'retention' })).toMatchObject({
      procedure: 'oqtf_retention',
      article: expect.stringMatching(/^CESEDA L\. 921-2 ;/),
    });
  });

  it.each(refusals)('%s without an OQTF, or with the question unanswered, stays as chosen', (chosen) => {
    expect(deriveProcedure(chosen, { oqtfAccompanies: false })).toEqual({ procedure: chosen });
    expect(deriveProcedure(chosen, { oqtfAccompanies: false, libertyStatus: 'retention' })).toEqual({ procedure: chosen });
    expect(deriveProcedure(chosen, {})).toEqual({ procedure: chosen });
  });

  it('moves an OQTF procedure to the one of the liberty status answered', () => {
    expect(deriveProcedure('oqtf', { libertyStatus: 'retention' })).toEqual({
      procedure: 'oqtf_retention',
      reason: 'liberty_status',
      article: 'CESEDA L. 921-2',
    });
    expect(deriveProcedure('oqtf_retention', { libertyStatus: 'free' })).toMatchObject({ procedure: 'oqtf', reason: 'liberty_status' });
    expect(deriveProcedure('oqtf_detention', { libertyStatus: 'assignation_residence' }).procedure).toBe('oqtf_assignation_residence');
    // Consistent answers, or none: the choice stands with no reason.
    expect(deriveProcedure('oqtf_retention', { libertyStatus: 'retention', oqtfAccompanies: true })).toEqual({
      procedure: 'oqtf_retention',
    });
    expect(deriveProcedure('oqtf_detention', {})).toEqual({ procedure: 'oqtf_detention' });
  });

  it('gives the OQTF procedure when none was chosen but an OQTF was answered, and nothing otherwise', () => {
    expect(deriveProcedure(undefined, { oqtfAccompanies: true, libertyStatus: 'detention' })).toEqual({
      procedure: 'oqtf_detention',
      reason: 'oqtf_without_procedure',
      article: 'CESEDA L. 921-1',
    });
    expect(deriveProcedure(undefined, { oqtfAccompanies: false })).toEqual({ procedure: undefined });
    expect(deriveProcedure(undefined, {})).toEqual({ procedure: undefined });
  });

  it('leaves the procedures an OQTF does not accompany as chosen, whatever the answers', () => {
    for (const chosen of ['refus_visa', 'naturalisation_refus', 'asile_rejet_ofpra', 'expulsion', 'transfert_dublin'] as const)
      expect(deriveProcedure(chosen, { oqtfAccompanies: true, libertyStatus: 'retention' })).toEqual({ procedure: chosen });
  });

  it('turns the two months of a refusal into the one month of the OQTF it came with', () => {
    // Notified Monday 2 March 2026. Refusal alone: 2 months franc (CJA R. 421-1) → échéance
    // 2 May, dernier jour utile Sunday 3 May 2026 → extended to Monday 4 May (CPC 642). With an
    // OQTF (person at liberty): 1 month franc (L. 911-1) → échéance 2 April, dernier jour utile
    // Friday 3 April 2026.
    const contentieux = (procedure: 'refus_titre_sejour' | 'oqtf') =>
      computeDeadlines(procedure, '2026-03-02').find((d) => d.remedy === 'recours_contentieux')?.due;
    expect(contentieux('refus_titre_sejour')).toBe('2026-05-04');
    const derived = deriveProcedure('refus_titre_sejour', { oqtfAccompanies: true, libertyStatus: 'free' }).procedure;
    expect(derived).toBe('oqtf');
    expect(contentieux(derived as 'oqtf')).toBe('2026-04-03');
  });
});
