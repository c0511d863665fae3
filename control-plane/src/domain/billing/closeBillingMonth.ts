/**
 * `closeBillingMonth` finalizes a month's drafts (billingPreview.ts): one invoice per cabinet that
 * had active days in a month that is over, numbered in the invoice series of the issue year, in
 * one commit (see billingStore.ts). Art. 289, I-3 CGI lets services to one customer over a
 * calendar month be invoiced together, at the latest at the end of that month; the close runs
 * once the month is over.
 *
 * Nothing is issued while a draft lacks a mandatory mention (mandatoryMentions.ts): the refusal
 * (`invoice_mentions_missing`) names each cabinet and field and how to fill it, since an issued
 * invoice is never edited. Given the digest of the drafts the vendor reviewed, a finalize refuses
 * drafts that changed since (`drafts_changed`).
 *
 * A draft whose total incl. VAT is above BILLING_REVIEW_AMOUNT_CENTS is not issued but held in
 * the month file, unnumbered, for an admin to approve or reject (reviewHeldInvoice.ts): a counter
 * gone wrong (a bug, or the cabinet's own machine lying) must not turn into a legal document that
 * only a credit note can undo. The other invoices are issued as usual. The drafts' warnings are
 * kept in the month file, for the month's page to show after the close.
 */
import type { HeldInvoice, InvoiceRecord, VendorIdentity } from '../../storage/billingRecords.js';
import type { BillingContext } from './billingContext.js';
import { draftMonth } from './billingPreview.js';
import { isMonthOver, nextMonth, parisDate } from './calendar.js';
import { formatDocumentNumber, SERIES } from './documentNumbers.js';
import type { DraftWarning } from './draftInvoice.js';
import { describeMissing } from './mandatoryMentions.js';
import { requireVendor } from './requireVendor.js';
import { ControlPlaneError } from '../../errors.js';

export type { BillingContext } from './billingContext.js';

export interface ClosedMonth {
  month: string;
  issueDate: string;
  vendor: VendorIdentity;
  invoices: InvoiceRecord[];
  /** Not issued: above the review amount, waiting for an admin's approval. */
  held: HeldInvoice[];
  /** What the vendor should look at (missing usage reports, overage not billed). */
  warnings: DraftWarning[];
}

export interface FinalizeOptions {
  /** The digest of the drafts the vendor reviewed (billingPreview.ts); refused if they changed since. */
  expectedDigest?: string | undefined;
}

export function closeBillingMonth(cp: BillingContext, month: string, by: string, options: FinalizeOptions = {}): Promise<ClosedMonth> {
  const vendor = requireVendor(cp.config.vendor);
  return cp.billing.exclusive(async () => {
    // Read before the synchronous step below (plans never change: reading them first changes nothing billed).
    const planOf = await cp.plans.lookup();
    const now = cp.clock();
    if (!isMonthOver(month, now)) {
      throw new ControlPlaneError(
        'month_not_over',
        `${month} is not over yet (today is ${parisDate(now)} in Paris): it can be closed from ${nextMonth(month)}-01`,
        { month },
      );
    }
    const closed = cp.billing.isClosed(month);
    if (closed) {
      const range = closed.firstNumber ? `, ${closed.firstNumber} to ${closed.lastNumber}` : '';
      throw new ControlPlaneError(
        'month_already_closed',
        `${month} was already closed on ${closed.issueDate} (${closed.invoiceCount} invoices${range}); an invoice is never re-issued: correct one with a credit note (control-plane billing credit-note INVOICE --reason "…")`,
        { month, closedAt: closed.closedAt },
      );
    }
    cp.billing.assertClosable();
    cp.billing.assertChronological(now);

    // The drafts read the cabinets, then everything runs in one synchronous step: the cabinets and counters read are the ones billed.
    const drafts = await draftMonth(cp, month, planOf);
    if (drafts.missing.length > 0) {
      throw new ControlPlaneError(
        'invoice_mentions_missing',
        `${month} is not closed, nothing was issued: ${describeMissing(drafts.missing)}. Fill them, then close again (control-plane billing preview ${month} lists the drafts)`,
        {
          month,
          missing: drafts.missing.map((m) => ({ cabinetId: m.cabinetId, party: m.party, field: m.field, article: m.article, fix: m.fix })),
        },
      );
    }
    if (options.expectedDigest !== undefined && options.expectedDigest !== drafts.digest) {
      throw new ControlPlaneError(
        'drafts_changed',
        `the drafts of ${month} changed since they were reviewed (a cabinet or a usage report changed): nothing was issued; review them again (control-plane billing preview ${month}) and finalize those`,
        { month, digest: drafts.digest },
      );
    }
    const { issueDate, dueDate } = drafts;
    const year = Number(issueDate.slice(0, 4));
    const invoices: InvoiceRecord[] = [];
    const held: HeldInvoice[] = [];
    let n = cp.billing.lastNumber(SERIES.invoice, year);
    for (const d of drafts.drafts) {
      const record = {
        cabinetId: d.cabinetId,
        month,
        customer: d.customer,
        lines: d.lines,
        usage: d.usage,
        totalExclVatCents: d.totalExclVatCents,
        vatRatePercent: d.vatRatePercent,
        vatCents: d.vatCents,
        totalInclVatCents: d.totalInclVatCents,
      };
      if (d.needsApproval) held.push({ ...record, reviewAmountCents: drafts.reviewAmountCents });
      else
        invoices.push({
          number: formatDocumentNumber(SERIES.invoice, year, ++n),
          ...record,
          issueDate,
          issuedAt: now.toISOString(),
          dueDate,
        });
    }
    const warnings = drafts.warnings;
    await cp.billing.commitMonth({ month, closedAt: now.toISOString(), closedBy: by, issueDate, vendor, invoices, held, warnings });
    return { month, issueDate, vendor, invoices, held, warnings };
  });
}
