import type { CalendarOptions } from './calendar.js';
import type { Reading, RemedyRule } from './deadlineEngine.js';
import type { ProcedureCode } from './procedures.js';
import type { DeadlineContext } from './rules.js';

/**
 * The time limits that governed decisions taken before 15 July 2024 (loi n° 2024-42 art. 86 IV:
 * the livre IX procedures apply to decisions taken from that date), as the CESEDA stated them from
 * 1 May 2021 (ordonnance n° 2020-1733) to 14 July 2024, with CJA R. 776-1 s. (repealed by décret
 * n° 2024-799). Only the procedures whose time limits the reform changed are here.
 */

/** The day loi n° 2024-42's contentieux provisions apply from (art. 86 IV; décret n° 2024-799 art. 9 II). */
export const REFORM_2024_FROM = '2024-07-15';

/** The procedures whose time limits loi n° 2024-42 changed: the others keep one regime. */
export const REFORMED_PROCEDURES: readonly ProcedureCode[] = [
  'oqtf',
  'oqtf_assignation_residence',
  'oqtf_detention',
  'oqtf_retention',
  'irtf',
  'transfert_dublin',
  'assignation_residence',
];

export const PRE_REFORM_TO_VERIFY =
  'Régime antérieur au 15 juillet 2024 : numérotation exacte des articles de l’ancien chapitre IV du titre Ier du livre VI du CESEDA (rédaction de l’ordonnance n° 2020-1733) pour les délais de 15 jours et de 48 heures, et de l’ancien article L. 572-5 (transfert Dublin) — seuls l’ancien L. 614-1 (30 jours) et l’ancien L. 614-8 (48 heures) ont été cités par la source consultée ; CJA R. 776-2 s. (abrogés par le décret n° 2024-799).';

const THIRTY_DAYS: Reading = {
  label:
    'ancien régime, OQTF avec délai de départ volontaire (refus ou retrait de titre, autres cas) : 30 jours, délai franc (ancien CESEDA L. 614-1 ; CJA R. 776-2)',
  period: { unit: 'days', n: 30, franc: true, extended: true },
  decisions: ['CAA Versailles, 22 janv. 2015, n° 14VE02440 (délai de 30 jours, distinct d’un délai d’un mois)'],
};

const FIFTEEN_DAYS: Reading = {
  label:
    'ancien régime, OQTF fondée sur les 1°, 2° ou 4° de L. 611-1 (entrée ou maintien irréguliers, rejet définitif de la demande d’asile) : 15 jours, délai franc',
  period: { unit: 'days', n: 15, franc: true, extended: true },
  decisions: ['CE avis 30 juil. 2021 n° 452878 (délai de 15 jours contre l’OQTF : franc)'],
};

const FORTY_EIGHT_HOURS = (why: string): Reading => ({
  label: `ancien régime, ${why} : 48 heures, décomptées d’heure à heure`,
  period: { unit: 'hours', n: 48 },
});

const FIFTEEN_DAYS_DUBLIN: Reading = {
  label: 'ancien régime, transfert Dublin : 15 jours, délai non franc, non prorogé',
  period: { unit: 'days', n: 15, franc: false, extended: false },
  decisions: ['CE avis 1er juil. 2020 n° 438152 (délai de 15 jours contre le transfert Dublin : non franc)'],
};

function contentieux(court: string, cal: CalendarOptions, readings: Reading[], legalBasis: string, notes: string[]): RemedyRule {
  return {
    remedy: 'recours_contentieux',
    label: 'Recours en annulation (régime antérieur à la loi n° 2024-42)',
    court,
    readings,
    legalBasis,
    notes: [
      'Décision prise avant le 15 juillet 2024 : les délais de recours antérieurs à la loi n° 2024-42 s’appliquent (art. 86 IV de la loi ; décret n° 2024-799 art. 9 II).',
      ...notes,
    ],
    toVerify: [PRE_REFORM_TO_VERIFY],
    calendar: cal,
  };
}

