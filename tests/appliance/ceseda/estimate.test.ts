import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/index.js';
import {
  BASE_RATES,
  FACTORS,
  describe as describeEstimate,
  verdictOf,
  type Estimate,
} from '../../../appliance/src/domain/ceseda/estimate.js';
import type { ProcedureCode } from '../../../appliance/src/domain/ceseda/procedures.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const DEFAULT_THRESHOLD = 0.87;

/**
 * Every favourable fact known present and every unfavourable one known absent: married to a French
 * national with the conditions of the carte de plein droit (L. 423-1) met, a defect found in the
 * decision, strong family ties, two children, twelve years in France, a serious illness without
 * treatment at home, a CDI; no public-order threat, conviction or earlier OQTF.
 */
const MOST_FAVOURABLE = {
  marriedToFrenchNational: true,
  communityOfLifeOngoing: true,
  spouseStillFrench: true,
  marriedInFrance: true,
  longStayVisa: true,
  polygamy: false,
  proceduralDefectIdentified: true,
  familyTiesInFrance: 'strong',
  childrenInFrance: 2,
  yearsOfResidence: 12,
  seriousHealthCondition: true,
  treatmentUnavailableInCountry: true,
  employmentContract: 'cdi',
  publicOrderThreat: false,
  criminalConviction: false,
  previousOqtfNotExecuted: false,
};

/** A common file: some ties, a child, six years in France, a CDD, nothing found in the decision. */
const ORDINARY = {
  familyTiesInFrance: 'moderate',
  childrenInFrance: 1,
  yearsOfResidence: 6,
  employmentContract: 'cdd',
  seriousHealthCondition: false,
  proceduralDefectIdentified: false,
  publicOrderThreat: false,
  criminalConviction: false,
  previousOqtfNotExecuted: false,
};

function estimate(procedure: ProcedureCode, facts: object, threshold = DEFAULT_THRESHOLD): Estimate {
  const e = runAnalysis({ model: 'ceseda-pro-v1', procedure, decisionNotifiedAt: '2026-11-20', facts, now: NOW, threshold }).estimate;
  if (e === undefined || 'unavailable' in e) throw new Error('expected an estimate');
  return e;
}

describe('the verdict at the cabinet’s threshold (PREDICTION_THRESHOLD)', () => {
  it('reaches "dossier solide" at the default 0.87 with the most favourable facts', () => {
    const e = estimate('oqtf', MOST_FAVOURABLE);
    expect(e.raisedBy).toHaveLength(7);
    expect(e.loweredBy).toEqual([]);
    expect(e.unknown).toEqual([]);
    // By hand: logit(0.19) = −1.450; + the seven favourable priors 1.2 + 0.9 + 0.8 + 0.4 + 0.6 + 0.7
    // + 0.3 = 4.9 → z = 3.450, σ(z) = 96.9 %, shown 95 % (the cap). Variance on the logit scale:
    // 0.2² + 0.25 × (1.44 + 0.81 + 0.64 + 0.16 + 0.36 + 0.49 + 0.09) = 0.04 + 0.9975 = 1.0375, se = 1.019;
    // low end σ(3.450 − 1.96 × 1.019) = σ(1.453) = 81.0 % → 80 % (down to 5 points). The whole range
    // never reaches 87 %, which is why the first version's rule (low end ≥ threshold) never said
    // "solide"; the estimate reaches 87 % and the low end stays above 50 %.
    expect(e.probability).toBe(0.95);
    expect(e.range).toEqual({ low: 0.8, high: 0.95 });
    expect(e.strongCase).toBe(true);
    expect(e.verdict).toBe(
      'Dossier solide : l’estimation (95 %) atteint le seuil du cabinet (87 %) et la borne basse de la fourchette (80 %) reste d’au moins 50 %.',
    );
    expect(e.wideRange).toBe(false);
    expect(e.rangeNote).toBeNull();
  });

  it('does not call ordinary facts solid, nor a promising file with much unknown', () => {
    // By hand: only "enfants résidant en France" (+0.4) is present: z = −1.450 + 0.4 = −1.050,
    // σ(z) = 25.9 % → 25 %, far below 87 %.
    const ordinary = estimate('oqtf', ORDINARY);
    expect(ordinary.probability).toBe(0.25);
    expect(ordinary.strongCase).toBe(false);
    expect(ordinary.verdict).toBe('Dossier en deçà du seuil du cabinet (87 %) : probabilité estimée à 25 %.');
    // Entitled, a defect, strong ties and children, five facts unknown: z = −1.450 + 1.2 + 0.9 + 0.8 +
    // 0.4 = 1.850, σ = 86.4 % → 85 %, under 87 %; the range reaches it, so "incertaine".
    const promising = estimate('oqtf', {
      ...MOST_FAVOURABLE,
      yearsOfResidence: undefined,
      seriousHealthCondition: undefined,
      employmentContract: undefined,
      criminalConviction: undefined,
      previousOqtfNotExecuted: undefined,
    });
    expect(promising.probability).toBe(0.85);
    expect(promising.strongCase).toBe(false);
    expect(promising.verdict).toMatch(/^Issue incertaine : la fourchette \(\d+ % à 95 %\) encadre le seuil du cabinet \(87 %\)\.$/);
  });

  it('says "incertaine" when the estimate reaches the threshold but the range falls below even odds', () => {
    const base = { p: 0.5, logitSe: 0, source: 'test' };
    // z = 2.2 → σ = 90.0 % → 90 % ≥ 87 %; se = 1.2 → low σ(2.2 − 2.352) = σ(−0.152) = 46.2 % → 45 % < 50 %.
    const e = describeEstimate('ceseda-pro-v1', 2.2, 1.2, 0.87, base, [], [], []);
    expect([e.probability, e.range.low]).toEqual([0.9, 0.45]);
    expect(e.strongCase).toBe(false);
    expect(e.verdict).toBe(
      'Issue incertaine : l’estimation (90 %) atteint le seuil du cabinet (87 %), mais la borne basse de la fourchette (45 %) est sous 50 %.',
    );
  });

  it('says a threshold above the 95 % cap can never be reached, and how to fix it', () => {
    const e = estimate('oqtf', MOST_FAVOURABLE, 0.97);
    expect(e.strongCase).toBe(false);
    expect(e.verdict).toBe(
      'Dossier en deçà du seuil du cabinet (97 %) : probabilité estimée à 95 %. Le seuil du cabinet dépasse 95 %, plafond de toute estimation : aucun dossier ne peut l’atteindre ; abaissez PREDICTION_THRESHOLD.',
    );
    expect(estimate('oqtf', MOST_FAVOURABLE, 0.95).verdict).not.toContain('PREDICTION_THRESHOLD');
  });

  it('asks the low end to reach the threshold itself when the cabinet sets it under 50 %', () => {
    expect(verdictOf(0.45, 0.35, 0.6, 0.4)).toBe('uncertain_low_end');
    expect(verdictOf(0.45, 0.4, 0.6, 0.4)).toBe('strong_range');
    expect(verdictOf(0.9, 0.5, 0.95, 0.87)).toBe('strong');
    expect(verdictOf(0.85, 0.6, 0.95, 0.87)).toBe('uncertain');
    expect(verdictOf(0.8, 0.6, 0.85, 0.87)).toBe('below');
  });
});

