import { describe, expect, it } from 'vitest';
import { assessEligibility, type TitreEligibility } from '../../../appliance/src/domain/ceseda/eligibility.js';
import type { CaseFacts } from '../../../appliance/src/domain/ceseda/facts.js';

const TODAY = '2026-11-24';
const CLEAN: CaseFacts = { publicOrderThreat: false, polygamy: false };

function titre(facts: CaseFacts, code: string, today = TODAY): TitreEligibility {
  const t = assessEligibility(facts, today).find((x) => x.titre === code);
  if (!t) throw new Error(`no titre ${code}`);
  return t;
}
const status = (t: TitreEligibility, id: string) => t.conditions.find((c) => c.id === id)?.status;

// One row per titre: facts that make it eligible, and one fact that defeats it.
const CASES: { code: string; article: RegExp; eligible: CaseFacts; defeat: CaseFacts; defeated: string }[] = [
  {
    code: 'conjoint_francais',
    article: /L\. 423-1/,
    eligible: {
      ...CLEAN,
      marriedToFrenchNational: true,
      communityOfLifeOngoing: true,
      spouseStillFrench: true,
      marriedInFrance: true,
      longStayVisa: true,
    },
    defeat: { communityOfLifeOngoing: false },
    defeated: 'community_of_life',
  },
  {
    code: 'conjoint_francais_sans_visa',
    article: /L\. 423-2/,
    eligible: {
      ...CLEAN,
      marriedToFrenchNational: true,
      communityOfLifeOngoing: true,
      spouseStillFrench: true,
      marriedInFrance: true,
      regularEntry: true,
      monthsOfCohabitationInFrance: 6,
    },
    defeat: { monthsOfCohabitationInFrance: 5 },
    defeated: 'six_months_cohabitation',
  },
  {
    code: 'parent_enfant_francais',
    article: /L\. 423-7/,
    eligible: {
      ...CLEAN,
      parentOfFrenchChild: true,
      childIsMinor: true,
      childResidesInFrance: true,
      contributesSinceBirth: false,
      yearsContributingToChild: 2,
    },
    defeat: { childIsMinor: false },
    defeated: 'child_minor',
  },
  {
    code: 'liens_personnels_familiaux',
    article: /L\. 423-23/,
    eligible: {
      ...CLEAN,
      familyTiesInFrance: 'strong',
      yearsOfResidence: 6,
      tiesInCountryOfOrigin: 'weak',
      republicanCommitmentSigned: true,
    },
    defeat: { tiesInCountryOfOrigin: 'strong' },
    defeated: 'weak_ties_abroad',
  },
  {
    code: 'etranger_malade',
    article: /L\. 425-9/,
    eligible: {
      publicOrderThreat: false,
      yearsOfResidence: 2,
      seriousHealthCondition: true,
      treatmentUnavailableInCountry: true,
      ofiiMedicalOpinionFavourable: true,
    },
    defeat: { treatmentUnavailableInCountry: false },
    defeated: 'no_effective_treatment',
  },
  {
    code: 'salarie',
    article: /L\. 421-1/,
    eligible: { ...CLEAN, employmentContract: 'cdi', workAuthorization: true, longStayVisa: true },
    defeat: { employmentContract: 'cdd' },
    defeated: 'cdi',
  },
  {
    code: 'etudiant',
    article: /L\. 422-1/,
    eligible: { ...CLEAN, enrolledInStudies: true, sufficientMeans: true, longStayVisa: true },
    defeat: { sufficientMeans: false },
    defeated: 'means',
  },
  {
    code: 'metiers_en_tension',
    article: /L\. 435-4/,
    eligible: {
      ...CLEAN,
      yearsOfResidence: 3,
      monthsInShortageOccupationLast24: 12,
      shortageOccupation: true,
      workExperienceAsStudentOrAsylumSeeker: false,
      bulletin2Clean: true,
    },
    defeat: { monthsInShortageOccupationLast24: 11 },
    defeated: 'twelve_months_shortage',
  },
  {
    code: 'aes_vie_privee',
    article: /L\. 435-1/,
    eligible: { ...CLEAN, yearsOfResidence: 7, previousOqtfNotExecuted: false, frenchLevel: 'A2' },
    defeat: { previousOqtfNotExecuted: true },
    defeated: 'no_unexecuted_oqtf',
  },
  {
    code: 'carte_resident_conjoint',
    article: /L\. 423-6/,
    eligible: {
      ...CLEAN,
      marriedToFrenchNational: true,
      marriageDate: '2023-11-24',
      communityOfLifeOngoing: true,
      spouseStillFrench: true,
      frenchLevel: 'B1',
      civicExamPassed: true,
    },
    defeat: { marriageDate: '2023-11-25' },
    defeated: 'married_three_years',
  },
  {
    code: 'carte_resident_parent',
    article: /L\. 423-10/,
    eligible: { ...CLEAN, yearsHoldingParentTitle: 3, frenchLevel: 'B2', civicExamPassed: true },
    defeat: { frenchLevel: 'A2' },
    defeated: 'french_b1',
  },
  {
    code: 'resident_longue_duree_ue',
    article: /L\. 426-17/,
    eligible: {
      ...CLEAN,
      yearsOfRegularResidence: 5,
      resourcesAboveSmic: true,
      healthInsurance: true,
      frenchLevel: 'B1',
      civicExamPassed: true,
    },
    defeat: { healthInsurance: false },
    defeated: 'health_insurance',
  },
  {
    code: 'regroupement_familial',
    article: /L\. 434-2/,
    eligible: { ...CLEAN, yearsOfRegularResidence: 1.5, resourcesAboveSmic: true, adequateHousing: true },
    defeat: { yearsOfRegularResidence: 1.4 },
    defeated: 'eighteen_months',
  },
  {
    code: 'naturalisation',
    article: /21-1/,
    eligible: { age: 30, yearsOfRegularResidence: 5, frenchLevel: 'B2', civicExamPassed: true, criminalConviction: false },
    defeat: { frenchLevel: 'B1' },
    defeated: 'french_b2',
  },
];

