/**
 * Payments and relances in PostgreSQL (schema v1's `payments` and `relances`, no new migration).
 *  - A payment is recorded under its invoice's row lock (`FOR UPDATE`): the payments it is
 *    admitted against stay the invoice's until the commit, so two nodes recording payments of one
 *    invoice at once never pay more than is owed. Its id (derived from the bank reference) is the
 *    primary key: the same bank line recorded twice, on two nodes at the same moment, inserts once
 *    (`ON CONFLICT DO NOTHING`, the second waits for the first's commit and finds it).
 *  - A relance is claimed by inserting its row: PRIMARY KEY (invoice_number, step) lets one
 *    node's claim through, whichever pass runs where.
 */
import { NotFoundError } from '@iamanager/protocol';
import {
  RELANCE_STEPS,
  paymentRecordSchema,
  relanceRecordSchema,
  type PaymentRecord,
  type RelanceRecord,
  type RelanceStep,
} from '../paymentRecords.js';
import type { PaymentLedger, PaymentOutcome } from '../stores.js';
import type { Database } from './pool.js';
import { recordKey, rowRecord } from './rowCheck.js';

export class PostgresPaymentLedger implements PaymentLedger {
  constructor(private readonly db: Database) {}

  record(payment: PaymentRecord, admit: (earlier: readonly PaymentRecord[]) => void): Promise<PaymentOutcome> {
    const record = paymentRecordSchema.parse(payment);
    return this.db.transaction(async (client) => {
      const invoice = await client.query('SELECT 1 FROM invoices WHERE number = $1 FOR UPDATE', [record.invoiceNumber]);
      if (invoice.rowCount === 0) throw new NotFoundError('invoice', record.invoiceNumber);
      const first = await this.byId(client, record.id);
      if (first) return { duplicate: first };
      const { rows } = await client.query<{ record: unknown }>('SELECT record FROM payments WHERE invoice_number = $1', [
        record.invoiceNumber,
      ]);
      admit(rows.map(paymentFromRow).sort(byDate));
      const inserted = await client.query(
        'INSERT INTO payments (id, invoice_number, reference, record) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [record.id, record.invoiceNumber, record.reference, JSON.stringify(record)],
      );
      if (inserted.rowCount === 1) return { recorded: record };
      // Another node recorded the same bank line (on another invoice) and committed meanwhile.
      const other = await this.byId(client, record.id);
      if (!other) throw new Error(`payment ${record.id} conflicted with a row that is not there`);
      return { duplicate: other };
    });
  }

  private async byId(client: { query: Database['query'] }, id: string): Promise<PaymentRecord | undefined> {
    const { rows } = await client.query<{ record: unknown }>('SELECT record FROM payments WHERE id = $1', [id]);
    return rows[0] && paymentFromRow(rows[0]);
  }

  async paymentsOf(invoiceNumber: string): Promise<PaymentRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM payments WHERE invoice_number = $1', [invoiceNumber]);
    return rows.map(paymentFromRow).sort(byDate);
  }

  async payments(): Promise<PaymentRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM payments');
    return rows.map((r) => paymentRecordSchema.parse(r.record)).sort(byDate);
  }

  async paymentCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments');
    return rows[0]!.n;
  }

  async relancesOf(invoiceNumber: string): Promise<RelanceRecord[]> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM relances WHERE invoice_number = $1', [invoiceNumber]);
    return rows
      .map((r) => relanceRecordSchema.parse(r.record))
      .sort((a, b) => RELANCE_STEPS.indexOf(a.step) - RELANCE_STEPS.indexOf(b.step));
  }

  async relance(invoiceNumber: string, step: RelanceStep): Promise<RelanceRecord | undefined> {
    const { rows } = await this.db.query<{ record: unknown }>('SELECT record FROM relances WHERE invoice_number = $1 AND step = $2', [
      invoiceNumber,
      step,
    ]);
    return rows[0] && rowRecord(relanceRecordSchema, 'relances', `${invoiceNumber}/${step}`, rows[0].record);
  }

  async claimRelance(record: RelanceRecord): Promise<boolean> {
    const checked = relanceRecordSchema.parse(record);
    const { rowCount } = await this.db.query(
      'INSERT INTO relances (invoice_number, step, record) VALUES ($1, $2, $3) ON CONFLICT (invoice_number, step) DO NOTHING',
      [checked.invoiceNumber, checked.step, JSON.stringify(checked)],
    );
    return rowCount === 1;
  }

  async markRelanceSent(invoiceNumber: string, step: RelanceStep, sentAt: string, messageId: string | null): Promise<RelanceRecord> {
    const { rows } = await this.db.query<{ record: unknown }>(
      `UPDATE relances SET record = record || jsonb_build_object('status', 'sent', 'sentAt', $3::text, 'messageId', $4::text)
       WHERE invoice_number = $1 AND step = $2 RETURNING record`,
      [invoiceNumber, step, sentAt, messageId],
    );
    if (!rows[0]) throw new NotFoundError('relance', `${invoiceNumber}/${step}`);
    return rowRecord(relanceRecordSchema, 'relances', `${invoiceNumber}/${step}`, rows[0].record);
  }

  async releaseRelance(invoiceNumber: string, step: RelanceStep): Promise<void> {
    // Only a claim still `sending`: a relance marked sent is never given back.
    await this.db.query(`DELETE FROM relances WHERE invoice_number = $1 AND step = $2 AND record->>'status' = 'sending'`, [
      invoiceNumber,
      step,
    ]);
  }
}

/** Oldest payment first, as the files list them. */
function byDate(a: PaymentRecord, b: PaymentRecord): number {
  return a.date.localeCompare(b.date) || a.recordedAt.localeCompare(b.recordedAt);
}

function paymentFromRow(row: { record: unknown }): PaymentRecord {
  return rowRecord(paymentRecordSchema, 'payments', recordKey(row.record, 'id'), row.record);
}
