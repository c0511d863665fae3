import { describe, expect, it } from 'vitest';
import { calibrateOnCabinet, type PastCase } from '../../../appliance/src/domain/ceseda/calibration.js';
import { FACTORS, verdictOf, type Estimate } from '../../../appliance/src/domain/ceseda/estimate.js';
import type { CaseFacts } from '../../../appliance/src/domain/ceseda/facts.js';

const TODAY = '2026-11-24';
const TIES = ['none', 'weak', 'moderate', 'strong'] as const;

/**
 * A cabinet whose record is extreme: it won every OQTF where it had found a defect in the decision
 * and lost every other. Facts cycle through every combination (no randomness), so the fit is the
 * same on every run. The calibrated model then pushes towards certainty on both sides — exactly
 * what the caps must stop.
 */
function extremeCabinet(n: number): PastCase[] {
  const cases: PastCase[] = [];
  for (let i = 0; i < n; i += 1) {
    const facts: CaseFacts = {
      proceduralDefectIdentified: i % 2 === 0,
      familyTiesInFrance: TIES[Math.floor(i / 2) % 4]!,
      childrenInFrance: Math.floor(i / 8) % 3,
      yearsOfResidence: (Math.floor(i / 24) % 2) * 12,
      publicOrderThreat: Math.floor(i / 48) % 5 === 0,
      criminalConviction: Math.floor(i / 7) % 4 === 0,
      previousOqtfNotExecuted: Math.floor(i / 5) % 3 === 0,
      employmentContract: Math.floor(i / 3) % 2 === 0 ? 'cdi' : 'none',
    };
    cases.push({ id: `case-${i}`, procedure: 'oqtf', facts, outcome: facts.proceduralDefectIdentified ? 'won' : 'lost' });
  }
  return cases;
}

/** The factor vector of a case, in FACTORS order, from the factors set to 1 and those left unknown. */
function vector(present: string[], unknown: string[] = []): (0 | 1 | null)[] {
  return FACTORS.map((f) => (unknown.includes(f.id) ? null : present.includes(f.id) ? 1 : 0));
}

function calibrated(x: (0 | 1 | null)[]): Estimate {
  const r = calibrateOnCabinet('oqtf', x, extremeCabinet(400), 0.87, TODAY);
  expect(r.calibration.used).toBe(true);
  expect(r.estimate!.model).toBe('ceseda-enterprise-v1');
  return r.estimate!;
}

describe('the enterprise calibration follows the same caps and verdict rule', () => {
  it('caps a near-certain win at 95 % and calls it solid by the same rule', () => {
    const e = calibrated(vector(['procedural_defect']));
    expect(e.probability).toBe(0.95);
    expect(e.range.high).toBe(0.95);
    expect(e.range.low).toBeGreaterThanOrEqual(0.5);
    expect(e.strongCase).toBe(true);
    expect(verdictOf(e.probability, e.range.low, e.range.high, e.threshold)).toMatch(/^strong/);
    expect(e.verdict).toMatch(/^Dossier solide : /);
    expect(e.caveats).toContain('Aucune issue juridictionnelle n’est certaine : l’estimation et la fourchette restent entre 5 % et 95 %.');
  });

  it('caps a near-certain loss at 5 %', () => {
    const e = calibrated(vector([]));
    expect(e.probability).toBe(0.05);
    expect(e.range.low).toBe(0.05);
    expect(e.strongCase).toBe(false);
    expect(e.verdict).toBe('Dossier en deçà du seuil du cabinet (87 %) : probabilité estimée à 5 %.');
  });

  it('widens the range for unknown facts, the calibrated defect coefficient ranking first', () => {
    const known = calibrated(vector(['procedural_defect']));
    const unknownTies = calibrated(vector(['procedural_defect'], ['strong_family_ties', 'stable_employment']));
    expect(unknownTies.range.low).toBeLessThan(known.range.low);
    expect(unknownTies.unknown.map((u) => u.factor).sort()).toEqual(['stable_employment', 'strong_family_ties']);
    // The defect decides every case of this cabinet, so once unknown it is the fact to fill in first
    // (its calibrated coefficient is by far the largest) and the range says almost nothing.
    const unknownDefect = calibrated(vector([], ['procedural_defect', 'stable_employment']));
    expect(unknownDefect.unknown[0]!.factor).toBe('procedural_defect');
    expect(unknownDefect.unknown[0]!.facts).toEqual(['proceduralDefectIdentified']);
    expect(unknownDefect.wideRange).toBe(true);
  });
});
