/**
 * Overseas: the territory's abolition-of-slavery day extends a day-based délai there and not in
 * the metropole; in Guyane, Guadeloupe, Mayotte, Saint-Martin and Saint-Barthélemy an OQTF is
 * contested under the droit commun (2 months, non suspensive, prorogued by a recours gracieux),
 * and the deadline's notes say so. Every date below is computed by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { publicHolidays } from '../../../appliance/src/domain/ceseda/calendar.js';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';
import type { Territory } from '../../../appliance/src/domain/ceseda/facts.js';
import { resolveTerritory } from '../../../appliance/src/domain/ceseda/overseas.js';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/runAnalysis.js';

const contentieux = (list: ReturnType<typeof computeDeadlines>) => list.find((d) => d.remedy === 'recours_contentieux')!;
const gracieux = (list: ReturnType<typeof computeDeadlines>) => list.find((d) => d.remedy === 'recours_gracieux')!;

describe('abolition-of-slavery days (loi n° 83-550, décret n° 83-1003 modifié)', () => {
  // Décret n° 83-1003 as amended: Mayotte 27 April, Martinique 22 May, Guadeloupe 27 May,
  // Guyane 10 June, Saint-Barthélemy 9 October, La Réunion 20 December. (Saint-Martin: below.)
  const DAYS: ReadonlyArray<[Territory, string]> = [
    ['mayotte', '2027-04-27'],
    ['martinique', '2027-05-22'],
    ['guadeloupe', '2027-05-27'],
    ['guyane', '2027-06-10'],
    ['saint_barthelemy', '2027-10-09'],
    ['reunion', '2027-12-20'],
  ];

  it('each territory has its own day, and no other territory nor the metropole has it', () => {
    const metropole = publicHolidays(2027);
    expect(metropole.size).toBe(11);
    for (const [territory, date] of DAYS) {
      const there = publicHolidays(2027, { territory });
      expect(there.size, territory).toBe(12);
      expect(there.get(date), territory).toMatch(/^Commémoration de l’abolition de l’esclavage/);
      expect(metropole.has(date), territory).toBe(false);
      for (const [other, otherDate] of DAYS) if (otherDate !== date) expect(there.has(otherDate), `${territory}/${other}`).toBe(false);
    }
    expect(publicHolidays(2027, { territory: 'saint_pierre_et_miquelon' }).size).toBe(11);
  });

  it('Saint-Martin kept 27 May before 2018 (décret n° 2012-553), Saint-Barthélemy had no day before 2012', () => {
    expect(publicHolidays(2015, { territory: 'saint_martin' }).has('2015-05-27')).toBe(true);
    expect(publicHolidays(2015, { territory: 'saint_martin' }).has('2015-05-28')).toBe(false);
    expect(publicHolidays(2011, { territory: 'saint_barthelemy' }).has('2011-10-09')).toBe(false);
  });

  it('Saint-Martin’s 28 May, not confirmed on the decree’s text, moves no deadline, and the deadline says so', () => {
    // Refusal notified Friday 26 March 2027; two months franc: échéance Wednesday 26 May, last day
    // Thursday 27 May 2027 — not a holiday at Saint-Martin since 2018 → stays 27 May. Notified
    // Saturday 27 March: last day Friday 28 May 2027, the unconfirmed day → not moved either.
    expect(publicHolidays(2027, { territory: 'saint_martin' }).size).toBe(11);
    const may28 = contentieux(computeDeadlines('refus_titre_sejour', '2027-03-27', { territory: 'saint_martin' }));
    expect(may28.due).toBe('2027-05-28');
    expect(may28.notes[1]).toBe(
      'Saint-Martin : la commémoration de l’abolition de l’esclavage du 28 mai n’est pas retenue pour proroger un délai, sa date n’étant pas confirmée sur le texte en vigueur (décret n° 83-1003 modifié) : par prudence, un délai qui expire ce jour-là n’est pas reporté.',
    );
    expect(may28.toVerify.join('\n')).toContain('Saint-Martin : commémoration de l’abolition de l’esclavage le 28 mai depuis 2018');
    expect(contentieux(computeDeadlines('refus_titre_sejour', '2027-03-26', { territory: 'saint_martin' })).due).toBe('2027-05-27');
  });

  it('extends a délai ending on 10 June in Guyane, not in the metropole', () => {
    // Refusal of a titre notified Friday 9 April 2027; CJA R. 421-1, two months franc: échéance
    // Wednesday 9 June, last day Thursday 10 June 2027 — Guyane's holiday → Friday 11 June 2027.
    const guyane = computeDeadlines('refus_titre_sejour', '2027-04-09', { territory: 'guyane' });
    const metropole = computeDeadlines('refus_titre_sejour', '2027-04-09', {});
    expect(contentieux(guyane).due).toBe('2027-06-11');
    expect(contentieux(guyane).computation.join(' ')).toContain('Commémoration de l’abolition de l’esclavage (Guyane)');
    expect(contentieux(metropole).due).toBe('2027-06-10');
    expect(contentieux(guyane).notes[0]).toBe('Territoire : Guyane (indiqué au dossier).');
    expect(contentieux(guyane).notes[1]).toContain('le 10 juin (loi n° 83-550 du 30 juin 1983');
  });

  it('derives the territory from the département or the court when the facts do not give it, and says so', () => {
    // Same dates as above: the département 973 and the "TA de la Guyane" both mean Guyane.
    const byDepartement = computeDeadlines('refus_titre_sejour', '2027-04-09', { departement: '973' });
    expect(contentieux(byDepartement).due).toBe('2027-06-11');
    expect(contentieux(byDepartement).notes[0]).toBe(
      'Territoire : Guyane, déduit du département 973 (le territoire n’est pas indiqué au dossier).',
    );
    const byCourt = computeDeadlines('refus_titre_sejour', '2027-04-09', { competentCourt: 'TA de la Guyane' });
    expect(contentieux(byCourt).due).toBe('2027-06-11');
    expect(contentieux(byCourt).notes[0]).toContain('déduit de la juridiction « TA de la Guyane »');
    expect(resolveTerritory({ competentCourt: 'Tribunal administratif de Mayotte' }).territory).toBe('mayotte');
    expect(resolveTerritory({ departement: '976', competentCourt: 'TA de Paris' }).source).toBe('departement');
    // The fact wins over both.
    expect(resolveTerritory({ territory: 'martinique', departement: '973' }).territory).toBe('martinique');
    expect(resolveTerritory({ competentCourt: 'TA de Paris' })).toEqual({
      territory: 'metropole',
      source: 'default',
      statement: 'Territoire : France métropolitaine (aucun territoire d’outre-mer indiqué ni déduit).',
    });
  });

  it('extends a délai ending on 27 April at Mayotte', () => {
    // Notified Friday 26 February 2027; two months franc: échéance Monday 26 April, last day
    // Tuesday 27 April 2027 — Mayotte's holiday → Wednesday 28 April.
    expect(contentieux(computeDeadlines('refus_titre_sejour', '2027-02-26', { territory: 'mayotte' })).due).toBe('2027-04-28');
    expect(contentieux(computeDeadlines('refus_titre_sejour', '2027-02-26', {})).due).toBe('2027-04-27');
  });
});

describe('the non-suspensive overseas remedy against an OQTF', () => {
  it('Mayotte: droit-commun two months, non suspensive, the référé-liberté as the only suspensive way', () => {
    // OQTF notified Monday 15 March 2027. Mayotte: CJA R. 421-1, two months franc → échéance
    // Saturday 15 May, last day Sunday 16 May; Monday 17 May 2027 is Whit Monday (Easter 28 March
    // + 50 days) → Tuesday 18 May 2027.
    const mayotte = computeDeadlines('oqtf', '2027-03-15', { territory: 'mayotte' });
    const remedy = contentieux(mayotte);
    expect(remedy.due).toBe('2027-05-18');
    expect(remedy.label).toBe('Recours en annulation (droit commun, non suspensif — Mayotte)');
    expect(remedy.legalBasis).toContain('CE 22 juil. 2015 n° 381550');
    expect(remedy.legalBasis).toContain('CJA R. 421-1');
    const notes = remedy.notes.join('\n');
    expect(notes).toContain('Le recours en annulation ne suspend pas l’exécution de l’éloignement');
    expect(notes).toContain('Seule la saisine du juge du référé-liberté (CJA L. 521-2) fait obstacle à l’exécution d’office de l’OQTF');
    expect(remedy.toVerify.join('\n')).toContain('Mayotte : article du CESEDA recodifié');
    // The recours gracieux now prorogues the délai: it has the same two months.
    const admin = gracieux(mayotte);
    expect(admin.due).toBe('2027-05-18');
    expect(admin.label).toBe('Recours gracieux ou hiérarchique (proroge le délai du recours contentieux)');
    expect(admin.notes.join('\n')).toContain('interrompt le délai du recours contentieux');

    // The same OQTF in the metropole: L. 911-1, one month franc → échéance Thursday 15 April,
    // last day Friday 16 April 2027; the recours gracieux has no délai and prorogues nothing.
    const metropole = computeDeadlines('oqtf', '2027-03-15', {});
    expect(contentieux(metropole).due).toBe('2027-04-16');
    expect(gracieux(metropole).due).toBeNull();
  });

  it('Guyane and Saint-Martin under assignation à résidence: still the droit commun, not the 7 days of L. 921-1', () => {
    // OQTF notified Monday 15 March 2027 → Tuesday 18 May 2027, as above (no local holiday in between:
    // Guadeloupe's 27 May and Guyane's 10 June come later).
    for (const territory of ['guyane', 'saint_martin', 'saint_barthelemy', 'guadeloupe'] as const) {
      const remedy = contentieux(computeDeadlines('oqtf_assignation_residence', '2027-03-15', { territory }));
      expect(remedy.due, territory).toBe('2027-05-18');
      expect(remedy.notes.join('\n'), territory).toContain('ne suspend pas l’exécution de l’éloignement');
    }
    expect(contentieux(computeDeadlines('oqtf', '2027-03-15', { territory: 'guyane' })).legalBasis).toContain('CESEDA L. 651-4');
  });

  it('Martinique, La Réunion and Saint-Pierre-et-Miquelon keep the metropolitan procedure', () => {
    // OQTF notified Monday 15 March 2027, L. 911-1 one month franc → Friday 16 April 2027.
    for (const territory of ['martinique', 'reunion', 'saint_pierre_et_miquelon'] as const) {
      const remedy = contentieux(computeDeadlines('oqtf', '2027-03-15', { territory }));
      expect(remedy.due, territory).toBe('2027-04-16');
      expect(remedy.legalBasis, territory).toBe('CESEDA L. 911-1 (jugement sous 6 mois)');
      expect(remedy.notes[0], territory).toMatch(/^Territoire : /);
    }
  });

  it('the analysis says which territory applied and how it was known, and lists the open points', () => {
    const result = runAnalysis({
      model: 'ceseda-basic-v1',
      procedure: 'oqtf',
      decisionNotifiedAt: '2027-03-15',
      now: new Date('2027-03-16T09:00:00Z'),
      threshold: 0.5,
      departement: '976',
    });
    expect(result.territory).toEqual({
      territory: 'mayotte',
      source: 'departement',
      statement: 'Territoire : Mayotte, déduit du département 976 (le territoire n’est pas indiqué au dossier).',
    });
    expect(result.deadlines.find((d) => d.remedy === 'recours_contentieux')!.due).toBe('2027-05-18');
    expect(result.toVerify.join('\n')).toContain('Saint-Martin : commémoration de l’abolition de l’esclavage le 28 mai');
  });
});
