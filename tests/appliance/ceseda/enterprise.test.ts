import { describe, expect, it } from 'vitest';
import { runAnalysis, type PastCase } from '../../../appliance/src/domain/ceseda/index.js';
import type { CaseFacts } from '../../../appliance/src/domain/ceseda/facts.js';

const NOW = new Date('2026-11-24T10:00:00Z');

/** Seeded PRNG (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * A cabinet whose record differs from the national averages: it wins far more often when it has
 * found a defect and far less when public order is alleged, and family ties matter little before
 * its courts. Outcomes are drawn from these known coefficients.
 */
function syntheticCabinet(n: number, seed: number): PastCase[] {
  const r = rng(seed);
  const ties = ['none', 'weak', 'moderate', 'strong'] as const;
  const cases: PastCase[] = [];
  for (let i = 0; i < n; i += 1) {
    const facts: CaseFacts = {
      proceduralDefectIdentified: r() < 0.3,
      familyTiesInFrance: ties[Math.floor(r() * 4)]!,
      childrenInFrance: Math.floor(r() * 3),
      yearsOfResidence: Math.floor(r() * 16),
      publicOrderThreat: r() < 0.2,
      criminalConviction: r() < 0.2,
      previousOqtfNotExecuted: r() < 0.25,
      employmentContract: r() < 0.4 ? 'cdi' : 'none',
    };
    const z =
      -0.4 +
      2.2 * Number(facts.proceduralDefectIdentified) +
      0.1 * Number(facts.familyTiesInFrance === 'strong') -
      2.8 * Number(facts.publicOrderThreat) +
      1.2 * Number(facts.yearsOfResidence! >= 10);
    cases.push({ id: `case-${i}`, procedure: 'oqtf', facts, outcome: r() < sigmoid(z) ? 'won' : 'lost' });
  }
  return cases;
}

describe('ceseda-enterprise-v1 calibration on the cabinet’s closed cases', () => {
  const facts = { proceduralDefectIdentified: true, familyTiesInFrance: 'weak', publicOrderThreat: false, yearsOfResidence: 12 };

  it('beats the pro model’s Brier score on held-out synthetic cases and uses the calibrated estimate', () => {
    const r = runAnalysis({
      model: 'ceseda-enterprise-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-20',
      facts,
      now: NOW,
      threshold: 0.87,
      pastCases: syntheticCabinet(1500, 42),
    });
    const c = r.calibration!;
    expect(c.heldOutCases).toBeGreaterThan(200);
    expect(c.brierCalibrated!).toBeLessThan(c.brierPro!);
    expect(c.used).toBe(true);
    const comma = (n: number | null) => String(n).replace('.', ',');
    expect(c.reason).toBe(
      `Modèle calibré sur ${c.trainCases} dossiers clos du cabinet ; score de Brier sur ${c.heldOutCases} dossiers de validation : ${comma(c.brierCalibrated)}, contre ${comma(c.brierPro)} pour le modèle standard (plus bas est meilleur).`,
    );
    const e = r.estimate!;
    if ('unavailable' in e) throw new Error('expected an estimate');
    expect(e.model).toBe('ceseda-enterprise-v1');
    // True probability for these facts: sigmoid(-0.4 + 2.2 + 1.2) ≈ 0.95.
    expect(e.range.low).toBeLessThanOrEqual(0.95);
    expect(e.range.high).toBeGreaterThanOrEqual(0.95);
    expect(e.probability).toBeGreaterThanOrEqual(0.85);
  });

  it('refits when a closed case changes (the fit is reused only for the same closed cases)', () => {
    const past = syntheticCabinet(600, 11);
    const input = {
      model: 'ceseda-enterprise-v1' as const,
      procedure: 'oqtf' as const,
      decisionNotifiedAt: '2026-11-20',
      facts,
      now: NOW,
      threshold: 0.87,
    };
    const first = runAnalysis({ ...input, pastCases: past }).calibration!;
    expect(runAnalysis({ ...input, pastCases: past.map((c) => ({ ...c, facts: { ...c.facts } })) }).calibration).toEqual(first);
    const flipped = past.map((c, i) => (i % 3 === 0 ? { ...c, outcome: c.outcome === 'won' ? ('lost' as const) : ('won' as const) } : c));
    const second = runAnalysis({ ...input, pastCases: flipped }).calibration!;
    expect([second.brierPro, second.brierCalibrated]).not.toEqual([first.brierPro, first.brierCalibrated]);
  });

  it('keeps the pro model, saying why, while there are too few closed cases', () => {
    const past = syntheticCabinet(30, 7);
    const won = past.filter((c) => c.outcome === 'won').length;
    const r = runAnalysis({
      model: 'ceseda-enterprise-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-20',
      facts,
      now: NOW,
      threshold: 0.87,
      pastCases: past,
    });
    expect(r.calibration!.used).toBe(false);
    expect(r.calibration!.reason).toBe(
      `Trop peu de dossiers clos dont l’issue est connue (30, dont ${won} ${won <= 1 ? 'gagné' : 'gagnés'} ; il en faut 40, dont au moins 8 gagnés et 8 perdus) : l’estimation du modèle standard (ceseda-pro-v1) est conservée.`,
    );
    const e = r.estimate!;
    if ('unavailable' in e) throw new Error('expected an estimate');
    expect(e.model).toBe('ceseda-pro-v1');
  });

  it('lists the most similar past cases of the same procedure, open cases included', () => {
    const past = syntheticCabinet(50, 3);
    past.push(
      { id: 'twin', procedure: 'oqtf', facts: { ...facts }, outcome: null },
      { id: 'other-procedure', procedure: 'refus_visa', facts: { ...facts }, outcome: 'won' },
    );
    const r = runAnalysis({
      model: 'ceseda-enterprise-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-20',
      facts,
      now: NOW,
      threshold: 0.87,
      pastCases: past,
    });
    expect(r.similarCases![0]).toMatchObject({ id: 'twin', similarity: 1, outcome: null });
    expect(r.similarCases!.map((s) => s.id)).not.toContain('other-procedure');
    expect(r.similarCases!.length).toBe(5);
  });

  it('pro output never includes similar cases or calibration', () => {
    const r = runAnalysis({
      model: 'ceseda-pro-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-20',
      facts,
      now: NOW,
      threshold: 0.87,
      pastCases: syntheticCabinet(100, 1),
    });
    expect(r).not.toHaveProperty('similarCases');
    expect(r).not.toHaveProperty('calibration');
  });
});
