/**
 * Country names for the nationality picker, in French and English (i18n-iso-countries, the
 * CLDR-based names behind ISO 3166-1), and the reading of what was typed back to the stored code.
 *
 * The form sends whatever the person typed or picked from the list: a name in either language
 * (accents, case, hyphens and apostrophes do not matter: "cote d ivoire" is Côte d'Ivoire), or a
 * code (DZ, DZA). The domain (domain/cases/nationality.ts) decides which codes exist.
 */
import { createRequire } from 'node:module';
import type * as Countries from 'i18n-iso-countries';
import { nationalityCode, STATELESS, UNKNOWN_NATIONALITY } from '../domain/cases/nationality.js';
import type { Locale } from './messages.js';

const require = createRequire(import.meta.url);
const countries = require('i18n-iso-countries/index.js') as typeof Countries;
// Only the two languages of the pages: the library's entry point would load a hundred.
countries.registerLocale(require('i18n-iso-countries/langs/fr.json') as Countries.LocaleData);
countries.registerLocale(require('i18n-iso-countries/langs/en.json') as Countries.LocaleData);

/** The two choices ISO has no code for (ICAO 9303 part 3 codes, see nationality.ts). */
const SPECIAL_NAMES: Record<Locale, Record<string, string>> = {
  fr: { [STATELESS]: 'Apatride', [UNKNOWN_NATIONALITY]: 'Nationalité inconnue' },
  en: { [STATELESS]: 'Stateless', [UNKNOWN_NATIONALITY]: 'Unknown nationality' },
};

/** Lower case, no accents, hyphens and apostrophes as spaces: how a name is compared. */
function folded(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[-'’.,()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Every name to its code. A name two countries share ("Congo" is a French official name and an
 * English alias of the other Congo) goes to the first in this order: official French names (those
 * the list shows), French aliases, then English official names and aliases.
 */
const BY_NAME: ReadonlyMap<string, string> = (() => {
  const found = new Map<string, string>();
  const add = (name: string, code: string) => {
    const key = folded(name);
    if (!found.has(key)) found.set(key, code);
  };
  for (const locale of ['fr', 'en'] as const) {
    for (const [code, name] of Object.entries(countries.getNames(locale, { select: 'official' }))) add(name, code);
    for (const [code, n] of Object.entries(SPECIAL_NAMES[locale])) add(n, code);
    for (const [code, names] of Object.entries(countries.getNames(locale, { select: 'all' }))) for (const n of names) add(n, code);
  }
  return found;
})();

/** The stored code for what the nationality input sent (a name in French or English, or a code), or undefined. */
export function nationalityFromInput(typed: string): string | undefined {
  const text = typed.trim();
  if (text === '') return undefined;
  return BY_NAME.get(folded(text)) ?? nationalityCode(text);
}

/** The name of a stored code in the page's language; a code no country has (stored before the check) as it is. */
export function nationalityName(code: string, locale: Locale): string {
  return SPECIAL_NAMES[locale][code] ?? countries.getName(code, locale) ?? code;
}

/** The picker's choices in the page's language, sorted as a French reader expects (accents ignored), the two special ones last. */
export function nationalityChoices(locale: Locale): Array<{ code: string; name: string }> {
  const names = countries.getNames(locale, { select: 'official' });
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  const list = Object.entries(names)
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => collator.compare(a.name, b.name));
  return [...list, ...Object.entries(SPECIAL_NAMES[locale]).map(([code, name]) => ({ code, name }))];
}
