/** Dates and numbers as a French cabinet reads them (Europe/Paris, whatever the server's zone). */
import type { Locale } from './messages.js';

const ZONE = 'Europe/Paris';
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}:${withTime}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      timeZone: ZONE,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
    });
    dateFormats.set(key, f);
  }
  return f;
}

/** `24/11/2026` or `24/11/2026 14:30` (Paris time); an empty string for null. */
export function formatDate(iso: string | null, locale: Locale, withTime = false): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatter(locale, withTime).format(d);
}

/** A stored civil date (`1991-04-12` → `12/04/1991`, no time zone involved) or a date-time (with its Paris time). */
export function formatDateValue(value: string, locale: Locale): string {
  const civil = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return civil ? `${civil[3]}/${civil[2]}/${civil[1]}` : formatDate(value, locale, true);
}

export function percent(p: number): number {
  return Math.round(p * 100);
}