describe('caps: never 0 % nor 100 % for a court’s decision', () => {
  const base = { p: 0.5, logitSe: 0, source: 'test' };

  it('keeps the estimate and both ends of the range between 5 % and 95 %', () => {
    for (const z of [-12, -4, 0, 4, 12]) {
      for (const se of [0, 0.5, 3]) {
        const e = describeEstimate('ceseda-pro-v1', z, se, 0.87, base, [], [], []);
        for (const p of [e.probability, e.range.low, e.range.high]) {
          expect(p).toBeGreaterThanOrEqual(0.05);
          expect(p).toBeLessThanOrEqual(0.95);
        }
        expect(e.verdict).not.toMatch(/\b(0|100) %/);
      }
    }
    // σ(12) rounds to 100 %, σ(−12) to 0 %: shown 95 % and 5 %, with the range said.
    expect(describeEstimate('ceseda-pro-v1', 12, 0.1, 0.87, base, [], [], [])).toMatchObject({
      probability: 0.95,
      range: { low: 0.95, high: 0.95 },
    });
    expect(describeEstimate('ceseda-pro-v1', -12, 0.1, 0.87, base, [], [], [])).toMatchObject({
      probability: 0.05,
      range: { low: 0.05, high: 0.05 },
    });
  });

  it('caps the most unfavourable real case at 5 % and says why in the caveats', () => {
    // By hand: z = −1.450 − 1.2 − 0.6 − 0.5 = −3.750, σ = 2.3 %, which would round to 0 %: shown 5 %.
    const e = estimate('oqtf', {
      ...ORDINARY,
      childrenInFrance: 0,
      publicOrderThreat: true,
      criminalConviction: true,
      previousOqtfNotExecuted: true,
    });
    expect(e.probability).toBe(0.05);
    expect(e.range.low).toBe(0.05);
    expect(e.caveats).toContain('Aucune issue juridictionnelle n’est certaine : l’estimation et la fourchette restent entre 5 % et 95 %.');
  });
});