const GRACIEUX = (cal: CalendarOptions): RemedyRule => ({
  remedy: 'recours_gracieux',
  label: 'Recours gracieux ou hiérarchique (facultatif)',
  court: 'Préfet (gracieux) / ministre de l’Intérieur (hiérarchique)',
  readings: null,
  startsFrom:
    'Aucun délai propre : le recours administratif peut être formé à tout moment, mais il ne proroge pas le délai du recours contentieux (ancien CJA R. 776-5).',
  legalBasis: 'Ancien CJA R. 776-5 : le recours administratif ne proroge pas le délai',
  notes: [
    'Le recours administratif ne proroge pas le délai du recours contentieux : introduire en tout état de cause le recours contentieux dans son délai.',
  ],
  calendar: cal,
});

/** The remedies open for a procedure under the former time limits; null when the reform changed nothing for it. */
export function preReformRulesFor(
  procedure: ProcedureCode,
  ctx: DeadlineContext,
  court: string,
  cal: CalendarOptions,
): RemedyRule[] | null {
  const liberty =
    procedure === 'oqtf_assignation_residence' || procedure === 'assignation_residence'
      ? 'assignation_residence'
      : procedure === 'oqtf_detention'
        ? 'detention'
        : procedure === 'oqtf_retention'
          ? 'retention'
          : (ctx.libertyStatus ?? 'free');
  const restricted =
    liberty === 'retention'
      ? FORTY_EIGHT_HOURS('étranger placé en rétention (ancien CESEDA L. 614-8)')
      : liberty === 'assignation_residence'
        ? FORTY_EIGHT_HOURS('étranger assigné à résidence (ancien CESEDA L. 614-8)')
        : liberty === 'detention'
          ? FORTY_EIGHT_HOURS('étranger détenu (ancien CESEDA, OQTF notifiée en détention)')
          : null;
  switch (procedure) {
    case 'oqtf':
    case 'oqtf_assignation_residence':
    case 'oqtf_detention':
    case 'oqtf_retention':
    case 'irtf': {
      const readings = restricted ? [restricted] : [FORTY_EIGHT_HOURS('OQTF sans délai de départ volontaire'), FIFTEEN_DAYS, THIRTY_DAYS];
      const notes = restricted
        ? [
            'Le tribunal statuait dans les 96 heures (rétention) ou le délai fixé par l’ancien CESEDA ; le recours contre les décisions notifiées avec l’OQTF suivait le même délai.',
          ]
        : [
            'Avant la réforme, le délai dépendait de l’octroi d’un délai de départ volontaire et du fondement de l’OQTF (ancien CESEDA L. 611-1) : vérifier la décision ; l’échéance retenue est la plus précoce des trois.',
          ];
      if (procedure === 'irtf') notes.unshift('L’IRTF notifiée avec une OQTF se contestait avec celle-ci, dans le même délai.');
      return [
        contentieux(
          court,
          cal,
          readings,
          'Ancien CESEDA L. 614-1 s. (rédaction du 1er mai 2021 au 14 juillet 2024); ancien CJA R. 776-1 s.',
          notes,
        ),
        GRACIEUX(cal),
      ];
    }
    case 'transfert_dublin':
      return [
        contentieux(
          court,
          cal,
          [restricted ?? FIFTEEN_DAYS_DUBLIN],
          'Ancien CESEDA L. 572-4 et L. 572-5 (rédaction antérieure au 15 juillet 2024)',
          ['Avant la réforme : 15 jours, ou 48 heures en cas de placement en rétention ou d’assignation à résidence.'],
        ),
        GRACIEUX(cal),
      ];
    case 'assignation_residence':
      return [
        contentieux(
          court,
          cal,
          [FORTY_EIGHT_HOURS('assignation à résidence (ancien CESEDA L. 732-8)')],
          'Ancien CESEDA L. 732-8; ancien CJA R. 776-1 s.',
          [],
        ),
        GRACIEUX(cal),
      ];
    default:
      return null;
  }
}
