/**
 * The monthly close in PostgreSQL (storage/stores.ts BillingMonthStore). One transaction:
 *  1. the billing clock row, locked: every issue of a document queues here, so the chronology
 *     check (no document dated before the last one) and the numbering see the same, latest state;
 *  2. the month's row: its primary key refuses a second close of the month, from any node;
 *  3. the series' numbering row, incremented by the number of invoices: they take the numbers
 *     from the old value + 1, in order — no gap, no number given twice, whatever ran at once;
 *  4. the invoices and held drafts; the clock moves to this close.
 */
import type pg from 'pg';
import { ControlPlaneError } from '../../errors.js';
import {
  billingMonthSchema,
  creditNoteRecordSchema,
  invoiceRecordSchema,
  type BillingMonthFile,
  type CreditNoteRecord,
  type InvoiceRecord,
} from '../billingRecords.js';
import { NotFoundError } from '@iamanager/protocol';
import type { BillingMonthStore, ClosingMonth } from '../stores.js';
import type { Database } from './pool.js';
import { isUniqueViolation } from './sqlErrors.js';

/** How a document number is written (domain/billing/documentNumbers.ts formatDocumentNumber), handed in by the wiring. */
export type FormatNumber = (series: 'F' | 'A', year: number, n: number) => string;

const INVOICE_SERIES = 'F';
const CREDIT_NOTE_SERIES = 'A';

function alreadyClosed(month: string): ControlPlaneError {
  return new ControlPlaneError(
    'month_already_closed',
    `${month} was already closed (by this or another node); an invoice is never re-issued: correct one with a credit note (control-plane billing credit-note INVOICE --reason "…")`,
    { month },
  );
}

export class PostgresBillingMonthStore implements BillingMonthStore {
  constructor(
    private readonly db: Database,
    private readonly formatNumber: FormatNumber,
  ) {}

  commitMonth(closing: ClosingMonth): Promise<BillingMonthFile> {
    return this.db.transaction(async (client) => {
      await this.checkChronology(client, closing.closedAt);
      const { invoices: drafts, held, ...rest } = closing;
      try {
        await client.query('INSERT INTO billing_months (month, closed_at, record) VALUES ($1, $2, $3)', [
          closing.month,
          closing.closedAt,
          JSON.stringify(rest),
        ]);
      } catch (err) {
        if (isUniqueViolation(err, 'billing_months_pkey')) throw alreadyClosed(closing.month);
        throw err;
      }
      const year = Number(closing.issueDate.slice(0, 4));
      const first = (await this.take(client, INVOICE_SERIES, year, drafts.length)) + 1;
      const invoices: InvoiceRecord[] = drafts.map((d, i) =>
        invoiceRecordSchema.parse({ number: this.formatNumber(INVOICE_SERIES, year, first + i), ...d }),
      );
      for (const [i, invoice] of invoices.entries()) {
        await client.query(
          `INSERT INTO invoices (number, series_year, series_number, month, cabinet_id, issued_at, record)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [invoice.number, year, first + i, invoice.month, invoice.cabinetId, invoice.issuedAt, JSON.stringify(invoice)],
        );
      }
      for (const h of held) {
        await client.query('INSERT INTO held_invoices (month, cabinet_id, record) VALUES ($1, $2, $3)', [
          closing.month,
          h.cabinetId,
          JSON.stringify(h),
        ]);
      }
      await client.query('UPDATE billing_clock SET last_issued_at = $1', [closing.closedAt]);
      return billingMonthSchema.parse({ ...rest, held, invoices });
    });
  }

  issueCreditNote(note: Omit<CreditNoteRecord, 'number'>): Promise<CreditNoteRecord> {
    return this.db.transaction(async (client) => {
      await this.checkChronology(client, note.issuedAt);
      const invoice = await client.query('SELECT 1 FROM invoices WHERE number = $1 FOR SHARE', [note.invoiceNumber]);
      if (invoice.rowCount === 0) throw new NotFoundError('invoice', note.invoiceNumber);
      const year = Number(note.issueDate.slice(0, 4));
      const n = (await this.take(client, CREDIT_NOTE_SERIES, year, 1)) + 1;
      const record = creditNoteRecordSchema.parse({ number: this.formatNumber(CREDIT_NOTE_SERIES, year, n), ...note });
      await client.query(
        `INSERT INTO credit_notes (number, series_year, series_number, invoice_number, issued_at, record) VALUES ($1, $2, $3, $4, $5, $6)`,
        [record.number, year, n, record.invoiceNumber, record.issuedAt, JSON.stringify(record)],
      );
      await client.query('UPDATE billing_clock SET last_issued_at = $1', [note.issuedAt]);
      return record;
    });
  }

  async creditNotesOf(invoiceNumber: string): Promise<CreditNoteRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>(
      'SELECT record FROM credit_notes WHERE invoice_number = $1 ORDER BY series_year, series_number',
      [invoiceNumber],
    );
    return rows.map((r) => creditNoteRecordSchema.parse(r.record));
  }

  /** Locks the billing clock and refuses a document dated before the last one issued. */
  private async checkChronology(client: pg.PoolClient, at: string): Promise<void> {
    await client.query(`INSERT INTO billing_clock (singleton, last_issued_at) VALUES (true, '-infinity') ON CONFLICT DO NOTHING`);
    const { rows } = await client.query<{ last: Date | null }>(
      `SELECT CASE WHEN last_issued_at = '-infinity' THEN NULL ELSE last_issued_at END AS last FROM billing_clock FOR UPDATE`,
    );
    const last = rows[0]?.last;
    if (last && Date.parse(at) < last.getTime()) {
      throw new ControlPlaneError(
        'clock_behind_last_document',
        `the clock (${at}) is before the last issued document (${last.toISOString()}): numbering must stay chronological (art. 242 nonies A, I-7° annexe II CGI); fix this node's system clock`,
      );
    }
  }

  /** Reserves `count` numbers of a series for a year; returns the last number used before them. */
  private async take(client: pg.PoolClient, series: string, year: number, count: number): Promise<number> {
    await client.query('INSERT INTO document_numbers (series, year, last_number) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [
      series,
      year,
    ]);
    const { rows } = await client.query<{ last_number: number }>(
      'UPDATE document_numbers SET last_number = last_number + $3 WHERE series = $1 AND year = $2 RETURNING last_number',
      [series, year, count],
    );
    return rows[0]!.last_number - count;
  }

  async lastNumber(series: string, year: number): Promise<number> {
    const { rows } = await this.db.query<{ last_number: number }>(
      'SELECT last_number FROM document_numbers WHERE series = $1 AND year = $2',
      [series, year],
    );
    return rows[0]?.last_number ?? 0;
  }

  async invoicesOf(month: string): Promise<InvoiceRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>(
      'SELECT record FROM invoices WHERE month = $1 ORDER BY series_year, series_number',
      [month],
    );
    return rows.map((r) => invoiceRecordSchema.parse(r.record));
  }
}
