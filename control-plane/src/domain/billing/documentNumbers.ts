/**
 * Invoice and credit-note numbers. Art. 242 nonies A, I-7° annexe II CGI: "un numéro unique basé
 * sur une séquence chronologique et continue ; la numérotation peut être établie dans ces
 * conditions par séries distinctes lorsque les conditions d'exercice de l'activité de l'assujetti
 * le justifient". We keep two series, each restarting at 1 every calendar year of issue (the
 * year is part of the number, so numbers stay unique): `F-2026-000001` for invoices and
 * `A-2026-000001` for credit notes (avoirs, art. 289, I-5 CGI), which are issued at other times
 * and for other reasons than the monthly close — a distinct series keeps each one continuous.
 */
import { z } from 'zod';

export const SERIES = { invoice: 'F', creditNote: 'A' } as const;
export type Series = (typeof SERIES)[keyof typeof SERIES];

const NUMBER = /^([FA])-(\d{4})-(\d{6})$/;

export function formatDocumentNumber(series: Series, year: number, n: number): string {
  return `${series}-${year}-${String(n).padStart(6, '0')}`;
}

export function parseDocumentNumber(number: string): { series: Series; year: number; n: number } | undefined {
  const m = NUMBER.exec(number);
  return m ? { series: m[1] as Series, year: Number(m[2]), n: Number(m[3]) } : undefined;
}

export const invoiceNumberSchema = z
  .string()
  .regex(/^F-\d{4}-\d{6}$/, { error: 'must be an invoice number as F-YYYY-NNNNNN, e.g. F-2026-000001' });
export const creditNoteNumberSchema = z
  .string()
  .regex(/^A-\d{4}-\d{6}$/, { error: 'must be a credit note number as A-YYYY-NNNNNN, e.g. A-2026-000001' });
export const documentNumberSchema = z
  .string()
  .regex(NUMBER, { error: 'must be an invoice (F-YYYY-NNNNNN) or credit note (A-YYYY-NNNNNN) number' });
