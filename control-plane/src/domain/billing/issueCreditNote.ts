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
 */
import { NotFoundError } from '@iamanager/protocol';
import { z } from 'zod';
import type { CreditNoteRecord } from '../../storage/billingRecords.js';
import { parisDate, frenchDate } from './calendar.js';
import type { BillingContext } from './closeBillingMonth.js';
import { formatDocumentNumber, SERIES } from './documentNumbers.js';
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

export function issueCreditNote(cp: BillingContext, invoiceNumber: string, input: CreditNoteInput, by: string): Promise<CreditNoteRecord> {
  const vendor = requireVendor(cp.config.vendor);
  return cp.billing.exclusive(async () => {
    cp.billing.assertIssuable();
    const invoice = await cp.billing.findInvoice(invoiceNumber);
    if (!invoice) throw new NotFoundError('invoice', invoiceNumber);
    const earlier = cp.billing.creditNotesOf(invoiceNumber);
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

    const now = cp.clock();
    cp.billing.assertChronological(now);
    const issueDate = parisDate(now);
    const year = Number(issueDate.slice(0, 4));
    const number = formatDocumentNumber(SERIES.creditNote, year, cp.billing.lastNumber(SERIES.creditNote, year) + 1);
    const reference = `la facture ${invoice.number} du ${frenchDate(invoice.issueDate)}`;
    const note: CreditNoteRecord = {
      number,
      invoiceNumber: invoice.number,
      invoiceIssueDate: invoice.issueDate,
      month: invoice.month,
      cabinetId: invoice.cabinetId,
      issueDate,
      issuedAt: now.toISOString(),
      issuedBy: by,
      reason: input.reason,
      full,
      vendor,
      customer: invoice.customer,
      lines: [
        {
          description: `${!full ? 'Avoir partiel sur' : earlier.length > 0 ? 'Avoir pour le solde de' : 'Annulation de'} ${reference} — ${input.reason}`,
          amountCents: excl,
        },
      ],
      totalExclVatCents: excl,
      vatRatePercent: VAT_RATE_PERCENT,
      vatCents: vat,
      totalInclVatCents: excl + vat,
    };
    await cp.billing.commitCreditNote(note);
    return note;
  });
}
