import { describe, expect, it } from 'vitest';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';
import { PROCEDURE_CODES, type ProcedureCode } from '../../../appliance/src/domain/ceseda/procedures.js';
import type { DeadlineContext } from '../../../appliance/src/domain/ceseda/rules.js';

interface Ref {
  why: string;
  procedure: ProcedureCode;
  notified: string;
  ctx?: DeadlineContext;
  /** remedy → due (null: runs from a later event). */
  due: Record<string, string | null>;
}

// Reference cases, computed by hand (weekday and holiday of each date checked on a calendar).
const REFERENCE: Ref[] = [
  {
    why: 'OQTF, free: 1 month franc, plain case',
    procedure: 'oqtf',
    notified: '2026-01-05',
    due: { recours_contentieux: '2026-02-06', recours_gracieux: null },
  },
  {
    why: 'OQTF, free: month end, Saturday 28 Feb then Sunday → Monday',
    procedure: 'oqtf',
    notified: '2026-01-30',
    due: { recours_contentieux: '2026-03-02', recours_gracieux: null },
  },
  {
    // Was 2024-01-30: a decision notified then predates loi n° 2024-42 and now gets the former
    // time limits (deadlinesPreReform.test.ts). Same month-end case in the next leap year: notified
    // Sunday 30 Jan 2028; 1 month → 30 Feb, clamped to Tue 29 Feb 2028 (a working day).
    why: 'OQTF, free: leap year, the earlier month-end reading (29 Feb)',
    procedure: 'oqtf',
    notified: '2028-01-30',
    due: { recours_contentieux: '2028-02-29', recours_gracieux: null },
  },
  {
    why: 'OQTF, free: ends on Easter Monday → Tuesday',
    procedure: 'oqtf',
    notified: '2026-03-05',
    due: { recours_contentieux: '2026-04-07', recours_gracieux: null },
  },
  {
    why: 'OQTF, free: Good Friday is a working day outside Alsace-Moselle',
    procedure: 'oqtf',
    notified: '2026-03-02',
    due: { recours_contentieux: '2026-04-03', recours_gracieux: null },
  },
  {
    why: 'OQTF, free, TA de Strasbourg: Good Friday, Easter weekend and Monday skipped',
    procedure: 'oqtf',
    notified: '2026-03-02',
    ctx: { competentCourt: 'TA de Strasbourg' },
    due: { recours_contentieux: '2026-04-07', recours_gracieux: null },
  },
  {
    why: 'OQTF with liberty status rétention in the facts: 48 hours',
    procedure: 'oqtf',
    notified: '2026-11-20T16:30',
    ctx: { libertyStatus: 'retention' },
    due: { recours_contentieux: '2026-11-22T16:30:00+01:00', recours_gracieux: null },
  },
  {
    why: 'OQTF, assignation: 7 days, earliest reading (non franc) on a Friday',
    procedure: 'oqtf_assignation_residence',
    notified: '2026-11-20',
    due: { recours_contentieux: '2026-11-27', recours_gracieux: null },
  },
  {
    why: 'OQTF, assignation: 7 days ending on 8 May is not extended under the non-franc reading',
    procedure: 'oqtf_assignation_residence',
    notified: '2026-05-01',
    due: { recours_contentieux: '2026-05-08', recours_gracieux: null },
  },
  {
    why: 'OQTF, detention: 7 days ending on Good Friday (not a national holiday)',
    procedure: 'oqtf_detention',
    notified: '2026-03-27',
    due: { recours_contentieux: '2026-04-03', recours_gracieux: null },
  },
  {
    why: 'OQTF, rétention: 48 hours over a weekend, never extended',
    procedure: 'oqtf_retention',
    notified: '2026-11-20T16:30:00+01:00',
    due: { recours_contentieux: '2026-11-22T16:30:00+01:00', recours_gracieux: null },
  },
  {
    why: 'OQTF, rétention, time unknown: counted from midnight',
    procedure: 'oqtf_retention',
    notified: '2026-11-20',
    due: { recours_contentieux: '2026-11-22T00:00:00+01:00', recours_gracieux: null },
  },
  {
    why: 'OQTF, rétention, UTC instant converted to Paris summer time',
    procedure: 'oqtf_retention',
    notified: '2026-07-10T14:00:00Z',
    due: { recours_contentieux: '2026-07-12T16:00:00+02:00', recours_gracieux: null },
  },
  {
    why: 'IRTF: earliest of the OQTF délai and L. 921-1',
    procedure: 'irtf',
    notified: '2026-02-02',
    due: { recours_contentieux: '2026-02-09', recours_gracieux: null },
  },
  {
    why: 'Refus de titre: 2 months franc ending on Ascension → Friday',
    procedure: 'refus_titre_sejour',
    notified: '2026-03-13',
    due: { recours_gracieux: '2026-05-15', recours_hierarchique: '2026-05-15', recours_contentieux: '2026-05-15' },
  },
  {
    why: 'Refus de titre: Saturday, Sunday, then Whit Monday → Tuesday',
    procedure: 'refus_titre_sejour',
    notified: '2025-04-07',
    due: { recours_gracieux: '2025-06-10', recours_hierarchique: '2025-06-10', recours_contentieux: '2025-06-10' },
  },
  {
    why: 'Refus de titre: Christmas, then 26 Dec is a working day outside Alsace-Moselle',
    procedure: 'refus_titre_sejour',
    notified: '2025-10-24',
    due: { recours_gracieux: '2025-12-26', recours_hierarchique: '2025-12-26', recours_contentieux: '2025-12-26' },
  },
  {
    why: 'Refus de titre, TA de Strasbourg: Christmas, Saint-Étienne, weekend → Monday',
    procedure: 'refus_titre_sejour',
    notified: '2025-10-24',
    ctx: { competentCourt: 'Tribunal administratif de Strasbourg' },
    due: { recours_gracieux: '2025-12-29', recours_hierarchique: '2025-12-29', recours_contentieux: '2025-12-29' },
  },
  {
    why: 'Refus de renouvellement: leap year month end, earlier reading 29 Feb',
    procedure: 'refus_renouvellement_titre',
    notified: '2023-12-29',
    due: { recours_gracieux: '2024-02-29', recours_hierarchique: '2024-02-29', recours_contentieux: '2024-02-29' },
  },
  {
    why: 'Refus de renouvellement: non-leap month end, 28 Feb',
    procedure: 'refus_renouvellement_titre',
    notified: '2024-12-29',
    due: { recours_gracieux: '2025-02-28', recours_hierarchique: '2025-02-28', recours_contentieux: '2025-02-28' },
  },
  {
    why: 'Retrait de titre: plain 2 months franc',
    procedure: 'retrait_titre_sejour',
    notified: '2026-03-05',
    due: { recours_gracieux: '2026-05-06', recours_hierarchique: '2026-05-06', recours_contentieux: '2026-05-06' },
  },
  {
    // 9 Jan + 30 days = Sunday 8 Feb 2026: the earliest reading (non franc, not extended) keeps
    // the Sunday; the extended readings (Monday 9 Feb) are listed after it (deadlinesRapo.test.ts).
    why: 'Refus de visa: RAPO 30 days ending on a Sunday, earliest reading; TA after the RAPO',
    procedure: 'refus_visa',
    notified: '2026-01-09',
    due: { rapo: '2026-02-08', recours_contentieux: null },
  },
  {
    why: 'Asile: AJ 15 days; CNDA 1 month franc ending on 14 July → 15 July',
    procedure: 'asile_rejet_ofpra',
    notified: '2026-06-13',
    due: { aide_juridictionnelle: '2026-06-28', recours_contentieux: '2026-07-15' },
  },
  {
    why: 'Dublin: 7 days ending on Christmas, not extended under the non-franc reading',
    procedure: 'transfert_dublin',
    notified: '2026-12-18',
    due: { recours_contentieux: '2026-12-25', recours_gracieux: null },
  },
  {
    why: 'Dublin in rétention: 48 hours',
    procedure: 'transfert_dublin',
    notified: '2026-12-18T09:00',
    ctx: { libertyStatus: 'retention' },
    due: { recours_contentieux: '2026-12-20T09:00:00+01:00', recours_gracieux: null },
  },
  {
    why: 'Rétention placement: earliest reading 48 hours',
    procedure: 'retention_placement',
    notified: '2026-11-20T09:15',
    due: { contestation_judiciaire: '2026-11-22T09:15:00+01:00' },
  },
  {
    why: 'Assignation à résidence: 7 days',
    procedure: 'assignation_residence',
    notified: '2026-02-02',
    due: { recours_contentieux: '2026-02-09', recours_gracieux: null },
  },
  {
    why: 'Naturalisation: RAPO 2 months, earliest reading non franc; TA de Nantes after the minister',
    procedure: 'naturalisation_refus',
    notified: '2026-08-14',
    // Earliest reading: non franc, 14 Aug + 2 months = Wednesday 14 Oct 2026 (franc: 15 Oct).
    due: { rapo: '2026-10-14', recours_contentieux: null },
  },
  {
    why: 'Regroupement familial: ends on 11 November → 12 November',
    procedure: 'regroupement_familial_refus',
    notified: '2026-09-10',
    due: { recours_gracieux: '2026-11-12', recours_hierarchique: '2026-11-12', recours_contentieux: '2026-11-12' },
  },
  {
    why: 'Expulsion: 2 months franc, Saturday → Monday',
    procedure: 'expulsion',
    notified: '2026-05-31',
    due: { recours_contentieux: '2026-08-03' },
  },
  {
    why: 'Refus d’entrée asile: 48 hours',
    procedure: 'refus_entree_asile',
    notified: '2026-02-02T08:00',
    due: { recours_contentieux: '2026-02-04T08:00:00+01:00' },
  },
  {
    why: 'CNDA rejection: cassation 2 months from 31 Dec → 1 March (Sunday) → Monday',
    procedure: 'cnda_rejet',
    notified: '2025-12-31',
    due: { pourvoi_cassation: '2026-03-02' },
  },
  { why: 'Application not yet decided: no deadline', procedure: 'demande_titre_sejour', notified: '2026-02-02', due: {} },
];

