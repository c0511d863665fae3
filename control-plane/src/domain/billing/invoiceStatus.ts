/**
 * Where an invoice stands, computed — never stored — from what is on file: the invoice, its
 * credit notes, the payments received and today's date in Paris (the clock). Nothing to keep in
 * step: a payment recorded or a credit note issued changes the status at once, and the day after
 * the due date an unpaid invoice is past due without anything being written.
 *
 *   void            fully credited: its credit notes cancel everything it billed (art. 289, I-5 CGI);
 *   paid            the payments cover what is owed once the credit notes are deducted;
 *   past_due        something is still owed after the due date — late-payment penalties run from
 *                   the day after it (art. L. 441-10, II C. com.) and the 40 € recovery indemnity
 *                   is owed (art. D. 441-5 C. com.);
 *   partially_paid  some was paid, the rest is not yet due;
 *   open            nothing paid, not yet due.
 */
import type { CreditNoteRecord, InvoiceRecord } from '../../storage/billingRecords.js';
import type { PaymentRecord } from '../../storage/paymentRecords.js';
import { addDays } from './calendar.js';

export const INVOICE_STATUSES = ['open', 'paid', 'partially_paid', 'past_due', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceStanding {
  status: InvoiceStatus;
  totalInclVatCents: number;
  creditedInclVatCents: number;
  paidCents: number;
  /** What is still to be paid, incl. VAT (0 when paid or void; never negative). */
  balanceDueCents: number;
  /** Paid beyond what is owed — possible only when a credit note came after the payment: a refund is due. */
  overpaidCents: number;
  dueDate: string;
  /** Whole days since the due date while something is owed (0 otherwise). */
  daysPastDue: number;
}

/** Whole days from `from` to `to` ("YYYY-MM-DD", calendar days). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function invoiceStanding(
  invoice: Pick<InvoiceRecord, 'totalInclVatCents' | 'dueDate'>,
  creditNotes: readonly Pick<CreditNoteRecord, 'totalInclVatCents'>[],
  payments: readonly Pick<PaymentRecord, 'amountCents'>[],
  today: string,
): InvoiceStanding {
  const creditedInclVatCents = creditNotes.reduce((s, c) => s + c.totalInclVatCents, 0);
  const paidCents = payments.reduce((s, p) => s + p.amountCents, 0);
  const owed = invoice.totalInclVatCents - creditedInclVatCents;
  const balanceDueCents = Math.max(0, owed - paidCents);
  const overpaidCents = Math.max(0, paidCents - Math.max(0, owed));
  // The due date is the last day to pay: past due from the next day on (L. 441-10, II C. com.).
  const pastDue = balanceDueCents > 0 && today >= addDays(invoice.dueDate, 1);
  let status: InvoiceStatus;
  if (owed <= 0) status = 'void';
  else if (balanceDueCents === 0) status = 'paid';
  else if (pastDue) status = 'past_due';
  else if (paidCents > 0) status = 'partially_paid';
  else status = 'open';
  return {
    status,
    totalInclVatCents: invoice.totalInclVatCents,
    creditedInclVatCents,
    paidCents,
    balanceDueCents,
    overpaidCents,
    dueDate: invoice.dueDate,
    daysPastDue: pastDue ? daysBetween(invoice.dueDate, today) : 0,
  };
}