describe('a wide range is said in words, with the unknown facts that would narrow it', () => {
  it('calls 5–60 % almost meaningless and lists every unknown fact, the most narrowing first', () => {
    // By hand, OQTF with nothing known: z = logit(0.19) = −1.450; variance 0.2² + Σ (0.04 + (0.5β)²/4)
    // over the ten factors = 0.04 + 0.4 + (1.44+0.81+0.64+0.16+0.36+0.49+0.09+1.44+0.36+0.25)/16
    // = 0.44 + 0.3775 = 0.8175, se = 0.904; low σ(−1.450 − 1.772) = 3.8 % → 0 % → capped at 5 %;
    // high σ(−1.450 + 1.772) = 58.0 % → 60 %.
    const e = estimate('oqtf', {});
    expect(e.range).toEqual({ low: 0.05, high: 0.6 });
    expect(e.wideRange).toBe(true);
    // Ordered by the variance each adds, 0.04 + (0.5β)²/4, i.e. by |β|; a tie keeps the model's order.
    expect(e.unknown.map((u) => u.factor)).toEqual([
      'entitled_de_plein_droit', // 1.2
      'public_order_threat', // −1.2
      'procedural_defect', // 0.9
      'strong_family_ties', // 0.8
      'serious_illness', // 0.7
      'ten_years_presence', // 0.6
      'criminal_conviction', // −0.6
      'unexecuted_oqtf', // −0.5
      'children_in_france', // 0.4
      'stable_employment', // 0.3
    ]);
    expect(e.unknown[2]).toEqual({
      factor: 'procedural_defect',
      facts: ['proceduralDefectIdentified'],
      label: 'Vice relevé dans la décision (motivation, procédure, compétence)',
    });
    expect(e.unknown.find((u) => u.factor === 'serious_illness')!.facts).toEqual([
      'seriousHealthCondition',
      'treatmentUnavailableInCountry',
    ]);
    expect(e.rangeNote).toBe(
      `Fourchette très large (5 % à 60 %) : elle ne dit presque rien de l’issue du recours. Pour la resserrer, renseigner d’abord : ${e.unknown.map((u) => u.label).join(' ; ')}.`,
    );
    expect(e.rangeNote).toMatch(
      /renseigner d’abord : Conditions d’un titre de séjour de plein droit toutes remplies ; Menace pour l’ordre public invoquée ; Vice relevé/,
    );
  });

  it('says a wide range comes from the model itself when no fact is unknown', () => {
    const base = { p: 0.5, logitSe: 0, source: 'test' };
    const e = describeEstimate('ceseda-pro-v1', 0, 1.5, 0.87, base, [], [], []);
    expect(e.wideRange).toBe(true);
    expect(e.rangeNote).toBe(
      'Fourchette très large (5 % à 95 %) : elle ne dit presque rien de l’issue du recours. Elle tient à l’incertitude du taux de référence et des pondérations, non à des faits inconnus.',
    );
  });

  it('reads a serious illness whose treatment abroad is not known as unknown, not absent', () => {
    const e = estimate('oqtf', { ...MOST_FAVOURABLE, treatmentUnavailableInCountry: undefined });
    expect(e.unknown.map((u) => u.factor)).toEqual(['serious_illness']);
  });

  it('keeps a narrow range quiet', () => {
    expect(estimate('oqtf', MOST_FAVOURABLE).rangeNote).toBeNull();
  });
});

describe('base rates borrowed from another procedure', () => {
  it('flags the OQTF rate reused for Dublin, assignation and IRTF, and the all-litigation rate for visa, naturalisation and regroupement', () => {
    const borrowed = (Object.keys(BASE_RATES) as ProcedureCode[]).filter((p) => BASE_RATES[p]?.borrowed === true).sort();
    expect(borrowed).toEqual(
      [
        'assignation_residence',
        'expulsion',
        'irtf',
        'naturalisation_refus',
        'refus_renouvellement_titre',
        'refus_titre_sejour',
        'refus_visa',
        'regroupement_familial_refus',
        'retrait_titre_sejour',
        'transfert_dublin',
      ].sort(),
    );
    for (const own of [
      'oqtf',
      'oqtf_retention',
      'oqtf_detention',
      'oqtf_assignation_residence',
      'refus_entree_asile',
      'asile_rejet_ofpra',
    ] as const)
      expect(BASE_RATES[own]!.borrowed).toBeUndefined();
    expect(estimate('transfert_dublin', ORDINARY).baseRate).toMatchObject({ p: 0.19, borrowed: true });
    expect(estimate('oqtf', ORDINARY).baseRate.borrowed).toBe(false);
  });

  it('widens the range of a borrowed rate against the same statistic used for its own procedure', () => {
    const own = estimate('oqtf', MOST_FAVOURABLE);
    const dublin = estimate('transfert_dublin', MOST_FAVOURABLE);
    expect(dublin.probability).toBe(own.probability);
    // By hand: Dublin adds 0.45² = 0.2025 to the OQTF variance 1.0375 → 1.24, se = 1.114; low end
    // σ(3.450 − 2.183) = σ(1.267) = 78.0 % → 75 %, against 80 % for the OQTF itself.
    expect(dublin.range).toEqual({ low: 0.75, high: 0.95 });
    expect(own.range.low).toBe(0.8);
    // Still a solid case at 0.87: the borrowed rate widens the range, it does not forbid the verdict.
    expect(dublin.strongCase).toBe(true);
  });

  it('keeps every factor tied to the case facts that settle it', () => {
    for (const f of FACTORS) expect(f.id === 'entitled_de_plein_droit' || f.facts.length > 0).toBe(true);
  });
});
