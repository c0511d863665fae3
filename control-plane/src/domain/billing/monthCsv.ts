/**
 * A billing month for the accountant, as CSV: one line per document — the month's invoices, then
 * every credit note issued against them (whenever it was issued), so each document is in exactly
 * one month's file. The usual form French spreadsheets open correctly with a double click:
 * `;` as separator, a UTF-8 byte-order mark (Excel otherwise reads the file as Windows-1252 and
 * mangles accents), CRLF line ends, amounts in euros with a decimal comma (credit notes
 * negative), dates as YYYY-MM-DD. Fields are quoted by csv-stringify when they hold `;`, `"` or a
 * line break; text that a spreadsheet would run as a formula (starting with = + - @) is prefixed
 * with a quote (OWASP "CSV injection"), amounts excepted.
 */
import { stringify } from 'csv-stringify/sync';
import type { CreditNoteRecord, InvoiceRecord } from '../../storage/billingRecords.js';
import { spreadsheetEuros } from './money.js';

export const CSV_COLUMNS = [
  'type',
  'numero',
  'date_emission',
  'mois_facture',
  'facture_origine',
  'client_id',
  'client_nom',
  'client_siret',
  'total_ht_eur',
  'taux_tva',
  'tva_eur',
  'total_ttc_eur',
  'echeance',
  'motif',
] as const;

const text = (s: string | null) => (s && /^[=+\-@\t\r]/.test(s) ? `'${s}` : (s ?? ''));

/** `invoices`: the month's, as BillingMonthStore.invoicesOf lists them (those of the close, then the approved ones). */
export function monthCsv(invoices: readonly InvoiceRecord[], creditNotes: readonly CreditNoteRecord[]): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const i of invoices) {
    rows.push([
      'facture',
      i.number,
      i.issueDate,
      i.month,
      '',
      text(i.cabinetId),
      text(i.customer.name),
      text(i.customer.siret),
      spreadsheetEuros(i.totalExclVatCents),
      `${i.vatRatePercent}`,
      spreadsheetEuros(i.vatCents),
      spreadsheetEuros(i.totalInclVatCents),
      i.dueDate,
      '',
    ]);
  }
  for (const c of [...creditNotes].sort((a, b) => a.number.localeCompare(b.number))) {
    rows.push([
      'avoir',
      c.number,
      c.issueDate,
      c.month,
      c.invoiceNumber,
      text(c.cabinetId),
      text(c.customer.name),
      text(c.customer.siret),
      spreadsheetEuros(-c.totalExclVatCents),
      `${c.vatRatePercent}`,
      spreadsheetEuros(-c.vatCents),
      spreadsheetEuros(-c.totalInclVatCents),
      '',
      text(c.reason),
    ]);
  }
  return stringify(rows, { delimiter: ';', bom: true, record_delimiter: 'windows' });
}