describe('eligibility for the common titres (ceseda-pro-v1)', () => {
  for (const row of CASES) {
    it(`${row.code}: eligible when every condition is met, not eligible when ${row.defeated} is not`, () => {
      const ok = titre(row.eligible, row.code);
      expect(ok.article).toMatch(row.article);
      expect(ok.conditions.filter((c) => c.status !== 'met').map((c) => c.id)).toEqual([]);
      expect(ok.outcome).toBe('eligible');
      const ko = titre({ ...row.eligible, ...row.defeat }, row.code);
      expect(status(ko, row.defeated)).toBe('not_met');
      expect(ko.outcome).toBe('not_eligible');
    });
  }

  it('says "unknown" for missing facts, with the evidence that would settle each', () => {
    for (const t of assessEligibility({}, TODAY)) {
      if (t.titre === 'metiers_en_tension') continue; // its "in force" condition depends only on the date
      expect(t.outcome, t.titre).toBe('undetermined');
      for (const c of t.conditions) {
        expect(c.status, `${t.titre}.${c.id}`).toBe('unknown');
        expect(c.evidence.length).toBeGreaterThan(5);
        expect(c.article.length).toBeGreaterThan(3);
      }
    }
  });

  it('explains discretionary titres to the lawyer in French', () => {
    const notes = Object.fromEntries(assessEligibility({}, TODAY).map((t) => [t.titre, t.notes]));
    expect(notes.liens_personnels_familiaux).toEqual([
      'Contrôle de proportionnalité (art. 8 CEDH) : le préfet et le juge apprécient ces critères dans leur ensemble ; « remplie » signifie ici que le fait étaye la demande.',
    ]);
    expect(notes.metiers_en_tension).toEqual([
      'Délivrance discrétionnaire (« peut être délivrée ») ; conditions tirées de sources secondaires — à vérifier sur le texte.',
    ]);
    expect(notes.aes_vie_privee).toEqual([
      'Délivrance discrétionnaire ; la circulaire fixe des orientations, non des conditions légales impératives.',
    ]);
    expect(notes.regroupement_familial).toEqual([
      'Les conditions durcies par la loi de 2024 (24 mois, langue) ont été censurées (Cons. const. n° 2023-863 DC).',
    ]);
    expect(notes.naturalisation).toEqual([
      'Décision d’opportunité : même lorsque toutes les conditions sont remplies, le ministre peut rejeter la demande ou l’ajourner.',
    ]);
    expect(titre({}, 'etranger_malade').conditions.find((c) => c.id === 'habitual_residence')!.evidence).toBe(
      'Preuves de présence (le seuil d’un an relève de la pratique administrative — à vérifier)',
    );
  });

  it('a public order threat defeats a titre de plein droit (L. 432-1)', () => {
    const t = titre({ ...CASES[0]!.eligible, publicOrderThreat: true }, 'conjoint_francais');
    expect(status(t, 'no_public_order_threat')).toBe('not_met');
    expect(t.outcome).toBe('not_eligible');
  });

  it('a marriage abroad must be transcribed', () => {
    const base = { ...CASES[0]!.eligible, marriedInFrance: false };
    expect(status(titre(base, 'conjoint_francais'), 'marriage_transcribed')).toBe('unknown');
    expect(status(titre({ ...base, marriageTranscribed: false }, 'conjoint_francais'), 'marriage_transcribed')).toBe('not_met');
  });

  it('closes the métiers-en-tension route after its experimental period (31 Dec 2026)', () => {
    const row = CASES.find((r) => r.code === 'metiers_en_tension')!;
    expect(titre(row.eligible, row.code, '2026-12-31').outcome).toBe('eligible');
    expect(status(titre(row.eligible, row.code, '2027-01-01'), 'in_force')).toBe('not_met');
  });
});

