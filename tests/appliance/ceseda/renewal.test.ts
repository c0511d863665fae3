/**
 * The renewal window of the client's current residence document (CESEDA R. 431-5 1°): 120th to
 * 60th day before expiry on the téléservice, the two months before expiry at the préfecture, none
 * for a récépissé; every reading of the day count, earliest first. Dates computed by hand below.
 */
import { describe, expect, it } from 'vitest';
import { computeRenewalWindow, prefectureCalendar } from '../../../appliance/src/domain/ceseda/renewal.js';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/runAnalysis.js';

describe('renewal window (R. 431-5)', () => {
  it('a title requested online: 120th to 60th day before expiry; the end on a Saturday stays (the téléservice is always open)', () => {
    // Carte expiring Wednesday 30 June 2027. Counting back: 30 days → 31 May, 61 → 30 April,
    // 91 → 31 March, 120 → Tuesday 2 March 2027; 60 → Saturday 1 May 2027 (also the Fête du Travail).
    // Counting the expiry day as the first preceding one: 3 March to Sunday 2 May 2027.
    const w = computeRenewalWindow(
      { residencePermitKind: 'carte_sejour_temporaire', residencePermitExpiresOn: '2027-06-30', residencePermitRenewalOnline: true },
      {},
    )!;
    expect(w.opensOn).toBe('2027-03-02');
    expect(w.closesOn).toBe('2027-05-01');
    expect(w.readings.map((r) => [r.opensOn, r.closesOn])).toEqual([
      ['2027-03-02', '2027-05-01'],
      ['2027-03-03', '2027-05-02'],
    ]);
    expect(w.readings[0]!.computation.join(' ')).toContain(
      'Le samedi 1er mai 2027 n’est pas un jour ouvrable (samedi), mais le téléservice reçoit les demandes tous les jours',
    );
    expect(w.label).toBe('Fenêtre de demande de renouvellement (carte de séjour temporaire expirant le mercredi 30 juin 2027)');
    expect(w.legalBasis).toContain('CESEDA R. 431-5 1°');
    expect(w.lateRequest.join('\n')).toContain('droit de visa de régularisation de 180 €');
    expect(w.lateRequest.join('\n')).toContain('R. 431-15-1 al. 2');
    expect(w.coverAfterExpiry).toBeNull();
  });

  it('a title requested at the préfecture: the two months before expiry, narrowed to working days at both ends', () => {
    // Carte expiring Monday 1 March 2027. Two months before: Friday 1 January 2027 (Jour de l’An),
    // then Saturday 2 and Sunday 3 → first filing day Monday 4 January. Last day the eve of
    // expiry, Sunday 28 February → Saturday 27 → Friday 26 February 2027.
    // Other reading (last day of validity included): opens Saturday 2 January → Monday 4 January,
    // closes Monday 1 March 2027.
    const w = computeRenewalWindow(
      { residencePermitKind: 'carte_sejour_temporaire', residencePermitExpiresOn: '2027-03-01', residencePermitRenewalOnline: false },
      {},
    )!;
    expect([w.opensOn, w.closesOn]).toEqual(['2027-01-04', '2027-02-26']);
    expect(w.readings.map((r) => [r.opensOn, r.closesOn])).toEqual([
      ['2027-01-04', '2027-02-26'],
      ['2027-01-04', '2027-03-01'],
    ]);
    const steps = w.readings[0]!.computation.join(' ');
    expect(steps).toContain('vendredi 1er janvier 2027 (Jour de l’An), samedi 2 janvier 2027, dimanche 3 janvier 2027');
    expect(steps).toContain('déposer au plus tard le vendredi 26 février 2027');
  });

  it('when the dossier does not say whether the title is online, shows both regimes, the one closing first first', () => {
    // Expiry Wednesday 30 June 2027: online 2 March–1 May and 3 March–2 May (above); préfecture
    // Friday 30 April–Tuesday 29 June, and Saturday 1 May (→ Monday 3 May)–Wednesday 30 June.
    const w = computeRenewalWindow({ residencePermitKind: 'carte_sejour_pluriannuelle', residencePermitExpiresOn: '2027-06-30' }, {})!;
    expect(w.readings.map((r) => [r.opensOn, r.closesOn])).toEqual([
      ['2027-03-02', '2027-05-01'],
      ['2027-03-03', '2027-05-02'],
      ['2027-04-30', '2027-06-29'],
      ['2027-05-03', '2027-06-30'],
    ]);
    expect([w.opensOn, w.closesOn]).toEqual(['2027-03-02', '2027-05-01']);
    expect(w.notes.join('\n')).toContain('les deux régimes sont affichés');
    // A pluriannual card may keep its rights 3 months: until Thursday 30 September 2027.
    expect(w.coverAfterExpiry).toContain('jusqu’au jeudi 30 septembre 2027 (CESEDA L. 433-3)');
  });

  it('a préfecture in Alsace-Moselle closes on Good Friday', () => {
    // Expiry Saturday 27 March 2027: préfecture window closes the eve, Friday 26 March 2027 — Good
    // Friday (Easter 28 March 2027), a holiday in the Bas-Rhin → Thursday 25 March. In Paris: 26 March.
    const facts = {
      residencePermitKind: 'carte_sejour_temporaire' as const,
      residencePermitExpiresOn: '2027-03-27',
      residencePermitRenewalOnline: false,
    };
    expect(computeRenewalWindow(facts, prefectureCalendar({ departement: '67' }))!.closesOn).toBe('2027-03-25');
    expect(computeRenewalWindow(facts, prefectureCalendar({ departement: '75' }))!.closesOn).toBe('2027-03-26');
  });

  it('a carte de résident keeps its rights three months after expiry when renewal was asked in time', () => {
    // Expiry Wednesday 30 June 2027 + 3 months = Thursday 30 September 2027.
    const w = computeRenewalWindow({ residencePermitKind: 'carte_resident', residencePermitExpiresOn: '2027-06-30' }, {})!;
    expect(w.coverAfterExpiry).toBe(
      'Renouvellement demandé avant l’expiration : les droits attachés à la carte de résident (séjour, travail, droits sociaux) sont maintenus jusqu’à la décision du préfet, pendant 3 mois au plus, soit jusqu’au jeudi 30 septembre 2027 (CESEDA L. 433-3).',
    );
    expect(w.notes.join('\n')).toContain('résident de longue durée-UE');
  });

  it('no window for a récépissé: it says so, with the date before which to act', () => {
    const w = computeRenewalWindow({ residencePermitKind: 'recepisse', residencePermitExpiresOn: '2027-06-30' }, {})!;
    expect(w.opensOn).toBeNull();
    expect(w.closesOn).toBeNull();
    expect(w.readings).toEqual([]);
    expect(w.notes[0]).toContain('avant le mercredi 30 juin 2027');
  });

  it('nothing without an expiry date', () => {
    expect(computeRenewalWindow({ residencePermitKind: 'carte_resident' }, {})).toBeNull();
  });

  it('is in the analysis result whatever the procedure, when the permit facts are present', () => {
    const base = {
      model: 'ceseda-basic-v1' as const,
      decisionNotifiedAt: '2026-11-02',
      now: new Date('2026-12-05T10:00:00Z'),
      threshold: 0.5,
    };
    const facts = {
      residencePermitKind: 'carte_sejour_temporaire',
      residencePermitExpiresOn: '2027-06-30',
      residencePermitRenewalOnline: true,
    };
    for (const procedure of ['asile_rejet_ofpra', 'oqtf', 'demande_titre_sejour'] as const) {
      const result = runAnalysis({ ...base, procedure, facts });
      expect(result.renewalWindow?.closesOn, procedure).toBe('2027-05-01');
      expect(result.toVerify.join('\n'), procedure).toContain('R. 431-5 : le jour de l’expiration du document');
    }
    expect(runAnalysis({ ...base, procedure: 'oqtf' }).renewalWindow).toBeUndefined();
  });
});
