import type { CalendarOptions } from './calendar.js';
import type { Reading, RemedyRule } from './deadlineEngine.js';
import type { NotificationMode, Territory } from './facts.js';
import { applyOverseasRules, resolveTerritory } from './overseas.js';
import { PROCEDURE_NAMES_FR, type ProcedureCode } from './procedures.js';

/**
 * Rules as of this date (ceseda-basic-v1). Every analysis result carries it; change it whenever a
 * rule below changes. Sources and open questions: docs/ceseda-rules.md.
 */
export const RULES_VERSION = '2026-12-05';

/** Points not confirmed on a primary text when RULES_VERSION was set; every result lists them. */
export const TO_VERIFY: readonly string[] = [
  'L. 921-1 (7 jours) : délai franc ou non franc — non franc selon CAA Lyon 19 déc. 2024 n° 24LY03013, franc selon CAA Toulouse 3 juil. 2025 n° 24TL02643 ; aucune décision du Conseil d’État n’a été trouvée.',
  'L. 741-10 : délai de contestation du placement en rétention devant le magistrat du siège depuis la réforme de 2024 (48 heures dans la rédaction de 2022 ; 4 jours selon certaines sources secondaires).',
  'Effet interruptif ou non de la demande d’aide juridictionnelle sur les délais d’un mois (L. 911-1) et de 7 jours (L. 921-1) depuis la réforme de 2024.',
  'Délai de recours contre une OQTF prise après le rejet définitif d’une demande d’asile (L. 611-1 4°) depuis la réforme de 2024.',
  'CNDA : délai d’un mois de L. 532-1 calculé comme un délai franc (règle générale du contentieux administratif) — non confirmé par un texte propre à la CNDA.',
  'RAPO en matière de naturalisation : 2 mois (décret n° 93-1362 art. 45) — texte non relu depuis le décret n° 2025-648.',
  'Articles cités sans relecture du texte pour cette version : CJA R. 312-18 (TA de Nantes), R. 821-1 ; CESEDA L. 531-41, L. 631-1, L. 732-8, R. 425-11 ; conditions de CESEDA L. 435-4 (sources secondaires uniquement).',
];

/**
 * What the case tells about the person and the decision, for choosing the procedure and the day
 * the délai counts from. The same names and types as the case's facts (`facts.ts`), so a caller
 * passes the validated facts as they are.
 */
export interface DeadlineContext {
  libertyStatus?: 'free' | 'assignation_residence' | 'detention' | 'retention';
  /** The competent court's name as the decision states it (e.g. "TA de Strasbourg"). */
  competentCourt?: string;
  visaType?: 'court_sejour' | 'long_sejour';
  /** The day the decision was taken: loi n° 2024-42 art. 86 IV chooses the regime by it. */
  decisionTakenOn?: string;
  notificationMode?: NotificationMode;
  letterFirstPresentedOn?: string;
  letterCollectedOn?: string;
  letterNeverCollected?: boolean;
  /** A refusal of a titre notified with an OQTF: the OQTF's time limits govern. */
  oqtfAccompanies?: boolean;
  /** Where the decision applies (overseas derogations and holidays); derived from `departement` or the court when absent. */
  territory?: Territory;
  /** The deciding prefecture's département (971–978 are overseas). */
  departement?: string | null;
}

/** The court the remedy goes to: the one the decision names, else the tribunal administratif. */
export function courtFor(ctx: DeadlineContext): string {
  return ctx.competentCourt ?? TA;
}

/** Alsace-Moselle courts observe Good Friday and 26 December (C. trav. L. 3134-13); overseas courts their territory's holiday. */
export function calendarFor(court: string | undefined, territory: Territory = 'metropole'): CalendarOptions {
  const alsace = /strasbourg|colmar|mulhouse|metz|saverne|thionville|sarreguemines/i.test(court ?? '');
  return territory === 'metropole' ? { alsaceMoselle: alsace } : { alsaceMoselle: alsace, territory };
}

const TA =
  'Tribunal administratif (ressort de l’autorité qui a pris la décision ; le cas échéant, lieu de l’assignation à résidence ou de la rétention)';

// CESEDA L. 911-1 (loi n° 2024-42 art. 72; décret n° 2024-799, in force 15 July 2024): one month,
// counted under the general administrative rule (délai franc, extended to the next working day).
const ONE_MONTH_L911: Reading = { label: 'L. 911-1 : 1 mois, délai franc', period: { unit: 'months', n: 1, franc: true, extended: true } };

