/**
 * `issueCreditNote`: the only way to correct an issued invoice, which is never edited. A credit
 * note (avoir) is itself an invoice-like document (art. 289, I-5 CGI: "tout document ou message
 * rectificatif ... qui modifie la facture initiale et y fait référence de façon spécifique et non
 * équivoque est assimilé à une facture"): it names the invoice by number and date, carries every
 * mandatory mention, and takes the next number of the credit-note series of its issue year.
 *
 * Without an amount it cancels what the invoice still owes; with one (excl. VAT) it credits that
 * part, its VAT computed like an invoice's. The credits of an invoice never exceed it: the last
 * one to bring it to zero takes exactly the VAT left, so the VAT credited sums to the VAT invoiced.
 *
 * Like the month's invoices, a credit note is drafted first (`draftCreditNote`): the dashboard
 * and the CLI show it and issue it only once the vendor confirms.
 */
import { NotFoundError } from '@iamanager/protocol';
import { z } from 'zod';
import type { CreditNoteRecord, InvoiceRecord } from '../../storage/billingRecords.js';
import { parisDate, frenchDate } from './calendar.js';
import type { BillingContext } from './billingContext.js';
import { VAT_RATE_PERCENT, vatOf } from './money.js';
import { requireVendor } from './requireVendor.js';
import { ControlPlaneError } from '../../errors.js';

export const creditNoteInputSchema = z.strictObject({
  reason: z
    .string({ error: 'must say why the invoice is corrected, e.g. "overage disputed"' })
    .trim()
    .min(3, { error: 'must say why the invoice is corrected (at least 3 characters)' })
    .max(500, { error: 'must be at most 500 characters' }),
  amountCents: z
    .int({ error: 'must be a whole number of cents excl. VAT, e.g. 2500 for 25 €; leave it out to cancel the whole invoice' })
    .min(1, { error: 'must be at least 1 cent' })
    .max(1_000_000_000)
    .optional(),
});
export type CreditNoteInput = z.infer<typeof creditNoteInputSchema>;

/** A credit note before it is issued: what it would credit, for the vendor to confirm (nothing numbered, nothing written). */
export interface CreditNoteDraft {
  invoiceNumber: string;
  invoiceIssueDate: string;
  cabinetId: string;
  customerName: string;
  reason: string;
  full: boolean;
  description: string;
  totalExclVatCents: number;
  vatRatePercent: number;
  vatCents: number;
  totalInclVatCents: number;
  /** What the invoice still owes incl. VAT, before and after this credit note. */
  owedInclVatCents: number;
  balanceAfterInclVatCents: number;
}

/**
 * The credit note `input` would issue on `invoiceNumber`, with the same checks the issue makes:
 * the dashboard and the CLI show it for confirmation before `issueCreditNote` (credit notes are
 * never withdrawn, like invoices).
 */
export async function draftCreditNote(cp: BillingContext, invoiceNumber: string, input: CreditNoteInput): Promise<CreditNoteDraft> {
  const invoice = await cp.billingMonths.invoice(invoiceNumber);
  if (!invoice) throw new NotFoundError('invoice', invoiceNumber);
  return creditNoteDraftOf(invoice, await cp.billingMonths.creditNotesOf(invoiceNumber), input);
}

/** What `input` credits on `invoice` given the credit notes `earlier` issued on it (refusals named by field). */
function creditNoteDraftOf(invoice: InvoiceRecord, earlier: readonly CreditNoteRecord[], input: CreditNoteInput): CreditNoteDraft {
  const invoiceNumber = invoice.number;
  const owedExcl = invoice.totalExclVatCents - earlier.reduce((s, c) => s + c.totalExclVatCents, 0);
  const owedVat = invoice.vatCents - earlier.reduce((s, c) => s + c.vatCents, 0);
  if (owedExcl <= 0) {
    throw new ControlPlaneError(
      'invoice_fully_credited',
      `invoice ${invoiceNumber} is already fully credited (${earlier.map((c) => c.number).join(', ')})`,
      { invoiceNumber },
    );
  }
  if (input.amountCents !== undefined && input.amountCents > owedExcl) {
    throw new ControlPlaneError(
      'credit_exceeds_invoice',
      `amountCents: ${input.amountCents} is more than the ${owedExcl} cents excl. VAT left on ${invoiceNumber}: credit at most ${owedExcl}, or leave it out to cancel the rest`,
      { owedExclVatCents: owedExcl },
    );
  }
  const full = input.amountCents === undefined || input.amountCents === owedExcl;
  const excl = full ? owedExcl : input.amountCents!;
  const vat = full ? owedVat : Math.min(vatOf(excl), owedVat);
  const reference = `la facture ${invoice.number} du ${frenchDate(invoice.issueDate)}`;
  return {
    invoiceNumber: invoice.number,
    invoiceIssueDate: invoice.issueDate,
    cabinetId: invoice.cabinetId,
    customerName: invoice.customer.name,
    reason: input.reason,
    full,
    description: `${!full ? 'Avoir partiel sur' : earlier.length > 0 ? 'Avoir pour le solde de' : 'Annulation de'} ${reference} — ${input.reason}`,
    totalExclVatCents: excl,
    vatRatePercent: VAT_RATE_PERCENT,
    vatCents: vat,
    totalInclVatCents: excl + vat,
    owedInclVatCents: owedExcl + owedVat,
    balanceAfterInclVatCents: owedExcl + owedVat - (excl + vat),
  };
}

/**
 * Issues the credit note. The store numbers it (series A of its issue year) and hands the draft
 * the time and the invoice's credit notes as they stand under its lock: two credit notes of one
 * invoice at once, from any nodes, are decided one after the other and never credit more than it.
 */
export async function issueCreditNote(
  cp: BillingContext,
  invoiceNumber: string,
  input: CreditNoteInput,
  by: string,
): Promise<CreditNoteRecord> {
  const vendor = requireVendor(cp.config.vendor);
  // Invoices are never edited: the one read here is the one the store finds under its lock.
  const invoice = await cp.billingMonths.invoice(invoiceNumber);
  if (!invoice) throw new NotFoundError('invoice', invoiceNumber);
  return cp.billingMonths.issueCreditNote(
    invoiceNumber,
    (now, earlier) => {
      const draft = creditNoteDraftOf(invoice, earlier, input);
      return {
        invoiceNumber: invoice.number,
        invoiceIssueDate: invoice.issueDate,
        month: invoice.month,
        cabinetId: invoice.cabinetId,
        issueDate: parisDate(now),
        issuedAt: now.toISOString(),
        issuedBy: by,
        reason: input.reason,
        full: draft.full,
        vendor,
        customer: invoice.customer,
        lines: [{ description: draft.description, amountCents: draft.totalExclVatCents }],
        totalExclVatCents: draft.totalExclVatCents,
        vatRatePercent: VAT_RATE_PERCENT,
        vatCents: draft.vatCents,
        totalInclVatCents: draft.totalInclVatCents,
      };
    },
    cp.clock,
  );
}