describe('deadlines per procedure (ceseda-basic-v1 reference table)', () => {
  for (const ref of REFERENCE) {
    it(`${ref.procedure} notified ${ref.notified}: ${ref.why}`, () => {
      const deadlines = computeDeadlines(ref.procedure, ref.notified, ref.ctx);
      expect(Object.fromEntries(deadlines.map((d) => [d.remedy, d.due]))).toEqual(ref.due);
      for (const d of deadlines) {
        expect(d.legalBasis.length, d.remedy).toBeGreaterThan(5);
        expect(d.computation.length, d.remedy).toBeGreaterThan(0);
      }
    });
  }

  it('has a reference case for every procedure code', () => {
    const covered = new Set(REFERENCE.map((r) => r.procedure));
    expect(PROCEDURE_CODES.filter((p) => !covered.has(p))).toEqual([]);
  });

  it('shows both readings of the 7-day délai with their decisions, the due date being the earliest', () => {
    const [d] = computeDeadlines('oqtf_assignation_residence', '2026-11-20');
    expect(d!.readings!.map((r) => [r.label, r.due, r.decisions])).toEqual([
      [
        'délai non franc, courant à compter du lendemain de la notification, non prorogé',
        '2026-11-27',
        ['CAA Lyon, 19 déc. 2024, n° 24LY03013'],
      ],
      [
        'délai franc, décompté par jours entiers et non d’heure à heure, prorogé au premier jour ouvrable suivant',
        '2026-11-30',
        [
          'CAA Toulouse, 3 juil. 2025, n° 24TL02643 (C+)',
          'par analogie, CE avis 30 juil. 2021 n° 452878 (ancien délai de 15 jours contre l’OQTF : franc)',
        ],
      ],
    ]);
    expect(d!.readings![1]!.computation).toEqual([
      'Décision notifiée le vendredi 20 novembre 2026 ; le jour de la notification n’est pas compté.',
      'Délai de 7 jours : échéance le vendredi 27 novembre 2026 ; le délai étant franc, le jour de l’échéance n’est pas compté non plus et le dernier jour utile est le samedi 28 novembre 2026.',
      'Les samedi 28 novembre 2026 et dimanche 29 novembre 2026 ne sont pas des jours ouvrables : le délai est prorogé au premier jour ouvrable suivant, le lundi 30 novembre 2026 (CPC art. 642).',
    ]);
    expect(d!.computation).toEqual([
      'Décision notifiée le vendredi 20 novembre 2026 ; le jour de la notification n’est pas compté.',
      'Délai de 7 jours courant à compter du lendemain de la notification : dernier jour utile le vendredi 27 novembre 2026, jusqu’à minuit.',
      'Selon cette lecture, le délai n’est pas prorogé lorsqu’il expire un samedi, un dimanche ou un jour férié.',
    ]);
    expect(d!.notes).toContain(
      'Plusieurs lectures de ce délai coexistent (voir les sources citées pour chacune) ; l’échéance retenue est la plus précoce : « délai non franc, courant à compter du lendemain de la notification, non prorogé ».',
    );
    expect(d!.toVerify.join(' ')).toMatch(/24LY03013/);
  });

  it('cites the Conseil d’État’s non-franc reading of the Dublin délai', () => {
    const [d] = computeDeadlines('transfert_dublin', '2026-12-18');
    expect(d!.readings![0]!.decisions).toContain(
      'CE avis 1er juil. 2020 n° 438152 (ancien délai de 15 jours contre le transfert Dublin : non franc)',
    );
  });

  it('explains the extension over a public holiday step by step, in French', () => {
    const [d] = computeDeadlines('oqtf', '2026-03-05');
    expect(d!.computation).toEqual([
      'Décision notifiée le jeudi 5 mars 2026 ; le jour de la notification n’est pas compté.',
      'Délai d’un mois : échéance le dimanche 5 avril 2026 ; le délai étant franc, le dernier jour utile est le lundi 6 avril 2026.',
      'Le lundi 6 avril 2026 (Lundi de Pâques) n’est pas un jour ouvrable : le délai est prorogé au premier jour ouvrable suivant, le mardi 7 avril 2026 (CPC art. 642).',
    ]);
    expect(d!.legalBasis).toMatch(/L\. 911-1/);
  });

  it('says when the month-end reading gives the earlier date, and names Alsace-Moselle holidays', () => {
    const [leap] = computeDeadlines('oqtf', '2028-01-30');
    expect(leap!.computation[2]).toBe(
      'Fin de mois : décompté à partir du lendemain de la notification, le délai expirerait le mardi 29 février 2028 ; la date la plus précoce est retenue.',
    );
    const [strasbourg] = computeDeadlines('oqtf', '2026-03-02', { competentCourt: 'TA de Strasbourg' });
    expect(strasbourg!.computation.at(-1)).toBe(
      'Les vendredi 3 avril 2026 (Vendredi saint, férié en Alsace-Moselle), samedi 4 avril 2026, dimanche 5 avril 2026 et lundi 6 avril 2026 (Lundi de Pâques) ne sont pas des jours ouvrables : le délai est prorogé au premier jour ouvrable suivant, le mardi 7 avril 2026 (CPC art. 642).',
    );
  });

  it('warns that an hour délai was counted from midnight when the time is unknown', () => {
    const [d] = computeDeadlines('oqtf_retention', '2026-11-20');
    expect(d!.dueKind).toBe('datetime');
    expect(d!.computation).toEqual([
      'Heure de notification inconnue : délai décompté à partir du vendredi 20 novembre 2026 à 00 h 00 (début de la journée), lecture la plus prudente — indiquer l’heure de la notification pour obtenir l’échéance exacte.',
      'Délai de 48 heures décompté d’heure à heure : il expire le dimanche 22 novembre 2026 à 00 h 00. Un délai exprimé en heures n’est pas franc et n’est jamais prorogé en raison d’un samedi, d’un dimanche ou d’un jour férié.',
    ]);
  });

  it('counts an hour délai from the notification instant and says when the clocks change inside it', () => {
    const [d] = computeDeadlines('oqtf_retention', '2026-03-28T10:00');
    expect(d!.computation).toEqual([
      'Décision notifiée le samedi 28 mars 2026 à 10 h 00 (heure de Paris).',
      'Délai de 48 heures décompté d’heure à heure : il expire le lundi 30 mars 2026 à 10 h 00. Un délai exprimé en heures n’est pas franc et n’est jamais prorogé en raison d’un samedi, d’un dimanche ou d’un jour férié.',
      'Un changement d’heure (été/hiver) intervient pendant le délai : la plus précoce des deux échéances, en heures écoulées ou à l’heure légale, est retenue.',
    ]);
  });

  it('says what a délai running from a later event starts from', () => {
    const byRemedy = Object.fromEntries(computeDeadlines('refus_visa', '2026-01-09').map((d) => [d.remedy, d]));
    expect(byRemedy.recours_contentieux!.computation).toEqual([
      'Délai de 2 mois (CJA R. 421-1) courant à compter du rejet du RAPO, explicite ou implicite (silence gardé pendant 2 mois à compter de sa réception) : il se calcule à partir de la date de ce rejet.',
    ]);
    expect(byRemedy.rapo!.readings![1]!.computation.at(-1)).toBe(
      'Le dimanche 8 février 2026 n’est pas un jour ouvrable : le délai est prorogé au premier jour ouvrable suivant, le lundi 9 février 2026 (CPC art. 642).',
    );
    const [, gracieux] = computeDeadlines('oqtf', '2026-01-05');
    expect(gracieux!.computation).toEqual([
      'Aucun délai propre : le recours administratif peut être formé à tout moment, mais il ne proroge pas le délai du recours contentieux.',
    ]);
  });

  it('refuses a notification that is not a date', () => {
    expect(() => computeDeadlines('oqtf', '31/01/2026')).toThrow(RangeError);
  });
});
