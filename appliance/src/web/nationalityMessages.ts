/**
 * The nationality picker's texts, French first and English with exactly the French keys (the
 * compiler checks it), beside messages.ts like factsMessages.ts.
 */
import type { Locale } from './messages.js';

const fr = {
  nationalityHint: 'Tapez les premières lettres du pays et choisissez-le dans la liste ; ou « Apatride », « Nationalité inconnue ».',
  nationalityUnknown:
    'Nationalité : « {typed} » n’est pas un pays connu. Choisissez le pays dans la liste (nom français, par exemple Algérie, Sénégal) ou tapez son code ISO (DZ, SN) ; « Apatride » ou « Nationalité inconnue » si besoin.',
  birthAfterNotification:
    'Date de naissance : elle tombe après la date de notification de la décision ({notified}). Vérifiez la date de naissance.',
};

export type NationalityMessages = Readonly<Record<keyof typeof fr, string>>;

const en: NationalityMessages = {
  nationalityHint: 'Type the first letters of the country and pick it from the list; or “Stateless”, “Unknown nationality”.',
  nationalityUnknown:
    'Nationality: “{typed}” is not a known country. Pick the country from the list (e.g. Algeria, Senegal) or type its ISO code (DZ, SN); “Stateless” or “Unknown nationality” if need be.',
  birthAfterNotification: 'Date of birth: it is after the date the decision was notified ({notified}). Check the date of birth.',
};

export const NATIONALITY_CATALOGUES: Readonly<Record<Locale, NationalityMessages>> = { fr, en };
