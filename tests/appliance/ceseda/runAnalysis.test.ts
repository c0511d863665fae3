import { describe, expect, it } from 'vitest';
import { RULES_VERSION, assertModelLicensed, runAnalysis } from '../../../appliance/src/domain/ceseda/index.js';
import { describe as describeEstimate, logit } from '../../../appliance/src/domain/ceseda/estimate.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const FACTS = {
  libertyStatus: 'free',
  marriedToFrenchNational: true,
  communityOfLifeOngoing: true,
  spouseStillFrench: true,
  marriedInFrance: true,
  longStayVisa: true,
  publicOrderThreat: false,
  polygamy: false,
  proceduralDefectIdentified: true,
  familyTiesInFrance: 'strong',
  childrenInFrance: 2,
};

describe('runAnalysis and tier gating', () => {
  it('gives basic only deadlines, checklist, rules version and what to verify', () => {
    const r = runAnalysis({
      model: 'ceseda-basic-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-01-05',
      facts: FACTS,
      now: NOW,
      threshold: 0.87,
    });
    expect(r.model).toBe('ceseda-basic-v1');
    expect(r.rulesVersion).toBe(RULES_VERSION);
    expect(r.deadlines[0]).toMatchObject({
      remedy: 'recours_contentieux',
      due: '2026-02-06',
      legalBasis: expect.stringMatching(/L\. 911-1/),
    });
    expect(r.checklist.length).toBeGreaterThan(3);
    expect(r.toVerify).toContain(
      'L. 921-1 (7 jours) : délai franc ou non franc — non franc selon CAA Lyon 19 déc. 2024 n° 24LY03013, franc selon CAA Toulouse 3 juil. 2025 n° 24TL02643 ; aucune décision du Conseil d’État n’a été trouvée.',
    );
    expect(r).not.toHaveProperty('eligibility');
    expect(r).not.toHaveProperty('estimate');
    expect(r).not.toHaveProperty('similarCases');
  });

  it('refuses a model above the license', () => {
    expect(() => assertModelLicensed('ceseda-basic-v1', 'ceseda-pro-v1')).toThrow(expect.objectContaining({ code: 'model_not_licensed' }));
    expect(() => assertModelLicensed('ceseda-pro-v1', 'ceseda-enterprise-v1')).toThrow(
      expect.objectContaining({ code: 'model_not_licensed' }),
    );
    expect(() => assertModelLicensed('ceseda-enterprise-v1', 'ceseda-pro-v1')).not.toThrow();
  });

  it('adds eligibility and an explained, rounded estimate for pro', () => {
    const r = runAnalysis({
      model: 'ceseda-pro-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-01-05',
      facts: FACTS,
      now: NOW,
      threshold: 0.87,
    });
    expect(r.eligibility!.find((t) => t.titre === 'conjoint_francais')!.outcome).toBe('eligible');
    const e = r.estimate!;
    if ('unavailable' in e) throw new Error('expected an estimate');
    expect(e.model).toBe('ceseda-pro-v1');
    expect(Math.round(e.probability * 20)).toBe(e.probability * 20); // 5-point steps
    expect(e.range.low).toBeLessThanOrEqual(e.probability);
    expect(e.range.high).toBeGreaterThanOrEqual(e.probability);
    expect(e.probability).toBeGreaterThan(0.19);
    expect(e.raisedBy.map((f) => f.factor)).toContain('Liens familiaux intenses en France');
    expect(e.baseRate.source).toBe(
      'Cour des comptes, janv. 2024 : environ 18 % à 20 % des OQTF contestées sont annulées (rapport « La politique de lutte contre l’immigration irrégulière »)',
    );
    expect(e.threshold).toBe(0.87);
    expect(typeof e.strongCase).toBe('boolean');
  });

  it('an unfavourable case falls below the published OQTF rate and is not a strong case', () => {
    const r = runAnalysis({
      model: 'ceseda-pro-v1',
      procedure: 'oqtf_retention',
      decisionNotifiedAt: '2026-11-20T16:30',
      facts: { publicOrderThreat: true, criminalConviction: true },
      now: NOW,
      threshold: 0.87,
    });
    const e = r.estimate!;
    if ('unavailable' in e) throw new Error('expected an estimate');
    expect(e.probability).toBeLessThan(0.19);
    expect(e.strongCase).toBe(false);
    expect(e.loweredBy.map((f) => f.factor)).toEqual(['Menace pour l’ordre public invoquée', 'Condamnation pénale']);
    expect(e.verdict).toBe(`Dossier en deçà du seuil du cabinet (87 %) : probabilité estimée à ${Math.round(e.probability * 100)} %.`);
    expect(e.caveats).toEqual([
      'Ordre de grandeur établi à partir de moyennes publiées et de pondérations fixées à dire d’expert et documentées, arrondi à 5 points ; ce n’est pas une prédiction de la décision d’une juridiction ou d’un juge déterminé (CJA art. L. 10).',
      'Les faits inconnus élargissent la fourchette ; les renseigner la resserre.',
      'Aucune issue juridictionnelle n’est certaine : l’estimation et la fourchette restent entre 5 % et 95 %.',
    ]);
  });

  it('states the verdict against the cabinet’s threshold from the whole range, in French', () => {
    const base = { p: 0.5, logitSe: 0, source: 'test' };
    const verdict = (z: number, se: number) => describeEstimate('ceseda-pro-v1', z, se, 0.6, base, [], [], []).verdict;
    expect(verdict(logit(0.9), 0.1)).toBe(
      'Dossier solide : même la borne basse de la fourchette (85 %) atteint le seuil du cabinet (60 %).',
    );
    expect(verdict(0, 0.5)).toBe('Issue incertaine : la fourchette (25 % à 75 %) encadre le seuil du cabinet (60 %).');
    expect(verdict(logit(0.2), 0.1)).toBe('Dossier en deçà du seuil du cabinet (60 %) : probabilité estimée à 20 %.');
  });

  it('gives no estimate rather than an invented one where no statistic exists', () => {
    const r = runAnalysis({
      model: 'ceseda-pro-v1',
      procedure: 'demande_titre_sejour',
      decisionNotifiedAt: '2026-11-20',
      facts: {},
      now: NOW,
      threshold: 0.5,
    });
    expect(r.estimate).toEqual({
      unavailable:
        'Aucun taux de succès publié pour la procédure « Demande de titre de séjour » : aucune estimation n’est donnée plutôt qu’un chiffre inventé.',
    });
  });

  it('never uses a judge: unknown fields are dropped and change nothing (CJA L. 10)', () => {
    const input = {
      model: 'ceseda-pro-v1' as const,
      procedure: 'oqtf' as const,
      decisionNotifiedAt: '2026-01-05',
      now: NOW,
      threshold: 0.87,
    };
    const plain = runAnalysis({ ...input, facts: FACTS });
    const withJudge = runAnalysis({ ...input, facts: { ...FACTS, judgeName: 'X', chamber: '3e' } });
    expect(withJudge).toEqual(plain);
    expect(JSON.stringify(withJudge)).not.toMatch(/judgeName/);
  });

  it('is deterministic', () => {
    const input = {
      model: 'ceseda-pro-v1' as const,
      procedure: 'refus_titre_sejour' as const,
      decisionNotifiedAt: '2026-03-13',
      facts: FACTS,
      now: NOW,
      threshold: 0.6,
    };
    expect(runAnalysis(input)).toEqual(runAnalysis(input));
  });

  it('names the field at fault for bad input', () => {
    const base = {
      model: 'ceseda-pro-v1' as const,
      procedure: 'oqtf' as const,
      decisionNotifiedAt: '2026-01-05',
      now: NOW,
      threshold: 0.87,
    };
    expect(() => runAnalysis({ ...base, facts: { yearsOfResidence: -1 } })).toThrow(/facts\.yearsOfResidence/);
    expect(() => runAnalysis({ ...base, decisionNotifiedAt: '05/01/2026' })).toThrow(/decisionNotifiedAt/);
    expect(() => runAnalysis({ ...base, threshold: 2 })).toThrow(/threshold/);
    expect(() => runAnalysis({ ...base, procedure: 'nope' as never })).toThrow(/procedure/);
  });
});
