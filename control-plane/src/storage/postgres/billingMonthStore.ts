/**
 * The monthly close in PostgreSQL (storage/stores.ts BillingMonthStore). One transaction:
 *  1. the billing clock row, locked: every issue of a document queues here, so the chronology
 *     check (no document dated before the last one) and the numbering see the same, latest state;
 *  2. the month's row: its primary key refuses a second close of the month, from any node;
 *  3. the series' numbering row, incremented by the number of invoices: they take the numbers
 *     from the old value + 1, in order — no gap, no number given twice, whatever ran at once;
 *  4. the invoices and held drafts; the clock moves to this close.
 * The time is read once the clock's lock is held (`now()`), so a node that waited behind another's
 * issue dates its documents after it. Credit notes (series A) and approved held invoices go through
 * the same lock, numbering row and clock; the held row's lock decides between two decisions.
 */
import type pg from 'pg';
import { ControlPlaneError } from '../../errors.js';
import {
  approvedInvoiceSchema,
  billingMonthSchema,
  creditNoteRecordSchema,
  heldInvoiceSchema,
  invoiceRecordSchema,
  rejectionSchema,
  vendorIdentitySchema,
  type ApprovedInvoice,
  type BillingMonthFile,
  type CreditNoteRecord,
  type HeldInvoice,
  type InvoiceRecord,
  type MonthSummary,
  type RejectionRecord,
  type VendorIdentity,
} from '../billingRecords.js';
import { NotFoundError } from '@iamanager/protocol';
import { heldInvoiceDecided } from '../billingRefusals.js';
import type {
  BillingMonthStore,
  ClosedMonth,
  ClosingMonth,
  DraftAt,
  FormatNumber,
  HeldWithDecision,
  MonthHeader,
  UnnumberedApproval,
} from '../stores.js';
import type { Database } from './pool.js';
import { recordKey, rowRecord } from './rowCheck.js';
import { isUniqueViolation } from './sqlErrors.js';

export type { FormatNumber } from '../stores.js';

const INVOICE_SERIES = 'F';

/**
 * How far a node's clock may be behind the last document another node issued: what NTP leaves
 * between machines (milliseconds, a second at worst). Within it, an issue is dated at that
 * document's instant; beyond it the clock is wrong, and issuing is refused (numérotation
 * chronologique, art. 242 nonies A, I-7° annexe II CGI).
 */
export const NODE_CLOCK_SKEW_MS = 2_000;
const monthHeaderSchema = billingMonthSchema.omit({ invoices: true, held: true });

/**
 * The months' summaries as the files' ledger keeps them: what the close issued — an invoice
 * approved later (approved_by set) is in the month's invoices but not in its summary — and how
 * many drafts it held. `$1` null: every month.
 */
const MONTH_SUMMARIES = `
  SELECT m.month, m.record,
         count(i.number)::int AS invoice_count,
         (array_agg(i.number ORDER BY i.series_year, i.series_number))[1] AS first_number,
         (array_agg(i.number ORDER BY i.series_year DESC, i.series_number DESC))[1] AS last_number,
         coalesce(sum((i.record->>'totalExclVatCents')::bigint), 0) AS total_excl_vat,
         coalesce(sum((i.record->>'vatCents')::bigint), 0) AS vat,
         coalesce(sum((i.record->>'totalInclVatCents')::bigint), 0) AS total_incl_vat,
         (SELECT count(*) FROM held_invoices h WHERE h.month = m.month)::int AS held_count
    FROM billing_months m
    LEFT JOIN invoices i ON i.month = m.month AND i.approved_by IS NULL
   WHERE $1::text IS NULL OR m.month = $1
   GROUP BY m.month
   ORDER BY m.month`;

interface SummaryRow {
  month: string;
  record: unknown;
  invoice_count: number;
  first_number: string | null;
  last_number: string | null;
  total_excl_vat: string;
  vat: string;
  total_incl_vat: string;
  held_count: number;
}

