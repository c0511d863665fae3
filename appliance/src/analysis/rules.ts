import type { CalendarOptions } from './calendar.js';
import type { Reading, RemedyRule } from './deadlineEngine.js';
import type { ProcedureCode } from './procedures.js';

/**
 * Rules as of this date (ceseda-basic-v1). Every analysis result carries it; change it whenever a
 * rule below changes. Sources and open questions: docs/ceseda-rules.md.
 */
export const RULES_VERSION = '2026-11-24';

/** Points not confirmed on a primary text when RULES_VERSION was set; every result lists them. */
export const TO_VERIFY: readonly string[] = [
  'L. 921-1 (7 days): délai franc or not — CAA Lyon 19 déc. 2024 n° 24LY03013 (non franc) vs CAA Toulouse 3 juil. 2025 n° 24TL02643 (franc); no Conseil d’État ruling found.',
  'L. 741-10: délai to contest a rétention placement before the magistrat du siège after the 2024 reform (48 hours in the 2022 text; 4 days in some secondary sources).',
  'Whether a legal-aid request interrupts the 1-month (L. 911-1) and 7-day (L. 921-1) délais after the 2024 reform.',
  'Délai for an OQTF taken after the final rejection of an asylum claim (L. 611-1 4°) after the 2024 reform.',
  'CNDA: the 1-month délai of L. 532-1 computed as a délai franc (general administrative rule) — not confirmed on a CNDA text.',
  'Naturalisation RAPO: 2 months (décret n° 93-1362 art. 45) — text not re-read after décret n° 2025-648.',
  'Article numbers cited without re-reading the text for this version: CJA R. 312-18 (TA de Nantes), R. 821-1; CESEDA L. 531-41, L. 631-1, L. 732-8, R. 425-11; CESEDA L. 435-4 conditions (secondary sources only).',
];

/** What the case tells about the person and the decision, for choosing the procedure. */
export interface DeadlineContext {
  libertyStatus?: 'free' | 'assignation_residence' | 'detention' | 'retention';
  /** The competent court's name as the decision states it (e.g. "TA de Strasbourg"). */
  competentCourt?: string;
  visaType?: 'court_sejour' | 'long_sejour';
}

/** Alsace-Moselle courts observe Good Friday and 26 December (C. trav. L. 3134-13). */
export function calendarFor(court: string | undefined): CalendarOptions {
  const alsace = /strasbourg|colmar|mulhouse|metz|saverne|thionville|sarreguemines/i.test(court ?? '');
  return { alsaceMoselle: alsace };
}

const TA = 'Tribunal administratif (ressort de l’autorité qui a décidé; lieu de l’assignation ou de la rétention le cas échéant)';

// CESEDA L. 911-1 (loi n° 2024-42 art. 72; décret n° 2024-799, in force 15 July 2024): one month,
// counted under the general administrative rule (délai franc, extended to the next working day).
const ONE_MONTH_L911: Reading = { label: 'L. 911-1: 1 mois, délai franc', period: { unit: 'months', n: 1, franc: true, extended: true } };

// CESEDA L. 921-1: seven days. The two readings the courts hold (research-2026 §1.4).
const SEVEN_DAYS_L921: Reading[] = [
  {
    label: 'non franc, from the day after notification, not extended',
    period: { unit: 'days', n: 7, franc: false, extended: false },
    decisions: ['CAA Lyon, 19 déc. 2024, n° 24LY03013'],
  },
  {
    label: 'délai franc, counted day by day, extended to the next working day',
    period: { unit: 'days', n: 7, franc: true, extended: true },
    decisions: ['CAA Toulouse, 3 juil. 2025, n° 24TL02643 (C+)', 'by analogy CE avis 30 juil. 2021 n° 452878 (former 15-day OQTF délai: franc)'],
  },
];

// CESEDA L. 921-2: 48 hours from notification, d'heure à heure, never extended.
const FORTY_EIGHT_HOURS_L921: Reading = { label: 'L. 921-2: 48 heures', period: { unit: 'hours', n: 48 } };

// CJA R. 421-1: two months, délai franc (CE Sect. 4 juin 1954, Commune de Décines-Charpieu).
const TWO_MONTHS_R421: Reading = { label: 'CJA R. 421-1: 2 mois, délai franc', period: { unit: 'months', n: 2, franc: true, extended: true } };

