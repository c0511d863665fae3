import type { Reading, RemedyRule } from './deadlineEngine.js';
import type { Territory } from './facts.js';
import { abolitionOfSlaveryDay, OVERSEAS_HOLIDAYS_TO_VERIFY, TERRITORY_NAMES_FR } from './overseasHolidays.js';
import type { ProcedureCode } from './procedures.js';

/**
 * The overseas derogations to the removal contentieux (CESEDA, dispositions relatives à
 * l'outre-mer). In Guyane, Guadeloupe, Mayotte, Saint-Martin and Saint-Barthélemy the special OQTF
 * procedure of the metropole does not apply: the general rules of administrative procedure do
 * (délai of CJA R. 421-1, prorogé by a recours administratif — CE 25 juil. 2008 n° 315529), the
 * remedy does not suspend removal, and only a référé keeps the person on the territory. Martinique,
 * La Réunion and Saint-Pierre-et-Miquelon follow the metropolitan procedure.
 */

/** Where the territory came from: the fact itself, the prefecture's département, the court's name, or nothing (metropole). */
export type TerritorySource = 'facts' | 'departement' | 'court' | 'default';

export interface ResolvedTerritory {
  territory: Territory;
  source: TerritorySource;
  /** The sentence the result shows: which territory, and how it was known. */
  statement: string;
}

// INSEE codes of the overseas départements and collectivités (977 and 978 are Saint-Barthélemy and
// Saint-Martin, which the case form accepts as three-digit départements).
const BY_DEPARTEMENT: Readonly<Record<string, Territory>> = {
  '971': 'guadeloupe',
  '972': 'martinique',
  '973': 'guyane',
  '974': 'reunion',
  '975': 'saint_pierre_et_miquelon',
  '976': 'mayotte',
  '977': 'saint_barthelemy',
  '978': 'saint_martin',
};

// Court names as decisions write them ("TA de Mayotte", "TA de la Guyane", "TA de Basse-Terre").
// Order matters: Saint-Martin and Saint-Barthélemy before Guadeloupe (their TA sits at Basse-Terre
// but bears their name); "Saint-Pierre" alone is also a town of La Réunion, so Miquelon is required.
const BY_COURT: ReadonlyArray<[RegExp, Territory]> = [
  [/saint[- ]martin|st[- ]martin/i, 'saint_martin'],
  [/saint[- ]barth|st[- ]barth/i, 'saint_barthelemy'],
  [/mayotte|mamoudzou/i, 'mayotte'],
  [/guyane|cayenne/i, 'guyane'],
  [/guadeloupe|basse[- ]terre|pointe[- ]à[- ]pitre|pointe[- ]a[- ]pitre/i, 'guadeloupe'],
  [/martinique|fort[- ]de[- ]france/i, 'martinique'],
  [/r[ée]union/i, 'reunion'],
  [/miquelon/i, 'saint_pierre_et_miquelon'],
];

/** The territory the decision applies in: the fact when given, else derived from the département, else from the court. */
export function resolveTerritory(ctx: { territory?: Territory; departement?: string | null; competentCourt?: string }): ResolvedTerritory {
  if (ctx.territory !== undefined) {
    return {
      territory: ctx.territory,
      source: 'facts',
      statement: `Territoire : ${TERRITORY_NAMES_FR[ctx.territory]} (indiqué au dossier).`,
    };
  }
  const byDepartement = ctx.departement ? BY_DEPARTEMENT[ctx.departement] : undefined;
  if (byDepartement !== undefined) {
    return {
      territory: byDepartement,
      source: 'departement',
      statement: `Territoire : ${TERRITORY_NAMES_FR[byDepartement]}, déduit du département ${ctx.departement} (le territoire n’est pas indiqué au dossier).`,
    };
  }
  const court = ctx.competentCourt ?? '';
  const byCourt = BY_COURT.find(([pattern]) => pattern.test(court))?.[1];
  if (byCourt !== undefined) {
    return {
      territory: byCourt,
      source: 'court',
      statement: `Territoire : ${TERRITORY_NAMES_FR[byCourt]}, déduit de la juridiction « ${court} » (le territoire n’est pas indiqué au dossier).`,
    };
  }
  return {
    territory: 'metropole',
    source: 'default',
    statement: 'Territoire : France métropolitaine (aucun territoire d’outre-mer indiqué ni déduit).',
  };
}

/** A territory's derogation to the metropolitan OQTF procedure. */
interface Derogation {
  /** The texts that set it, as the legal basis shows them. */
  basis: string;
  /** What the lawyer must know there, beyond the common notes. */
  notes: string[];
  toVerify: string[];
}