// CESEDA L. 921-1: seven days. The two readings the courts hold: non franc (CAA Lyon, 19 déc. 2024,
// n° 24LY03013) and franc (CAA Toulouse, 3 juil. 2025, n° 24TL02643).
const SEVEN_DAYS_L921: Reading[] = [
  {
    label: 'délai non franc, courant à compter du lendemain de la notification, non prorogé',
    period: { unit: 'days', n: 7, franc: false, extended: false },
    decisions: ['CAA Lyon, 19 déc. 2024, n° 24LY03013'],
  },
  {
    label: 'délai franc, décompté par jours entiers et non d’heure à heure, prorogé au premier jour ouvrable suivant',
    period: { unit: 'days', n: 7, franc: true, extended: true },
    decisions: [
      'CAA Toulouse, 3 juil. 2025, n° 24TL02643 (C+)',
      'par analogie, CE avis 30 juil. 2021 n° 452878 (ancien délai de 15 jours contre l’OQTF : franc)',
    ],
  },
];

// A RAPO's délai (visa: CESEDA D. 312-4; naturalisation: décret n° 93-1362 art. 45) is an
// administrative one: no text says whether it is franc, nor whether it runs over a weekend or
// holiday. The CAA Nantes held the former visa RAPO non franc; the general rule of the délais de
// recours is franc and extended (CE Sect. 4 juin 1954; CPC art. 642). Every reading is shown, the
// earliest first, as for L. 921-1.
const RAPO_TO_VERIFY =
  'RAPO (visa D. 312-4, naturalisation décret n° 93-1362 art. 45) : délai franc ou non franc, prorogé ou non lorsqu’il expire un samedi, un dimanche ou un jour férié — aucun texte ni décision du Conseil d’État trouvés ; l’arrêt de la CAA Nantes (2019, ancien RAPO visa : non franc) n’a pas été relu et sa référence reste à préciser.';

function rapoReadings(article: string, length: { unit: 'days' | 'months'; n: number }, nonFrancDecisions: string[]): Reading[] {
  return [
    {
      label: `${article}, délai non franc, non prorogé`,
      period: { ...length, franc: false, extended: false },
      decisions: [...nonFrancDecisions, 'aucun texte ne prévoit la prorogation d’un délai de recours administratif'],
    },
    {
      label: `${article}, délai non franc, prorogé au premier jour ouvrable suivant`,
      period: { ...length, franc: false, extended: true },
      decisions: [...nonFrancDecisions, 'CPC art. 642, appliqué par analogie'],
    },
    {
      label: `${article}, délai franc, prorogé au premier jour ouvrable suivant`,
      period: { ...length, franc: true, extended: true },
      decisions: ['règle générale des délais de recours : CE Sect. 4 juin 1954, Commune de Décines-Charpieu ; CPC art. 642'],
    },
  ];
}

// CESEDA L. 921-2: 48 hours from notification, d'heure à heure, never extended.
const FORTY_EIGHT_HOURS_L921: Reading = { label: 'L. 921-2 : 48 heures', period: { unit: 'hours', n: 48 } };

// CJA R. 421-1: two months, délai franc (CE Sect. 4 juin 1954, Commune de Décines-Charpieu).
const TWO_MONTHS_R421: Reading = {
  label: 'CJA R. 421-1 : 2 mois, délai franc',
  period: { unit: 'months', n: 2, franc: true, extended: true },
};