function oqtfRules(liberty: DeadlineContext['libertyStatus'], court: string, cal: CalendarOptions): RemedyRule[] {
  const admin: RemedyRule = {
    remedy: 'recours_gracieux',
    label: 'Recours gracieux ou hiérarchique (facultatif)',
    court: 'Préfet (gracieux) / ministre de l’Intérieur (hiérarchique)',
    readings: null,
    startsFrom: 'any time; it does not extend the contentious délai',
    legalBasis: 'CESEDA livre IX, partie réglementaire (version 17 janv. 2025): le recours administratif ne proroge pas le délai',
    notes: ['An administrative recours does not extend the délai of the recours contentieux: file the recours contentieux in time regardless.'],
    calendar: cal,
  };
  if (liberty === 'retention') {
    return [
      {
        remedy: 'recours_contentieux',
        label: 'Recours en annulation (procédure à juge unique, 48 h)',
        court,
        readings: [FORTY_EIGHT_HOURS_L921],
        legalBasis: 'CESEDA L. 921-2 (jugement sous 96 h, L. 921-2 al. 2); R. 921-1 al. 2 (placement en rétention: délai en cours interrompu, 48 h)',
        notes: ['If the délai of L. 911-1 or L. 921-1 was still running when the rétention was notified, it is interrupted and 48 hours run from that information (CESEDA R. 921-1).'],
        calendar: cal,
      },
      admin,
    ];
  }
  if (liberty === 'assignation_residence' || liberty === 'detention') {
    return [
      {
        remedy: 'recours_contentieux',
        label: 'Recours en annulation (procédure à juge unique, 7 jours)',
        court,
        readings: SEVEN_DAYS_L921,
        legalBasis: 'CESEDA L. 921-1 (jugement sous 15 jours); R. 921-1 al. 1 (assignation: délai en cours interrompu, 7 jours)',
        notes: ['Decisions notified together (refus de séjour, délai de départ, pays de renvoi, IRTF, assignation) may be challenged in one requête.'],
        toVerify: [TO_VERIFY[0]!, TO_VERIFY[2]!],
        calendar: cal,
      },
      admin,
    ];
  }
  return [
    {
      remedy: 'recours_contentieux',
      label: 'Recours en annulation (procédure collégiale spéciale, 1 mois)',
      court,
      readings: [ONE_MONTH_L911],
      legalBasis: 'CESEDA L. 911-1 (jugement sous 6 mois)',
      notes: [
        'Legal aid may be requested at the latest with the recours (L. 911-1 al. 2).',
        'If the person is then assigned to residence the délai becomes 7 days; if placed in rétention, 48 hours (CESEDA R. 921-1): re-run the analysis with the new liberty status.',
        'After a final asylum rejection (L. 611-1 4°) the délai is to verify.',
      ],
      toVerify: [TO_VERIFY[2]!, TO_VERIFY[3]!],
      calendar: cal,
    },
    admin,
  ];
}

function sejourRules(court: string, cal: CalendarOptions, label: string): RemedyRule[] {
  return [
    {
      remedy: 'recours_gracieux',
      label: 'Recours gracieux au préfet (facultatif, conserve le délai contentieux)',
      court: 'Préfet',
      readings: [TWO_MONTHS_R421],
      legalBasis: 'CRPA L. 411-2; CE Sect. 10 juil. 1964, Centre médico-pédagogique de Beaulieu (un recours administratif formé dans le délai interrompt le délai contentieux)',
      notes: ['Filed within the 2 months, it restarts the contentious délai from its rejection (explicit, or implicit after 2 months of silence, CRPA L. 231-4).'],
      calendar: cal,
    },
    {
      remedy: 'recours_hierarchique',
      label: 'Recours hiérarchique au ministre de l’Intérieur (facultatif)',
      court: 'Ministre de l’Intérieur',
      readings: [TWO_MONTHS_R421],
      legalBasis: 'CRPA L. 411-2',
      notes: [],
      calendar: cal,
    },
    {
      remedy: 'recours_contentieux',
      label,
      court,
      readings: [TWO_MONTHS_R421],
      legalBasis: 'CJA R. 421-1; R. 421-5 (délai inopposable si la notification ne mentionne pas voies et délais)',
      notes: ['A référé-suspension (CJA L. 521-1) can accompany it; urgency is presumed for a refusal to renew (CE 18 févr. 2022 n° 457933).'],
      calendar: cal,
    },
  ];
}