const COMMON_TO_VERIFY =
  'Outre-mer : renvoi des dérogations au contentieux de l’OQTF vers le livre IX du CESEDA depuis la loi n° 2024-42 (articles L. 911-1, L. 921-1 et L. 921-2 écartés comme l’étaient L. 614-1 s.) — rédaction en vigueur non relue.';

const DEROGATIONS: Readonly<Partial<Record<Territory, Derogation>>> = {
  guyane: {
    basis:
      'CESEDA L. 651-4 (recours non suspensif ; procédure spéciale de l’OQTF écartée) ; L. 761-5 1° (jour franc à la demande du consulat)',
    notes: [
      'Si l’autorité consulaire le demande, l’OQTF ne peut être exécutée avant l’expiration d’un jour franc à compter de sa notification (L. 761-5 1°).',
    ],
    toVerify: [],
  },
  guadeloupe: {
    basis:
      'CESEDA L. 761-3 (éloignement différé : jour franc à la demande du consulat ; référé-liberté pendant) ; ancien L. 514-1 (recours non suspensif)',
    notes: [
      'L’éloignement ne peut intervenir avant que le juge du référé-liberté (CJA L. 521-2), s’il est saisi, ait fait savoir s’il tiendra audience et, le cas échéant, ait statué (L. 761-3 2°) ; ni, à la demande du consulat, avant un jour franc (L. 761-3 1°).',
    ],
    toVerify: [
      'Guadeloupe : article du CESEDA recodifié (2021) qui écarte le recours suspensif contre l’OQTF (ancien L. 514-1) — numéro non relu.',
    ],
  },
  mayotte: {
    basis:
      'Ordonnance n° 2014-464 du 7 mai 2014 (extension adaptée du CESEDA à Mayotte) ; ancien CESEDA L. 514-1 3° ; CE 22 juil. 2015 n° 381550',
    notes: [
      'Mayotte : le recours en annulation ne suspend pas l’éloignement. Seule la saisine du juge du référé-liberté (CJA L. 521-2) fait obstacle à l’exécution d’office de l’OQTF, jusqu’à ce que le juge ait fait savoir s’il tiendra audience et, le cas échéant, ait statué (CE 22 juil. 2015 n° 381550, droit au recours effectif) : c’est la voie à introduire d’abord, sans attendre.',
    ],
    toVerify: [
      'Mayotte : article du CESEDA recodifié (2021) qui reprend l’ancien L. 514-1 3° (référé-liberté seul suspensif) — numéro non relu.',
    ],
  },
  saint_martin: {
    basis: 'Ancien CESEDA L. 514-1 (Saint-Martin : recours non suspensif, référé-liberté suspensif)',
    notes: [
      'L’éloignement ne peut être exécuté d’office tant que le juge du référé-liberté (CJA L. 521-2), s’il est saisi, n’a pas fait savoir s’il tiendra audience ni, le cas échéant, statué.',
    ],
    toVerify: ['Saint-Martin : article du CESEDA recodifié (2021) qui reprend l’ancien L. 514-1 — numéro non relu.'],
  },
  saint_barthelemy: {
    basis: 'Ancien CESEDA L. 514-1 (Saint-Barthélemy : recours non suspensif, référé-liberté suspensif)',
    notes: [
      'L’éloignement ne peut être exécuté d’office tant que le juge du référé-liberté (CJA L. 521-2), s’il est saisi, n’a pas fait savoir s’il tiendra audience ni, le cas échéant, statué.',
    ],
    toVerify: ['Saint-Barthélemy : article du CESEDA recodifié (2021) qui reprend l’ancien L. 514-1 — numéro non relu.'],
  },
};

/** The removal decisions whose metropolitan procedure (L. 911-1, L. 921-1, L. 921-2) the derogation sets aside. */
const OQTF_FAMILY: ReadonlySet<ProcedureCode> = new Set(['oqtf', 'oqtf_assignation_residence', 'oqtf_detention', 'oqtf_retention', 'irtf']);

// CJA R. 421-1: the general two months, délai franc, extended to the next working day — the délai
// CE 9 nov. 2011 n° 346700 applied in Guyane to an OQTF.
const TWO_MONTHS_R421: Reading = {
  label: 'CJA R. 421-1 : 2 mois, délai franc (droit commun applicable outre-mer)',
  period: { unit: 'months', n: 2, franc: true, extended: true },
  decisions: ['CE 25 juil. 2008 n° 315529', 'CE 9 nov. 2011 n° 346700'],
};

/** Whether the territory sets the metropolitan OQTF procedure aside. */
export function hasRemovalDerogation(territory: Territory): boolean {
  return DEROGATIONS[territory] !== undefined;
}

