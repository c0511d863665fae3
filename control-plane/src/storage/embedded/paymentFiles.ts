/**
 * The payment files (DATA_DIR/billing/payments and billing/relances), beside the issued documents
 * of billingFiles.ts and owned by this module alone — read and written only through
 * `EmbeddedPaymentLedger` (paymentLedger.ts). A payment is one file, created in one durable write
 * and never changed, so a crash leaves it recorded or not, never half. Its id is derived from the
 * bank's reference when there is one (domain/billing/payments.ts paymentIdOf): recording the same
 * bank line twice (a statement imported again, `billing pay` retried) finds the file already there
 * and counts it once.
 */
import path from 'node:path';
import { DocumentCollection, type StorageError } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { paymentRecordSchema, relanceRecordSchema, type PaymentRecord, type RelanceRecord, type RelanceStep } from '../paymentRecords.js';
import { checkRecord } from '../recordCheck.js';

export function relanceKey(invoiceNumber: string, step: RelanceStep): string {
  return `${invoiceNumber}_${step}`;
}

export class PaymentFiles {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly byInvoice = new Map<string, PaymentRecord[]>();

  private constructor(
    private readonly payments: DocumentCollection<PaymentRecord>,
    private readonly relances: DocumentCollection<RelanceRecord>,
  ) {
    for (const p of payments.values()) this.index(p);
  }

  /** `onUnreadable`: the record quarantine's `take` (a damaged file moved aside, the service goes on). */
  static async open(dataDir: string, log: Logger, onUnreadable: (file: string, err: StorageError) => Promise<void>): Promise<PaymentFiles> {
    const dir = path.join(dataDir, 'billing');
    const options = { log, onUnreadable };
    const payments = await DocumentCollection.open<PaymentRecord>(path.join(dir, 'payments'), { schema: paymentRecordSchema, ...options });
    const relances = await DocumentCollection.open<RelanceRecord>(path.join(dir, 'relances'), { schema: relanceRecordSchema, ...options });
    return new PaymentFiles(payments, relances);
  }

  private index(p: PaymentRecord): void {
    const list = this.byInvoice.get(p.invoiceNumber) ?? [];
    list.push(p);
    list.sort((a, b) => a.date.localeCompare(b.date) || a.recordedAt.localeCompare(b.recordedAt));
    this.byInvoice.set(p.invoiceNumber, list);
  }

  /**
   * Runs `record` alone: the balance it reads is still the balance when it writes, so two
   * payments racing in cannot together pay more than is owed.
   */
  exclusive<T>(record: () => Promise<T>): Promise<T> {
    const run = this.queue.then(record, record);
    this.queue = run.catch(() => undefined);
    return run;
  }

  paymentsOf(invoiceNumber: string): readonly PaymentRecord[] {
    return this.byInvoice.get(invoiceNumber) ?? [];
  }

  get(id: string): PaymentRecord | undefined {
    return this.payments.get(id)?.data;
  }

  list(): PaymentRecord[] {
    return [...this.payments.values()].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  count(): number {
    return this.payments.size;
  }

  /** Records a payment durably. Call inside `exclusive`, after checking its id is free. */
  async add(payment: PaymentRecord): Promise<void> {
    checkRecord(paymentRecordSchema, payment, {
      subject: `the payment ${payment.reference ?? payment.id} of ${payment.invoiceNumber}`,
      details: { invoiceNumber: payment.invoiceNumber },
    });
    await this.payments.create(payment.id, payment);
    this.index(payment);
  }

  relance(invoiceNumber: string, step: RelanceStep): RelanceRecord | undefined {
    return this.relances.get(relanceKey(invoiceNumber, step))?.data;
  }

  relancesOf(invoiceNumber: string): RelanceRecord[] {
    return [...this.relances.values()].filter((r) => r.invoiceNumber === invoiceNumber);
  }

  /** Claims a relance before it is sent: durable first, so a restart never sends it a second time. */
  async claimRelance(record: RelanceRecord): Promise<void> {
    checkRecord(relanceRecordSchema, record, { subject: `the relance ${record.step} of ${record.invoiceNumber}` });
    await this.relances.create(relanceKey(record.invoiceNumber, record.step), record);
  }

  async markRelanceSent(invoiceNumber: string, step: RelanceStep, sentAt: string, messageId: string | null): Promise<RelanceRecord> {
    const doc = this.relances.get(relanceKey(invoiceNumber, step))!;
    doc.data = { ...doc.data, status: 'sent', sentAt, messageId };
    await doc.write();
    return doc.data;
  }

  /** Gives a claim back when the SMTP server refused the message: nothing was sent, the next pass tries again. */
  async releaseRelance(invoiceNumber: string, step: RelanceStep): Promise<void> {
    await this.relances.remove(relanceKey(invoiceNumber, step));
  }
}