/** The remedies open for a procedure, each with its article (rules of RULES_VERSION). */
export function remedyRulesFor(procedure: ProcedureCode, ctx: DeadlineContext): RemedyRule[] {
  const court = ctx.competentCourt ?? TA;
  const cal = calendarFor(ctx.competentCourt);
  const nantes = calendarFor('Nantes');
  switch (procedure) {
    case 'oqtf':
      return oqtfRules(ctx.libertyStatus === undefined ? 'free' : ctx.libertyStatus, court, cal);
    case 'oqtf_assignation_residence':
      return oqtfRules('assignation_residence', court, cal);
    case 'oqtf_detention':
      return oqtfRules('detention', court, cal);
    case 'oqtf_retention':
      return oqtfRules('retention', court, cal);
    case 'irtf': {
      // R. 614-1 / R. 614-2: an IRTF notified with the OQTF follows it; a later IRTF (or its
      // prolongation, L. 612-11) runs under L. 921-1 (48 h in rétention).
      const rules = oqtfRules(ctx.libertyStatus === undefined || ctx.libertyStatus === 'free' ? 'detention' : ctx.libertyStatus, court, cal);
      rules[0]!.notes = [
        'An IRTF notified with an OQTF is challenged with it, on the OQTF’s délai (1 month if the person is free). An IRTF notified later, or its prolongation (L. 612-11), runs under L. 921-1 (7 days) or L. 921-2 (48 h) in rétention (CESEDA R. 614-2); the earliest is shown.',
        ...rules[0]!.notes,
      ];
      return rules;
    }
    case 'transfert_dublin':
      // L. 572-4: the transfer decision is contested under L. 921-1, or L. 921-2 in rétention. The
      // CE held the former 15-day Dublin délai non franc, given the need for speed (avis 1er juil. 2020).
      return oqtfRules(ctx.libertyStatus === 'retention' ? 'retention' : 'assignation_residence', court, cal).map((r) =>
        r.remedy === 'recours_contentieux'
          ? {
              ...r,
              legalBasis: `CESEDA L. 572-4; ${r.legalBasis}`,
              readings: r.readings?.map((reading) =>
                reading.period.unit === 'days' && !reading.period.franc
                  ? { ...reading, decisions: [...(reading.decisions ?? []), 'CE avis 1er juil. 2020 n° 438152 (former 15-day Dublin délai: non franc)'] }
                  : reading,
              ) ?? null,
            }
          : r,
      );
    case 'assignation_residence':
      // L. 732-8 → L. 921-1; the Dublin assignation too (CE, avis, 14 nov. 2024, n° 496412).
      return oqtfRules('assignation_residence', court, cal).map((r) =>
        r.remedy === 'recours_contentieux'
          ? { ...r, legalBasis: `CESEDA L. 732-8; L. 921-1; CE avis 14 nov. 2024 n° 496412 (assignation L. 751-2)`, label: 'Recours en annulation de l’assignation à résidence (7 jours)' }
          : r,
      );
    case 'refus_entree_asile':
      return oqtfRules('retention', court, cal)
        .slice(0, 1)
        .map((r) => ({ ...r, legalBasis: 'CESEDA L. 921-2 (procédure d’urgence, 48 h)', toVerify: ['Article renvoyant le refus d’entrée au titre de l’asile à L. 921-2 (L. 352-4 avant la réforme) — to verify.'] }));
    case 'retention_placement':
      return [
        {
          remedy: 'contestation_judiciaire',
          label: 'Contestation du placement en rétention (requête au magistrat du siège)',
          court: 'Magistrat du siège du tribunal judiciaire (lieu de rétention)',
          readings: [
            { label: '48 heures (L. 741-10, texte 2022)', period: { unit: 'hours', n: 48 }, decisions: ['CESEDA L. 741-10, version du 1er mai 2021'] },
            { label: '4 jours (secondary sources after the 2024 reform)', period: { unit: 'hours', n: 96 }, decisions: ['research-2026 §1.5 [S27]'] },
          ],
          legalBasis: 'CESEDA L. 741-10; L. 614-13 (only the judicial judge)',
          notes: [
            'The initial rétention lasts 4 days (L. 741-1); the day of notification counts and the period is not extended (Cass. civ. 1re, avis, 7 janv. 2025, n° 24-70.008).',
            'The OQTF itself is challenged before the TA within 48 hours (L. 921-2): see procedure oqtf_retention.',
          ],
          toVerify: [TO_VERIFY[1]!],
          calendar: cal,
        },
      ];
    case 'refus_titre_sejour':
      return sejourRules(court, cal, 'Recours en annulation du refus de titre de séjour');
    case 'refus_renouvellement_titre':
      return sejourRules(court, cal, 'Recours en annulation du refus de renouvellement');
    case 'retrait_titre_sejour':
      return sejourRules(court, cal, 'Recours en annulation du retrait de titre');
    case 'regroupement_familial_refus':
      return sejourRules(court, cal, 'Recours en annulation du refus de regroupement familial').map((r) =>
        r.remedy === 'recours_contentieux' ? { ...r, legalBasis: `CESEDA L. 434-1 s.; ${r.legalBasis}` } : r,
      );
    case 'expulsion':
      return [
        {
          remedy: 'recours_contentieux',
          label: 'Recours en annulation de l’arrêté d’expulsion (droit commun)',
          court,
          readings: [TWO_MONTHS_R421],
          legalBasis: 'CESEDA L. 631-1 s.; CJA R. 421-1',
          notes: ['Livre IX does not cover expulsion: 2 months. A référé-liberté (CJA L. 521-2) or référé-suspension is usually needed since the measure is enforceable.'],
          calendar: cal,
        },
      ];
    case 'refus_visa': {
      const authority = ctx.visaType === 'court_sejour' ? 'Sous-directeur des visas (ministère de l’Intérieur)' : ctx.visaType === 'long_sejour' ? 'Commission de recours contre les refus de visa (CRRV), Nantes' : 'CRRV (long séjour) or sous-directeur des visas (court séjour)';
      return [
        {
          remedy: 'rapo',
          label: 'Recours administratif préalable obligatoire',
          court: authority,
          // Non franc: CAA Nantes held the former CRRV délai non franc (research-2026 §2 #4); earliest reading.
          readings: [{ label: 'D. 312-4: 30 jours', period: { unit: 'days', n: 30, franc: false, extended: true } }],
          legalBasis: 'CESEDA D. 312-3 (préalable obligatoire à peine d’irrecevabilité), D. 312-4 (30 jours)',
          notes: ['In French, reasoned (D. 312-5 / D. 312-7-1). Silence for 2 months = rejection.'],
          calendar: nantes,
        },
        {
          remedy: 'recours_contentieux',
          label: 'Recours en annulation après rejet du RAPO',
          court: 'Tribunal administratif de Nantes',
          readings: null,
          startsFrom: 'the RAPO’s rejection (explicit, or implicit 2 months after it was received): then 2 months (CJA R. 421-1)',
          legalBasis: 'CJA R. 312-18 (TA de Nantes), R. 421-1; R. 811-1 10° (short-stay visa: first and last resort)',
          notes: [],
          calendar: nantes,
        },
      ];
    }
    case 'naturalisation_refus':
      return [
        {
          remedy: 'rapo',
          label: 'Recours administratif préalable obligatoire au ministre chargé des naturalisations',
          court: 'Ministre de l’Intérieur (sous-direction de l’accès à la nationalité française)',
          readings: [{ label: 'Décret 93-1362 art. 45: 2 mois', period: { unit: 'months', n: 2, franc: true, extended: true } }],
          legalBasis: 'Décret n° 93-1362 du 30 déc. 1993, art. 45',
          notes: ['Silence for 4 months = rejection; the minister’s decision replaces the préfet’s.'],
          toVerify: [TO_VERIFY[5]!],
          calendar: nantes,
        },
        {
          remedy: 'recours_contentieux',
          label: 'Recours en annulation de la décision du ministre',
          court: 'Tribunal administratif de Nantes',
          readings: null,
          startsFrom: 'the minister’s decision (explicit, or implicit after 4 months): then 2 months (CJA R. 421-1)',
          legalBasis: 'CJA R. 421-1; décret 93-1362 art. 45',
          notes: [],
          calendar: nantes,
        },
      ];
    case 'asile_rejet_ofpra':
      return [
        {
          remedy: 'aide_juridictionnelle',
          label: 'Demande d’aide juridictionnelle (suspend le délai de recours)',
          court: 'Bureau d’aide juridictionnelle de la CNDA',
          readings: [{ label: '15 jours', period: { unit: 'days', n: 15, franc: false, extended: false } }],
          legalBasis: 'Loi n° 91-647 du 10 juil. 1991, art. 9-4',
          notes: ['Counted conservatively (non franc, not extended).'],
          calendar: {},
        },
        {
          remedy: 'recours_contentieux',
          label: 'Recours devant la Cour nationale du droit d’asile',
          court: 'Cour nationale du droit d’asile (Montreuil)',
          readings: [{ label: 'L. 532-1: 1 mois, délai franc', period: { unit: 'months', n: 1, franc: true, extended: true } }],
          legalBasis: 'CESEDA L. 532-1',
          notes: ['A decision left in the OFPRA online space is deemed notified after 15 days if not consulted.'],
          toVerify: [TO_VERIFY[4]!],
          calendar: {},
        },
      ];
    case 'cnda_rejet':
      return [
        {
          remedy: 'pourvoi_cassation',
          label: 'Pourvoi en cassation (avocat aux Conseils)',
          court: 'Conseil d’État',
          readings: [{ label: 'CJA R. 821-1: 2 mois', period: { unit: 'months', n: 2, franc: true, extended: true } }],
          legalBasis: 'CJA R. 821-1',
          notes: ['A demande de réexamen before OFPRA (new facts) is an alternative (CESEDA L. 531-41).'],
          calendar: {},
        },
      ];
    case 'demande_titre_sejour':
      return [];
  }
}
