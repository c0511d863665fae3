/**
 * `recordPayment`: money received on an invoice (SPEC "Additions": `billing pay NUMBER
 * --amount-cents N --date YYYY-MM-DD [--method M] [--reference R]`). Amounts are incl. VAT — what
 * the customer pays. A payment is refused, with what to do instead, when it would pay more than
 * is still owed (a bank line paying two invoices is split by hand), when the invoice is void
 * (fully credited: the money is a refund to make), when it is dated after today or before the
 * invoice, and when its reference was already recorded (the same bank line twice).
 */
import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError, parseWith } from '@iamanager/protocol';
import { z } from 'zod';
import { PAYMENT_METHODS, type PaymentRecord } from '../../storage/paymentRecords.js';
import type { InvoiceRecord } from '../../storage/billingRecords.js';
import { ControlPlaneError } from '../../errors.js';
import type { BillingContext } from './closeBillingMonth.js';
import { parisDate } from './calendar.js';
import { invoiceStanding, type InvoiceStanding } from './invoiceStatus.js';
import { formatEuros } from './money.js';
import type { PaymentLedger } from '../../storage/stores.js';

export interface PaymentContext extends BillingContext {
  /** Where payments are recorded and relances claimed, once whatever the number of nodes, and read. */
  paymentLedger: PaymentLedger;
}

/** Bank references compared without case or spaces: statements differ in how they print them. */
export function normaliseReference(reference: string): string {
  return reference.replace(/\s+/g, '').toUpperCase();
}

/**
 * The id of the payment a reference stands for: the same reference always gives the same id, so
 * the same bank line recorded twice, on any node, meets its first recording (the store's key).
 */
export function paymentIdOf(reference: string | null): string {
  if (reference === null) return `P-${randomBytes(12).toString('hex')}`;
  return `P-R${createHash('sha256').update(normaliseReference(reference)).digest('hex').slice(0, 40)}`;
}

/** A real calendar day as "YYYY-MM-DD" (2026-02-30 is refused, not rolled over to March). */
export const calendarDateSchema = z
  .string({ error: 'must be a date as YYYY-MM-DD, e.g. 2026-04-15' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD, e.g. 2026-04-15' })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), {
    error: 'is not a day of the calendar',
  });

export const paymentInputSchema = z.strictObject({
  amountCents: z
    .int({ error: 'must be a whole number of cents incl. VAT, e.g. 12000 for 120 €' })
    .min(1, { error: 'must be at least 1 cent' })
    .max(100_000_000_000, { error: 'must be at most 100 000 000 000 cents' }),
  date: calendarDateSchema,
  method: z.enum(PAYMENT_METHODS, { error: `must be one of ${PAYMENT_METHODS.join(', ')}` }).default('transfer'),
  reference: z
    .string()
    .trim()
    .min(1, { error: "must not be empty: leave it out, or give the bank line's reference" })
    .max(140, { error: 'must be at most 140 characters (a SEPA reference is at most 35)' })
    .optional(),
});
export type PaymentInput = z.input<typeof paymentInputSchema>;

/** The status of one invoice as of today in Paris (a listing reads every account at once: invoiceAccount.ts `readAccounts`). */
export async function standingOf(
  cp: PaymentContext,
  invoice: Pick<InvoiceRecord, 'number' | 'totalInclVatCents' | 'dueDate'>,
): Promise<InvoiceStanding> {
  const [creditNotes, payments] = await Promise.all([
    cp.billingMonths.creditNotesOf(invoice.number),
    cp.paymentLedger.paymentsOf(invoice.number),
  ]);
  return invoiceStanding(invoice, creditNotes, payments, parisDate(cp.clock()));
}

export interface RecordedPayment {
  payment: PaymentRecord;
  standing: InvoiceStanding;
}

/** What `recordPayment` was told besides the amount: where it came from and the bank line's label. */
export interface PaymentOrigin {
  by: string;
  source: PaymentRecord['source'];
  label?: string | null;
}

export async function recordPayment(
  cp: PaymentContext,
  invoiceNumber: string,
  raw: PaymentInput,
  origin: PaymentOrigin,
): Promise<RecordedPayment> {
  const input = parseWith(paymentInputSchema, raw);
  const invoice = await cp.billingMonths.invoice(invoiceNumber);
  if (!invoice) throw new NotFoundError('invoice', invoiceNumber);
  // Credit notes are issued under the billing clock's lock, not the invoice's: read before, as the
  // files' synchronous lookup was (a credit note racing a payment is the same race it was).
  const creditNotes = await cp.billingMonths.creditNotesOf(invoiceNumber);
  const now = cp.clock();
  const today = parisDate(now);
  if (input.date > today)
    throw new ValidationError([`date: ${input.date} is after today (${today} in Paris): record a payment once it was received`]);
  if (input.date < invoice.issueDate)
    throw new ValidationError([
      `date: ${input.date} is before ${invoiceNumber} was issued (${invoice.issueDate}): check the invoice number, a payment cannot settle an invoice not yet issued`,
    ]);
  const id = paymentIdOf(input.reference ?? null);
  const payment: PaymentRecord = {
    id,
    invoiceNumber,
    cabinetId: invoice.cabinetId,
    date: input.date,
    amountCents: input.amountCents,
    method: input.method,
    reference: input.reference ?? null,
    source: origin.source,
    label: origin.label ?? null,
    recordedAt: now.toISOString(),
    recordedBy: origin.by,
  };
  // The store decides under the invoice's lock, against its payments as they stand then.
  const outcome = await cp.paymentLedger.record(payment, (earlier) => {
    const before = invoiceStanding(invoice, creditNotes, earlier, today);
    if (before.status === 'void') {
      const notes = creditNotes.map((c) => c.number);
      throw new ControlPlaneError(
        'invoice_void',
        `${invoiceNumber} is void (fully credited by ${notes.join(', ')}): nothing is owed on it; money received for it is to be refunded or recorded on the invoice it was meant for`,
        { invoiceNumber, creditNotes: notes },
      );
    }
    if (input.amountCents > before.balanceDueCents) {
      throw new ControlPlaneError(
        'overpayment',
        before.balanceDueCents === 0
          ? `amountCents: ${invoiceNumber} is already paid in full (${formatEuros(before.paidCents)} received): nothing more can be recorded on it`
          : `amountCents: ${input.amountCents} is more than the ${before.balanceDueCents} cents (${formatEuros(before.balanceDueCents)}) incl. VAT still owed on ${invoiceNumber}: record at most ${before.balanceDueCents}, and the rest on the invoice it pays`,
        { invoiceNumber, balanceDueCents: before.balanceDueCents },
      );
    }
  });
  if ('duplicate' in outcome) {
    const earlier = outcome.duplicate;
    throw new ControlPlaneError(
      'payment_duplicate',
      `reference "${input.reference}" was already recorded on ${earlier.date} (${formatEuros(earlier.amountCents)} on ${earlier.invoiceNumber}, by ${earlier.recordedBy}): a bank line is counted once`,
      { paymentId: id, invoiceNumber: earlier.invoiceNumber, amountCents: earlier.amountCents },
    );
  }
  return { payment: outcome.recorded, standing: await standingOf(cp, invoice) };
}