function holidayNote(territory: Territory, year: number): string | null {
  const day = abolitionOfSlaveryDay(territory, year);
  if (day === null) return null;
  const [, month, dom] = day.date.split('-');
  const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
  const when = `${Number(dom)} ${months[Number(month) - 1]}`;
  if (!day.confirmed)
    return `${TERRITORY_NAMES_FR[territory]} : la commémoration de l’abolition de l’esclavage du ${when} n’est pas retenue pour proroger un délai, sa date n’étant pas confirmée sur le texte en vigueur (décret n° 83-1003 modifié) : par prudence, un délai qui expire ce jour-là n’est pas reporté.`;
  return `Jours fériés de ${TERRITORY_NAMES_FR[territory]} appliqués au décompte, dont la commémoration de l’abolition de l’esclavage le ${when} (loi n° 83-550 du 30 juin 1983 ; décret n° 83-1003 du 23 nov. 1983 modifié).`;
}

/**
 * The rules of the territory, applied to the national table: in a territory with a derogation, an
 * OQTF's recours contentieux becomes the droit-commun two months, non suspensive, and the recours
 * gracieux prorogues it; everywhere overseas, the notes say which territory and holidays were used.
 * `year` is the notification's, for naming the holiday.
 */
export function applyOverseasRules(procedure: ProcedureCode, rules: RemedyRule[], place: ResolvedTerritory, year: number): RemedyRule[] {
  if (place.territory === 'metropole') return rules;
  const local = (r: RemedyRule): boolean => r.calendar?.territory === place.territory;
  const holiday = holidayNote(place.territory, year);
  const derogation = DEROGATIONS[place.territory];
  const holidayToVerify = place.territory === 'saint_martin' ? [OVERSEAS_HOLIDAYS_TO_VERIFY[0]!] : [];
  return rules.map((rule) => {
    const placeNotes = local(rule) ? [place.statement, ...(holiday ? [holiday] : [])] : [place.statement];
    const withPlace = {
      ...rule,
      notes: [...placeNotes, ...rule.notes],
      toVerify: [...(rule.toVerify ?? []), ...(local(rule) ? holidayToVerify : [])],
    };
    if (derogation === undefined || !OQTF_FAMILY.has(procedure)) return withPlace;
    const name = TERRITORY_NAMES_FR[place.territory];
    if (rule.remedy === 'recours_contentieux') {
      return {
        ...withPlace,
        label: `Recours en annulation (droit commun, non suspensif — ${name})`,
        readings: [TWO_MONTHS_R421],
        legalBasis: `${derogation.basis} ; CJA R. 421-1 ; CE 25 juil. 2008 n° 315529 ; CE 9 nov. 2011 n° 346700`,
        notes: [
          ...placeNotes,
          `${name} : la procédure spéciale de contestation de l’OQTF (L. 911-1, L. 921-1, L. 921-2 : 1 mois, 7 jours, 48 heures) ne s’applique pas ; le délai est celui du droit commun (2 mois, CJA R. 421-1), opposable seulement si la décision mentionne les voies et délais de recours (CJA R. 421-5).`,
          'Le recours en annulation ne suspend pas l’exécution de l’éloignement, qui peut intervenir à tout moment : l’assortir sans attendre d’un référé-suspension (CJA L. 521-1) ou d’un référé-liberté (CJA L. 521-2) ; l’urgence est en principe établie (CE 9 nov. 2011 n° 346700).',
          ...derogation.notes,
        ],
        toVerify: [...(withPlace.toVerify ?? []), ...derogation.toVerify, COMMON_TO_VERIFY],
      };
    }
    if (rule.remedy === 'recours_gracieux') {
      return {
        ...withPlace,
        label: 'Recours gracieux ou hiérarchique (proroge le délai du recours contentieux)',
        readings: [
          { ...TWO_MONTHS_R421, label: 'CJA R. 421-1 : 2 mois, délai franc — recours administratif formé dans le délai contentieux' },
        ],
        legalBasis: `${derogation.basis} ; CRPA L. 411-2 ; CE 25 juil. 2008 n° 315529 (délai de recours « éventuellement prorogé par un recours administratif préalable »)`,
        notes: [
          ...placeNotes,
          `${name} : le droit commun s’appliquant, un recours gracieux ou hiérarchique formé dans le délai de 2 mois interrompt le délai du recours contentieux, qui court à nouveau à compter de son rejet (explicite, ou implicite au bout de 2 mois, CRPA L. 231-4).`,
          'Il ne suspend pas l’éloignement : seul un référé peut y faire obstacle.',
        ],
        toVerify: [...(withPlace.toVerify ?? []), ...derogation.toVerify, COMMON_TO_VERIFY],
      };
    }
    return withPlace;
  });
}