function oqtfRules(liberty: DeadlineContext['libertyStatus'], court: string, cal: CalendarOptions): RemedyRule[] {
  const admin: RemedyRule = {
    remedy: 'recours_gracieux',
    label: 'Recours gracieux ou hiérarchique (facultatif)',
    court: 'Préfet (gracieux) / ministre de l’Intérieur (hiérarchique)',
    readings: null,
    startsFrom:
      'Aucun délai propre : le recours administratif peut être formé à tout moment, mais il ne proroge pas le délai du recours contentieux.',
    legalBasis: 'CESEDA livre IX, partie réglementaire (version 17 janv. 2025) : le recours administratif ne proroge pas le délai',
    notes: [
      'Le recours administratif ne proroge pas le délai du recours contentieux : introduire en tout état de cause le recours contentieux dans son délai.',
    ],
    calendar: cal,
  };
  if (liberty === 'retention') {
    return [
      {
        remedy: 'recours_contentieux',
        label: 'Recours en annulation (procédure à juge unique, 48 h)',
        court,
        readings: [FORTY_EIGHT_HOURS_L921],
        legalBasis:
          'CESEDA L. 921-2 (jugement sous 96 h, L. 921-2 al. 2); R. 921-1 al. 2 (placement en rétention : délai en cours interrompu, 48 h)',
        notes: [
          'Si le délai de L. 911-1 ou de L. 921-1 courait encore lors de la notification du placement en rétention, il est interrompu et un délai de 48 heures court à compter de cette information (CESEDA R. 921-1).',
        ],
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
        legalBasis: 'CESEDA L. 921-1 (jugement sous 15 jours); R. 921-1 al. 1 (assignation : délai en cours interrompu, 7 jours)',
        notes: [
          'Les décisions notifiées simultanément (refus de séjour, délai de départ volontaire, pays de renvoi, IRTF, assignation à résidence) peuvent être contestées par une même requête.',
        ],
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
        'L’aide juridictionnelle peut être demandée au plus tard lors de l’introduction du recours (L. 911-1 al. 2).',
        'Si l’intéressé est ensuite assigné à résidence, le délai devient de 7 jours ; s’il est placé en rétention, de 48 heures (CESEDA R. 921-1) : relancer alors l’analyse en indiquant la nouvelle mesure.',
        'Après le rejet définitif d’une demande d’asile (L. 611-1 4°), le délai reste à vérifier.',
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
      legalBasis:
        'CRPA L. 411-2; CE Sect. 10 juil. 1964, Centre médico-pédagogique de Beaulieu (un recours administratif formé dans le délai interrompt le délai contentieux)',
      notes: [
        'Formé dans le délai de 2 mois, il interrompt le délai de recours contentieux, qui court à nouveau à compter de son rejet (explicite, ou implicite né du silence gardé pendant 2 mois, CRPA L. 231-4).',
      ],
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
      legalBasis: 'CJA R. 421-1; R. 421-5 (délai inopposable si la notification ne mentionne pas les voies et délais de recours)',
      notes: [
        'Il peut être assorti d’un référé-suspension (CJA L. 521-1) ; l’urgence est présumée en cas de refus de renouvellement d’un titre de séjour (CE 18 févr. 2022 n° 457933).',
      ],
      calendar: cal,
    },
  ];
}

/**
 * The remedies open for a procedure, each with its article (rules of RULES_VERSION), with the
 * territory's derogations applied (overseas.ts). `year`: the notification's, for the notes.
 */
export function remedyRulesFor(procedure: ProcedureCode, ctx: DeadlineContext, year = 0): RemedyRule[] {
  const place = resolveTerritory(ctx);
  return applyOverseasRules(procedure, nationalRemedyRules(procedure, ctx, place.territory), place, year);
}

function nationalRemedyRules(procedure: ProcedureCode, ctx: DeadlineContext, territory: Territory): RemedyRule[] {
  const court = ctx.competentCourt ?? TA;
  const cal = calendarFor(ctx.competentCourt, territory);
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
      const rules = oqtfRules(
        ctx.libertyStatus === undefined || ctx.libertyStatus === 'free' ? 'detention' : ctx.libertyStatus,
        court,
        cal,
      );
      rules[0]!.notes = [
        'L’IRTF notifiée avec une OQTF se conteste avec celle-ci, dans le délai applicable à l’OQTF (1 mois si l’intéressé est libre). L’IRTF notifiée postérieurement, ou sa prolongation (L. 612-11), relève de L. 921-1 (7 jours) ou, en rétention, de L. 921-2 (48 h) (CESEDA R. 614-2) ; l’échéance la plus proche est retenue.',
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
              readings:
                r.readings?.map((reading) =>
                  reading.period.unit === 'days' && !reading.period.franc
                    ? {
                        ...reading,
                        decisions: [
                          ...(reading.decisions ?? []),
                          'CE avis 1er juil. 2020 n° 438152 (ancien délai de 15 jours contre le transfert Dublin : non franc)',
                        ],
                      }
                    : reading,
                ) ?? null,
            }
          : r,
      );
    case 'assignation_residence':
      // L. 732-8 → L. 921-1; the Dublin assignation too (CE, avis, 14 nov. 2024, n° 496412).
      return oqtfRules('assignation_residence', court, cal).map((r) =>
        r.remedy === 'recours_contentieux'
          ? {
              ...r,
              legalBasis: `CESEDA L. 732-8; L. 921-1; CE avis 14 nov. 2024 n° 496412 (assignation L. 751-2)`,
              label: 'Recours en annulation de l’assignation à résidence (7 jours)',
            }
          : r,
      );
    case 'refus_entree_asile':
      return oqtfRules('retention', court, cal)
        .slice(0, 1)
        .map((r) => ({
          ...r,
          legalBasis: 'CESEDA L. 921-2 (procédure d’urgence, 48 h)',
          toVerify: ['Article renvoyant le refus d’entrée au titre de l’asile à L. 921-2 (L. 352-4 avant la réforme) — à vérifier.'],
        }));
    case 'retention_placement':
      return [
        {
          remedy: 'contestation_judiciaire',
          label: 'Contestation du placement en rétention (requête au magistrat du siège)',
          court: 'Magistrat du siège du tribunal judiciaire (lieu de rétention)',
          readings: [
            {
              label: '48 heures (L. 741-10, rédaction de 2022)',
              period: { unit: 'hours', n: 48 },
              decisions: ['CESEDA L. 741-10, version du 1er mai 2021'],
            },
            {
              label: '4 jours (sources secondaires postérieures à la réforme de 2024)',
              period: { unit: 'hours', n: 96 },
              decisions: ['CESEDA R. 741-3 (délai « mentionné à l’article L. 741-10 »)'],
            },
          ],
          legalBasis: 'CESEDA L. 741-10; L. 614-13 (compétence exclusive du juge judiciaire)',
          notes: [
            'La rétention initiale dure 4 jours (L. 741-1) ; le jour de la notification est compté et la durée n’est pas prorogée (Cass. civ. 1re, avis, 7 janv. 2025, n° 24-70.008).',
            `L’OQTF elle-même se conteste devant le tribunal administratif dans les 48 heures (L. 921-2) : voir la procédure « ${PROCEDURE_NAMES_FR.oqtf_retention} ».`,
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
          notes: [
            'Le livre IX ne s’applique pas à l’expulsion : délai de droit commun de 2 mois. La mesure étant exécutoire, un référé-liberté (CJA L. 521-2) ou un référé-suspension est généralement nécessaire.',
          ],
          calendar: cal,
        },
      ];
    case 'refus_visa': {
      const authority =
        ctx.visaType === 'court_sejour'
          ? 'Sous-directeur des visas (ministère de l’Intérieur)'
          : ctx.visaType === 'long_sejour'
            ? 'Commission de recours contre les refus de visa (CRRV), Nantes'
            : 'CRRV (long séjour) ou sous-directeur des visas (court séjour)';
      return [
        {
          remedy: 'rapo',
          label: 'Recours administratif préalable obligatoire',
          court: authority,
          readings: rapoReadings('D. 312-4 : 30 jours', { unit: 'days', n: 30 }, [
            'CAA Nantes, 2019 (ancien délai de 2 mois du recours devant la CRRV : non franc)',
          ]),
          legalBasis: 'CESEDA D. 312-3 (préalable obligatoire à peine d’irrecevabilité), D. 312-4 (30 jours)',
          notes: ['Recours rédigé en français et motivé (D. 312-5 / D. 312-7-1). Le silence gardé pendant 2 mois vaut rejet.'],
          toVerify: [RAPO_TO_VERIFY],
          calendar: nantes,
        },
        {
          remedy: 'recours_contentieux',
          label: 'Recours en annulation après rejet du RAPO',
          court: 'Tribunal administratif de Nantes',
          readings: null,
          startsFrom:
            'Délai de 2 mois (CJA R. 421-1) courant à compter du rejet du RAPO, explicite ou implicite (silence gardé pendant 2 mois à compter de sa réception) : il se calcule à partir de la date de ce rejet.',
          legalBasis: 'CJA R. 312-18 (TA de Nantes), R. 421-1; R. 811-1 10° (visa de court séjour : premier et dernier ressort)',
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
          readings: rapoReadings('Décret 93-1362 art. 45 : 2 mois', { unit: 'months', n: 2 }, [
            'par analogie, CAA Nantes, 2019 (ancien RAPO devant la CRRV : non franc)',
          ]),
          legalBasis: 'Décret n° 93-1362 du 30 déc. 1993, art. 45',
          notes: ['Le silence gardé pendant 4 mois vaut rejet ; la décision du ministre se substitue à celle du préfet.'],
          toVerify: [TO_VERIFY[5]!, RAPO_TO_VERIFY],
          calendar: nantes,
        },
        {
          remedy: 'recours_contentieux',
          label: 'Recours en annulation de la décision du ministre',
          court: 'Tribunal administratif de Nantes',
          readings: null,
          startsFrom:
            'Délai de 2 mois (CJA R. 421-1) courant à compter de la décision du ministre, explicite ou implicite (silence gardé pendant 4 mois) : il se calcule à partir de la date de cette décision.',
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
          notes: ['Calcul prudent : délai non franc, non prorogé.'],
          calendar: {},
        },
        {
          remedy: 'recours_contentieux',
          label: 'Recours devant la Cour nationale du droit d’asile',
          court: 'Cour nationale du droit d’asile (Montreuil)',
          readings: [{ label: 'L. 532-1 : 1 mois, délai franc', period: { unit: 'months', n: 1, franc: true, extended: true } }],
          legalBasis: 'CESEDA L. 532-1',
          notes: [
            'La décision déposée dans l’espace personnel en ligne de l’OFPRA est réputée notifiée à l’expiration d’un délai de 15 jours si elle n’a pas été consultée.',
          ],
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
          readings: [{ label: 'CJA R. 821-1 : 2 mois', period: { unit: 'months', n: 2, franc: true, extended: true } }],
          legalBasis: 'CJA R. 821-1',
          notes: [
            'Une demande de réexamen devant l’OFPRA, fondée sur des éléments nouveaux, constitue une alternative (CESEDA L. 531-41).',
          ],
          calendar: {},
        },
      ];
    case 'demande_titre_sejour':
      return [];
  }
}
