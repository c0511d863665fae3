/**
 * Payments and relances over today's files (DATA_DIR/billing/payments and billing/relances: same
 * files, same format), kept by `PaymentFiles` (paymentFiles.ts). One process holds the DATA_DIR lock:
 *
 * - a payment is decided in the files' one queue (`exclusive`): the payments it is admitted
 *   against are still the invoice's payments when it is written, and its id (derived from the bank
 *   reference) is checked there, so a bank line is counted once;
 * - a relance is claimed by creating its file, which the collection refuses for an id already
 *   taken or being created: two passes cannot both claim one.
 */
import { DomainError } from '@iamanager/protocol';
import { RELANCE_STEPS, type PaymentRecord, type RelanceRecord, type RelanceStep } from '../paymentRecords.js';
import type { PaymentLedger, PaymentOutcome } from '../stores.js';
import type { PaymentFiles } from './paymentFiles.js';

export class EmbeddedPaymentLedger implements PaymentLedger {
  constructor(private readonly files: PaymentFiles) {}

  record(payment: PaymentRecord, admit: (earlier: readonly PaymentRecord[]) => void): Promise<PaymentOutcome> {
    return this.files.exclusive(async () => {
      const first = this.files.get(payment.id);
      if (first) return { duplicate: structuredClone(first) };
      admit(this.files.paymentsOf(payment.invoiceNumber));
      // A copy: the caller keeping the record it gave must not change the file's state behind its back.
      const recorded = structuredClone(payment);
      await this.files.add(recorded);
      return { recorded: structuredClone(recorded) };
    });
  }

  paymentsOf(invoiceNumber: string): Promise<PaymentRecord[]> {
    return Promise.resolve(this.files.paymentsOf(invoiceNumber).map((p) => structuredClone(p)));
  }

  payments(): Promise<PaymentRecord[]> {
    return Promise.resolve(this.files.list().sort(byDate));
  }

  paymentCount(): Promise<number> {
    return Promise.resolve(this.files.count());
  }

  relancesOf(invoiceNumber: string): Promise<RelanceRecord[]> {
    return Promise.resolve(this.files.relancesOf(invoiceNumber).sort(byStep));
  }

  relance(invoiceNumber: string, step: RelanceStep): Promise<RelanceRecord | undefined> {
    const found = this.files.relance(invoiceNumber, step);
    return Promise.resolve(found && structuredClone(found));
  }

  async claimRelance(record: RelanceRecord): Promise<boolean> {
    try {
      await this.files.claimRelance(structuredClone(record));
      return true;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'already_exists') return false;
      throw err;
    }
  }

  markRelanceSent(invoiceNumber: string, step: RelanceStep, sentAt: string, messageId: string | null): Promise<RelanceRecord> {
    return this.files.markRelanceSent(invoiceNumber, step, sentAt, messageId);
  }

  releaseRelance(invoiceNumber: string, step: RelanceStep): Promise<void> {
    return this.files.releaseRelance(invoiceNumber, step);
  }
}

/** Oldest payment first, as `paymentsOf` lists an invoice's. */
function byDate(a: PaymentRecord, b: PaymentRecord): number {
  return a.date.localeCompare(b.date) || a.recordedAt.localeCompare(b.recordedAt);
}

/** Reminder, second reminder, final notice: the order they are sent in, whatever order the files were read in. */
function byStep(a: RelanceRecord, b: RelanceRecord): number {
  return RELANCE_STEPS.indexOf(a.step) - RELANCE_STEPS.indexOf(b.step);
}