describe('fast entitlement path used for past cases', () => {
  it('agrees with the full assessment on 2 000 seeded random fact sets', async () => {
    const { entitlementDePleinDroit } = await import('../../../appliance/src/domain/ceseda/eligibility.js');
    const { entitlementOf } = await import('../../../appliance/src/domain/ceseda/estimate.js');
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const tri = () => pick([true, false, undefined]);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      const facts: CaseFacts = {
        marriedToFrenchNational: tri(),
        communityOfLifeOngoing: tri(),
        spouseStillFrench: tri(),
        marriedInFrance: tri(),
        marriageTranscribed: tri(),
        longStayVisa: tri(),
        regularEntry: tri(),
        monthsOfCohabitationInFrance: pick([undefined, 3, 8]),
        parentOfFrenchChild: tri(),
        childIsMinor: tri(),
        childResidesInFrance: tri(),
        contributesSinceBirth: tri(),
        publicOrderThreat: pick([false, false, true, undefined]),
        polygamy: pick([false, false, undefined]),
        employmentContract: pick([undefined, 'cdi', 'none']),
        workAuthorization: tri(),
        enrolledInStudies: tri(),
        sufficientMeans: tri(),
        seriousHealthCondition: tri(),
        treatmentUnavailableInCountry: tri(),
        ofiiMedicalOpinionFavourable: tri(),
        yearsOfResidence: pick([undefined, 0, 2, 6]),
        yearsOfRegularResidence: pick([undefined, 1, 6]),
        resourcesAboveSmic: tri(),
        healthInsurance: tri(),
        adequateHousing: tri(),
        frenchLevel: pick([undefined, 'A2', 'B1']),
        civicExamPassed: tri(),
      };
      const fast = entitlementDePleinDroit(facts, TODAY);
      expect(fast).toBe(entitlementOf(assessEligibility(facts, TODAY)));
      seen.add(String(fast));
    }
    expect([...seen].sort()).toEqual(['0', '1', 'null']);
  });
});
