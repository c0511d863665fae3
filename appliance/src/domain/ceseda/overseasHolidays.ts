import type { Territory } from './facts.js';

/**
 * The abolition-of-slavery day of each overseas territory: a public holiday there (loi n° 83-550
 * du 30 juin 1983; dates fixed by décret n° 83-1003 du 23 nov. 1983, as amended by décret
 * n° 2012-553 du 23 avril 2012 for Saint-Barthélemy and Saint-Martin). A day-based délai that ends
 * on it runs to the next working day before the territory's courts (CPC art. 642).
 *
 * `since`: the first year the day is a holiday there. Saint-Martin's day moved from 27 to 28 May
 * (délibération du conseil territorial du 5 nov. 2015, observed on 28 May since 2018 under the
 * interministerial circulars), but the amending text was not read: that day is `confirmed: false`,
 * so it extends no délai — a lawyer filing a day early loses nothing, a day late loses the case —
 * and the deadlines there say so (OVERSEAS_HOLIDAYS_TO_VERIFY).
 */
interface AbolitionDay {
  /** MM-DD. */
  day: string;
  since: number;
  /** Read on the decree's text; an unconfirmed day is named in the notes but moves no deadline. */
  confirmed: boolean;
}

const ABOLITION_DAYS: Readonly<Partial<Record<Territory, readonly AbolitionDay[]>>> = {
  mayotte: [{ day: '04-27', since: 1983, confirmed: true }],
  martinique: [{ day: '05-22', since: 1983, confirmed: true }],
  guadeloupe: [{ day: '05-27', since: 1983, confirmed: true }],
  guyane: [{ day: '06-10', since: 1983, confirmed: true }],
  reunion: [{ day: '12-20', since: 1983, confirmed: true }],
  saint_barthelemy: [{ day: '10-09', since: 2012, confirmed: true }],
  saint_martin: [
    { day: '05-27', since: 2012, confirmed: true },
    { day: '05-28', since: 2018, confirmed: false },
  ],
};

/** Where the territory's own date is not confirmed on a primary text. */
export const OVERSEAS_HOLIDAYS_TO_VERIFY: readonly string[] = [
  'Saint-Martin : commémoration de l’abolition de l’esclavage le 28 mai depuis 2018 (délibération du conseil territorial du 5 nov. 2015, circulaires interministérielles de 2018 et du 3 mai 2019) ; le décret n° 2012-553 fixait le 27 mai — texte modificatif du décret n° 83-1003 non relu : ce jour ne proroge aucun délai tant qu’il n’est pas confirmé.',
  'Jours fériés locaux non retenus faute de texte relu : 21 juillet (fête de Victor Schœlcher) en Guadeloupe et en Martinique, et tout jour férié propre à Saint-Pierre-et-Miquelon.',
];

/** The territory's abolition-of-slavery day in `year`, or null (metropole, Saint-Pierre-et-Miquelon, or before `since`). */
export function abolitionOfSlaveryDay(territory: Territory, year: number): { date: string; name: string; confirmed: boolean } | null {
  const days = ABOLITION_DAYS[territory];
  if (days === undefined) return null;
  const current = [...days].reverse().find((d) => year >= d.since);
  if (current === undefined) return null;
  return {
    date: `${year}-${current.day}`,
    name: `Commémoration de l’abolition de l’esclavage (${TERRITORY_NAMES_FR[territory]})`,
    confirmed: current.confirmed,
  };
}

/** Each territory as the decisions name it. */
export const TERRITORY_NAMES_FR: Readonly<Record<Territory, string>> = {
  metropole: 'France métropolitaine',
  guadeloupe: 'Guadeloupe',
  martinique: 'Martinique',
  guyane: 'Guyane',
  reunion: 'La Réunion',
  mayotte: 'Mayotte',
  saint_martin: 'Saint-Martin',
  saint_barthelemy: 'Saint-Barthélemy',
  saint_pierre_et_miquelon: 'Saint-Pierre-et-Miquelon',
};
