/**
 * Money rules. Amounts are integer cents (excl. VAT unless named otherwise); euros appear only on
 * PDFs and screens, formatted for France.
 */

/** Taux normal of VAT (art. 278 CGI): every line we sell (software licence and service) is at it. */
export const VAT_RATE_PERCENT = 20;

/** a / b rounded to the nearest integer, halves away from zero (a ≥ 0, b > 0): exact, no floats. */
export function divRoundHalfUp(a: number, b: number): number {
  return Math.floor((2 * a + b) / (2 * b));
}

/**
 * VAT of an invoice: computed once on the invoice's total excl. VAT and rounded to the cent, not
 * line by line — art. 242 nonies A, I-11° annexe II CGI asks for "par taux d'imposition, le total
 * hors taxe et la taxe correspondante", i.e. the tax of the total at each rate.
 */
export function vatOf(totalExclVatCents: number): number {
  return divRoundHalfUp(totalExclVatCents * VAT_RATE_PERCENT, 100);
}

export interface Totals {
  totalExclVatCents: number;
  vatCents: number;
  totalInclVatCents: number;
}

export function totalsOf(amountsCents: readonly number[]): Totals {
  const totalExclVatCents = amountsCents.reduce((sum, a) => sum + a, 0);
  const vatCents = vatOf(totalExclVatCents);
  return { totalExclVatCents, vatCents, totalInclVatCents: totalExclVatCents + vatCents };
}

const EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

/** "1 234,56 €" (fr-FR; the narrow no-break spaces Intl uses are kept as no-break spaces). */
export function formatEuros(cents: number): string {
  return EUROS.format(cents / 100).replace(/\u202f/g, '\u00a0');
}

/** "1234,56": what French spreadsheets read as a number (no thousands separator, decimal comma). */
export function spreadsheetEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}
