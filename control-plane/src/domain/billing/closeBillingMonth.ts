/**
 * `closeBillingMonth` finalizes a month's drafts (billingPreview.ts): one invoice per cabinet that
 * had active days in a month that is over, numbered in the invoice series of the issue year, in
 * one commit (see storage/embedded/billingFiles.ts). Art. 289, I-3 CGI lets services to one customer over a
 * calendar month be invoiced together, at the latest at the end of that month; the close runs
 * once the month is over. The domain drafts; the store (BillingMonthStore.commitMonth) numbers and
 * dates, under its lock: a second close of the month, from any node, is refused there.
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
import { addDays, isMonthOver, nextMonth, parisDate } from './calendar.js';
import type { DraftWarning } from './draftInvoice.js';
import { describeMissing } from './mandatoryMentions.js';
import { requireVendor } from './requireVendor.js';
import { ControlPlaneError } from '../../errors.js';
import { monthAlreadyClosed } from '../../storage/billingRefusals.js';
import type { UnnumberedInvoice } from '../../storage/stores.js';

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

export async function closeBillingMonth(
  cp: BillingContext,
  month: string,
  by: string,
  options: FinalizeOptions = {},
): Promise<ClosedMonth> {
  const vendor = requireVendor(cp.config.vendor);
  // Read before the drafts (plans never change: reading them first changes nothing billed).
  const planOf = await cp.plans.lookup();
  const now = cp.clock();
  if (!isMonthOver(month, now)) {
    throw new ControlPlaneError(
      'month_not_over',
      `${month} is not over yet (today is ${parisDate(now)} in Paris): it can be closed from ${nextMonth(month)}-01`,
      { month },
    );
  }
  // Early, so a second close does not draft for nothing; the store refuses it again under its lock.
  const closed = await cp.billingMonths.closedMonth(month);
  if (closed) throw monthAlreadyClosed(month, closed);

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
  const warnings = drafts.warnings;
  // The store numbers the invoices and gives the time, read once it holds the billing clock: the
  // documents are dated then (issue date in Paris, due date after the vendor's terms).
  const committed = await cp.billingMonths.commitMonth((at) => {
    const issueDate = parisDate(at);
    const dueDate = addDays(issueDate, vendor.paymentTermsDays);
    const invoices: UnnumberedInvoice[] = [];
    const held: HeldInvoice[] = [];
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
      else invoices.push({ ...record, issueDate, issuedAt: at.toISOString(), dueDate });
    }
    return { month, closedAt: at.toISOString(), closedBy: by, issueDate, vendor, invoices, held, warnings };
  }, cp.clock);
  return { month, issueDate: committed.issueDate, vendor, invoices: committed.invoices, held: committed.held, warnings };
}
