/**
 * Dates, numbers and lists as a French avocat writes them in a pleading, for the sentences of an
 * analysis ("lundi 1er mars 2027", "16 h 30", "0,183"). Pure and independent of the server's locale.
 */
import { dayOfWeek } from './calendar.js';

const JOURS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'] as const;
const MOIS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** `2027-03-01` → `lundi 1er mars 2027` (the first of a month is written "1er"). */
export function dateLongue(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `${JOURS[dayOfWeek(date.slice(0, 10))]} ${d === 1 ? '1er' : d} ${MOIS[m - 1]} ${y}`;
}

/**
 * An instant already expressed in Paris time with its offset (`2026-11-22T16:30:00+01:00`, as the
 * calendar returns it) → `dimanche 22 novembre 2026 à 16 h 30`.
 */
export function instantLong(instant: string): string {
  return `${dateLongue(instant)} à ${instant.slice(11, 13)} h ${instant.slice(14, 16)}`;
}

/** `1 jour`, `7 jours`; French puts 0 and 1 in the singular. */
export function nombre(n: number, singulier: string, pluriel: string): string {
  return `${n} ${n <= 1 ? singulier : pluriel}`;
}

/** A length after "délai": `d’un mois`, `de 7 jours`. */
export function duree(n: number, singulier: string, pluriel: string): string {
  return n === 1 ? `d’un ${singulier}` : `de ${n} ${pluriel}`;
}

/** A decimal with a comma: 0.183 → `0,183`. */
export function decimal(n: number): string {
  return String(n).replace('.', ',');
}

/** `a`, `a et b`, `a, b et c`. */
export function listeEt(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

/** A probability as a French percentage: 0.35 → `35 %`. */
export function pourcentage(p: number): string {
  return `${Math.round(p * 100)} %`;
}
