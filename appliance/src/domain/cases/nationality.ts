/**
 * A client's nationality, as a case stores it: the ISO 3166-1 alpha-2 code of the country
 * (SPEC: `client.nationality`), or one of the two codes ISO has no room for.
 *
 * ISO 3166-1 codes countries, not people: a stateless person, or one whose nationality is not yet
 * established, has none. ICAO Doc 9303 (Machine Readable Travel Documents), part 3, § 5 "codes for
 * nationality", fills that gap with codes ISO reserves for such use and every border system reads:
 * `XXA` for a stateless person within the meaning of article 1 of the Convention de New York du
 * 28 septembre 1954 relative au statut des apatrides (the status the OFPRA recognises, CESEDA
 * livre V, titre VIII « apatridie »), and `XXX` for a person of unspecified nationality. Those two are stored as
 * given (alpha-3: they have no alpha-2 form).
 *
 * An alpha-3 code (DZA) is read as its alpha-2 (DZ), so a client typing either gets the same
 * stored value. Kosovo's user-assigned `XK` is accepted: the European Union and France use it.
 *
 * Cases stored before this check held any two letters: they are read as they are (the record
 * schema takes any string; the case page shows an unknown code as typed). Nothing is migrated;
 * a stored unknown code is refused only when someone re-sends it in a change.
 */
import { createRequire } from 'node:module';
import type * as Countries from 'i18n-iso-countries';
import { z } from 'zod';

// The library's entry point loads every language it knows; the codes need none of them.
const countries = createRequire(import.meta.url)('i18n-iso-countries/index.js') as typeof Countries;

/** ICAO 9303 part 3: a stateless person (Convention de New York de 1954, art. 1). */
export const STATELESS = 'XXA';
/** ICAO 9303 part 3: a person of unspecified nationality (nationalité inconnue, to establish). */
export const UNKNOWN_NATIONALITY = 'XXX';

const ALPHA2 = new Set(Object.keys(countries.getAlpha2Codes()));

/** Every code a case may store: the countries' alpha-2 codes, then stateless and unknown. */
export function nationalityCodes(): string[] {
  return [...ALPHA2, STATELESS, UNKNOWN_NATIONALITY];
}

/** The stored code for a code as typed (alpha-2, alpha-3, any case), or undefined when no country has it. */
export function nationalityCode(typed: string): string | undefined {
  const code = typed.trim().toUpperCase();
  if (code === STATELESS || code === UNKNOWN_NATIONALITY) return code;
  if (/^[A-Z]{2}$/.test(code)) return ALPHA2.has(code) ? code : undefined;
  if (/^[A-Z]{3}$/.test(code)) return countries.alpha3ToAlpha2(code);
  return undefined;
}

export const NATIONALITY_HINT =
  'must be an ISO 3166-1 country code (alpha-2 such as DZ, SN, AF, or alpha-3 such as DZA), XXA for a stateless person or XXX for an unknown nationality (ICAO 9303)';

/** The schema of `client.nationality`: a known code, stored as alpha-2 (or XXA / XXX). */
export const nationalitySchema = z.string({ error: NATIONALITY_HINT }).transform((typed, ctx) => {
  const code = nationalityCode(typed);
  if (code !== undefined) return code;
  ctx.addIssue({ code: 'custom', input: typed, message: `(${typed.trim().slice(0, 40)}) is not a known code: ${NATIONALITY_HINT}` });
  return z.NEVER;
});