function summaryOf(row: SummaryRow): ClosedMonth {
  const header = rowRecord(monthHeaderSchema, 'billing_months', row.month, row.record);
  return {
    month: row.month,
    closedAt: header.closedAt,
    closedBy: header.closedBy,
    issueDate: header.issueDate,
    invoiceCount: row.invoice_count,
    firstNumber: row.first_number,
    lastNumber: row.last_number,
    totalExclVatCents: Number(row.total_excl_vat),
    vatCents: Number(row.vat),
    totalInclVatCents: Number(row.total_incl_vat),
    heldCount: row.held_count,
  };
}

/** An invoice row as the files read it back: an approved held invoice keeps who approved it. */
function invoiceOf(row: { record: unknown; approved_by: string | null }): InvoiceRecord {
  const schema = row.approved_by === null ? invoiceRecordSchema : approvedInvoiceSchema;
  return rowRecord(schema, 'invoices', recordKey(row.record, 'number'), row.record);
}
/** Rows per INSERT when a month's invoices are written. */
const INSERT_BATCH = 1000;
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

  commitMonth(build: DraftAt<ClosingMonth>, now: () => Date): Promise<BillingMonthFile> {
    return this.db.transaction(async (client) => {
      const at = await this.lockClock(client, now);
      const { invoices: drafts, held, ...rest } = build(at);
      try {
        await client.query('INSERT INTO billing_months (month, closed_at, record) VALUES ($1, $2, $3)', [
          rest.month,
          rest.closedAt,
          JSON.stringify(rest),
        ]);
      } catch (err) {
        if (isUniqueViolation(err, 'billing_months_pkey')) throw alreadyClosed(rest.month);
        throw err;
      }
      const year = Number(rest.issueDate.slice(0, 4));
      const first = (await this.take(client, INVOICE_SERIES, year, drafts.length)) + 1;
      const invoices: InvoiceRecord[] = drafts.map((d, i) =>
        invoiceRecordSchema.parse({ number: this.formatNumber(INVOICE_SERIES, year, first + i), ...d }),
      );
      await this.insertMonthInvoices(client, invoices, year, first);
      for (const h of held) {
        await client.query('INSERT INTO held_invoices (month, cabinet_id, record) VALUES ($1, $2, $3)', [
          rest.month,
          h.cabinetId,
          JSON.stringify(heldInvoiceSchema.parse(h)),
        ]);
      }
      await this.moveClock(client, rest.closedAt);
      return billingMonthSchema.parse({ ...rest, held, invoices });
    });
  }

  issueCreditNote(
    invoiceNumber: string,
    build: (now: Date, earlier: readonly CreditNoteRecord[]) => Omit<CreditNoteRecord, 'number'>,
    now: () => Date,
  ): Promise<CreditNoteRecord> {
    return this.db.transaction(async (client) => {
      const at = await this.lockClock(client, now);
      const invoice = await client.query('SELECT 1 FROM invoices WHERE number = $1 FOR SHARE', [invoiceNumber]);
      if (invoice.rowCount === 0) throw new NotFoundError('invoice', invoiceNumber);
      // Every issue holds the billing clock's lock, so the credit notes read here stay the last ones until the commit.
      const { rows } = await client.query<{ record: unknown }>(
        'SELECT record FROM credit_notes WHERE invoice_number = $1 ORDER BY series_year, series_number',
        [invoiceNumber],
      );
      const note = build(
        at,
        rows.map((r) => rowRecord(creditNoteRecordSchema, 'credit_notes', recordKey(r.record, 'number'), r.record)),
      );
      if (note.invoiceNumber !== invoiceNumber) throw new Error(`credit note drafted for ${note.invoiceNumber}, not ${invoiceNumber}`);
      const year = Number(note.issueDate.slice(0, 4));
      const n = (await this.take(client, CREDIT_NOTE_SERIES, year, 1)) + 1;
      const record = creditNoteRecordSchema.parse({ number: this.formatNumber(CREDIT_NOTE_SERIES, year, n), ...note });
      await client.query(
        `INSERT INTO credit_notes (number, series_year, series_number, invoice_number, issued_at, record) VALUES ($1, $2, $3, $4, $5, $6)`,
        [record.number, year, n, record.invoiceNumber, record.issuedAt, JSON.stringify(record)],
      );
      await this.moveClock(client, record.issuedAt);
      return record;
    });
  }

  async creditNotesOf(invoiceNumber: string): Promise<CreditNoteRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>(
      'SELECT record FROM credit_notes WHERE invoice_number = $1 ORDER BY series_year, series_number',
      [invoiceNumber],
    );
    return rows.map((r) => rowRecord(creditNoteRecordSchema, 'credit_notes', recordKey(r.record, 'number'), r.record));
  }

  approveHeld(
    month: string,
    cabinetId: string,
    build: (now: Date, held: HeldInvoice, vendor: VendorIdentity) => UnnumberedApproval,
    now: () => Date,
  ): Promise<ApprovedInvoice> {
    return this.db.transaction(async (client) => {
      const at = await this.lockClock(client, now);
      const held = await this.pending(client, month, cabinetId);
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM billing_months WHERE month = $1', [month]);
      const vendor = rowRecord(vendorIdentitySchema, 'billing_months', month, (rows[0]!.record as { vendor: unknown }).vendor);
      const draft = build(at, held, vendor);
      const year = Number(draft.issueDate.slice(0, 4));
      const n = (await this.take(client, INVOICE_SERIES, year, 1)) + 1;
      const invoice = approvedInvoiceSchema.parse({ number: this.formatNumber(INVOICE_SERIES, year, n), ...draft });
      await this.insertInvoice(client, invoice, year, n, invoice.approvedBy);
      await client.query(`UPDATE held_invoices SET decided = 'approved' WHERE month = $1 AND cabinet_id = $2`, [month, cabinetId]);
      await this.moveClock(client, invoice.issuedAt);
      return invoice;
    });
  }

  rejectHeld(
    month: string,
    cabinetId: string,
    build: (now: Date, held: HeldInvoice) => RejectionRecord,
    now: () => Date,
  ): Promise<RejectionRecord> {
    return this.db.transaction(async (client) => {
      // No document is issued, so no clock lock: the held row's lock decides between two decisions.
      const held = await this.pending(client, month, cabinetId);
      const rejection = rejectionSchema.parse(build(now(), held));
      await client.query(`UPDATE held_invoices SET decided = 'rejected' WHERE month = $1 AND cabinet_id = $2`, [month, cabinetId]);
      await client.query('INSERT INTO rejections (month, cabinet_id, record) VALUES ($1, $2, $3)', [
        month,
        cabinetId,
        JSON.stringify(rejection),
      ]);
      return rejection;
    });
  }

  /** The held draft, locked, still undecided: otherwise `not_found` or `held_invoice_decided`, as the files answer. */
  private async pending(client: pg.PoolClient, month: string, cabinetId: string): Promise<HeldInvoice> {
    const { rows } = await client.query<{ decided: 'approved' | 'rejected' | null; record: unknown }>(
      'SELECT decided, record FROM held_invoices WHERE month = $1 AND cabinet_id = $2 FOR UPDATE',
      [month, cabinetId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('held invoice', `${month}/${cabinetId}`);
    if (row.decided === 'approved') {
      const found = await client.query<{ record: unknown }>('SELECT record FROM invoices WHERE month = $1 AND cabinet_id = $2', [
        month,
        cabinetId,
      ]);
      throw heldInvoiceDecided(month, cabinetId, {
        status: 'approved',
        invoice: rowRecord(approvedInvoiceSchema, 'invoices', `${month}/${cabinetId}`, found.rows[0]!.record),
      });
    }
    if (row.decided === 'rejected') {
      const found = await client.query<{ record: unknown }>('SELECT record FROM rejections WHERE month = $1 AND cabinet_id = $2', [
        month,
        cabinetId,
      ]);
      throw heldInvoiceDecided(month, cabinetId, {
        status: 'rejected',
        rejection: rowRecord(rejectionSchema, 'rejections', `${month}/${cabinetId}`, found.rows[0]!.record),
      });
    }
    return rowRecord(heldInvoiceSchema, 'held_invoices', `${month}/${cabinetId}`, row.record);
  }

  private async insertInvoice(
    client: pg.PoolClient,
    invoice: InvoiceRecord,
    year: number,
    n: number,
    approvedBy: string | null,
  ): Promise<void> {
    await client.query(
      `INSERT INTO invoices (number, series_year, series_number, month, cabinet_id, issued_at, approved_by, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [invoice.number, year, n, invoice.month, invoice.cabinetId, invoice.issuedAt, approvedBy, JSON.stringify(invoice)],
    );
  }

  /**
   * A month's invoices, numbered from `first`, a thousand rows a statement: a statement per invoice
   * cost a round trip each, most of a 10 000-cabinet close (docs/performance.md).
   */
  private async insertMonthInvoices(client: pg.PoolClient, invoices: readonly InvoiceRecord[], year: number, first: number): Promise<void> {
    for (let start = 0; start < invoices.length; start += INSERT_BATCH) {
      const batch = invoices.slice(start, start + INSERT_BATCH);
      await client.query(
        `INSERT INTO invoices (number, series_year, series_number, month, cabinet_id, issued_at, approved_by, record)
         SELECT number, $1, series_number, month, cabinet_id, issued_at, NULL, record
         FROM unnest($2::text[], $3::integer[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[])
           AS batch (number, series_number, month, cabinet_id, issued_at, record)`,
        [
          year,
          batch.map((i) => i.number),
          batch.map((_, k) => first + start + k),
          batch.map((i) => i.month),
          batch.map((i) => i.cabinetId),
          batch.map((i) => i.issuedAt),
          batch.map((i) => JSON.stringify(i)),
        ],
      );
    }
  }

  private async moveClock(client: pg.PoolClient, at: string): Promise<void> {
    await client.query('UPDATE billing_clock SET last_issued_at = $1', [at]);
  }

  /**
   * Locks the billing clock, then reads the time: an issue that waited here behind another is
   * dated after it. A node whose clock is behind the last document by no more than the nodes' skew
   * (NODE_CLOCK_SKEW_MS) dates its issue at that document's instant — never before it, so the
   * chronology holds; a time further back (a clock really set back) is refused.
   */
  private async lockClock(client: pg.PoolClient, now: () => Date): Promise<Date> {
    await client.query(`INSERT INTO billing_clock (singleton, last_issued_at) VALUES (true, '-infinity') ON CONFLICT DO NOTHING`);
    const { rows } = await client.query<{ last: Date | null }>(
      `SELECT CASE WHEN last_issued_at = '-infinity' THEN NULL ELSE last_issued_at END AS last FROM billing_clock FOR UPDATE`,
    );
    const last = rows[0]?.last;
    const at = now();
    if (last && at.getTime() < last.getTime()) {
      if (last.getTime() - at.getTime() <= NODE_CLOCK_SKEW_MS) return new Date(last.getTime());
      throw new ControlPlaneError(
        'clock_behind_last_document',
        `the clock (${at.toISOString()}) is before the last issued document (${last.toISOString()}): numbering must stay chronological (art. 242 nonies A, I-7° annexe II CGI); fix this node's system clock`,
      );
    }
    return at;
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
    const { rows } = await this.db.query<{ record: unknown; approved_by: string | null }>(
      'SELECT record, approved_by FROM invoices WHERE month = $1 ORDER BY series_year, series_number',
      [month],
    );
    return rows.map(invoiceOf);
  }

  async closedMonths(): Promise<ClosedMonth[]> {
    const { rows } = await this.db.query<SummaryRow>(MONTH_SUMMARIES, [null]);
    return rows.map(summaryOf);
  }

  async closedMonth(month: string): Promise<MonthSummary | undefined> {
    const { rows } = await this.db.query<SummaryRow>(MONTH_SUMMARIES, [month]);
    if (!rows[0]) return undefined;
    const { month: _month, ...summary } = summaryOf(rows[0]);
    return summary;
  }

  async monthHeader(month: string): Promise<MonthHeader | undefined> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM billing_months WHERE month = $1', [month]);
    return rows[0] && rowRecord(monthHeaderSchema, 'billing_months', month, rows[0].record);
  }

  async invoice(number: string): Promise<InvoiceRecord | undefined> {
    const { rows } = await this.db.query<{ record: unknown; approved_by: string | null }>(
      'SELECT record, approved_by FROM invoices WHERE number = $1',
      [number],
    );
    return rows[0] && invoiceOf(rows[0]);
  }

  async invoicesOfCabinet(cabinetId: string): Promise<InvoiceRecord[]> {
    const { rows } = await this.db.query<{ record: unknown; approved_by: string | null }>(
      'SELECT record, approved_by FROM invoices WHERE cabinet_id = $1 ORDER BY month DESC',
      [cabinetId],
    );
    return rows.map(invoiceOf);
  }

  async allInvoices(): Promise<InvoiceRecord[]> {
    const { rows } = await this.db.query<{ record: unknown; approved_by: string | null }>(
      'SELECT record, approved_by FROM invoices ORDER BY month, series_year, series_number',
    );
    return rows.map(invoiceOf);
  }

  async heldInvoices(month?: string): Promise<HeldWithDecision[]> {
    const { rows } = await this.db.query<{
      decided: 'approved' | 'rejected' | null;
      record: unknown;
      invoice: unknown;
      rejection: unknown;
    }>(
      `SELECT h.decided, h.record, i.record AS invoice, r.record AS rejection
         FROM held_invoices h
         LEFT JOIN invoices i ON h.decided = 'approved' AND i.month = h.month AND i.cabinet_id = h.cabinet_id
         LEFT JOIN rejections r ON r.month = h.month AND r.cabinet_id = h.cabinet_id
        WHERE $1::text IS NULL OR h.month = $1`,
      [month ?? null],
    );
    return (
      rows
        .map((row): HeldWithDecision => {
          const held = rowRecord(heldInvoiceSchema, 'held_invoices', recordKey(row.record, 'cabinetId'), row.record);
          const key = `${held.month}/${held.cabinetId}`;
          return {
            held,
            state:
              row.decided === 'approved'
                ? { status: 'approved', invoice: rowRecord(approvedInvoiceSchema, 'invoices', key, row.invoice) }
                : row.decided === 'rejected'
                  ? { status: 'rejected', rejection: rowRecord(rejectionSchema, 'rejections', key, row.rejection) }
                  : { status: 'pending' },
          };
        })
        // The month file's order: its drafts came by cabinet id, compared as the cabinet store sorts them.
        .sort((a, b) => a.held.month.localeCompare(b.held.month) || a.held.cabinetId.localeCompare(b.held.cabinetId))
    );
  }

  async creditNote(number: string): Promise<CreditNoteRecord | undefined> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM credit_notes WHERE number = $1', [number]);
    return rows[0] && rowRecord(creditNoteRecordSchema, 'credit_notes', number, rows[0].record);
  }

  async creditNotes(): Promise<CreditNoteRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM credit_notes ORDER BY series_year, series_number');
    return rows.map((r) => rowRecord(creditNoteRecordSchema, 'credit_notes', recordKey(r.record, 'number'), r.record));
  }

  async documentsIssued(): Promise<number> {
    // Every document takes a number of its series, in the same transaction that issues it.
    const { rows } = await this.db.query<{ n: string }>('SELECT coalesce(sum(last_number), 0) AS n FROM document_numbers');
    return Number(rows[0]!.n);
  }
}
