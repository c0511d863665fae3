/**
 * `closeBillingMonth`: issues one invoice per cabinet that had active days in a month that is
 * over, numbered in the invoice series of the issue year, in one commit (see billingStore.ts).
 * Art. 289, I-3 CGI lets services to one customer over a calendar month be invoiced together,
 * at the latest at the end of that month; the close runs once the month is over.
 *
 * An invoice whose total incl. VAT is above BILLING_REVIEW_AMOUNT_CENTS is not issued but held in
 * the month file, unnumbered, for an admin to approve or reject (reviewHeldInvoice.ts): a counter
 * gone wrong (a bug, or the cabinet's own machine lying) must not turn into a legal document that
 * only a credit note can undo. The other invoices are issued as usual.
 */

import type { Clock } from '../../clock.js';
import type { ApplianceRegistry } from '../appliances.js';
import type { CabinetRegistry } from '../cabinets.js';
import type { PlanCatalog } from '../planCatalog.js';
import type { HeldInvoice, InvoiceRecord, VendorIdentity } from '../../storage/billingRecords.js';
import type { BillingStore } from './billingStore.js';
import { addDays, isMonthOver, nextMonth, parisDate } from './calendar.js';
import { formatDocumentNumber, SERIES } from './documentNumbers.js';
import { draftInvoice, type DraftWarning } from './draftInvoice.js';
import { VAT_RATE_PERCENT } from './money.js';
import { monthUsageByCabinet } from './usageEvidence.js';
import { requireVendor } from './requireVendor.js';
import { ControlPlaneError } from '../../errors.js';

export interface BillingContext {
  config: { vendor: VendorIdentity | undefined; billingReviewAmountCents: number };
  clock: Clock;
  billing: BillingStore;
  cabinets: CabinetRegistry;
  appliances: ApplianceRegistry;
  plans: PlanCatalog;
}

export interface ClosedMonth {
  month: string;
  issueDate: string;
  vendor: VendorIdentity;
  invoices: InvoiceRecord[];
  /** Not issued: above the review amount, waiting for an admin's approval. */
  held: HeldInvoice[];
  /** What the vendor should look at (missing usage reports, incomplete customer records). */
  warnings: DraftWarning[];
}

export function closeBillingMonth(cp: BillingContext, month: string, by: string): Promise<ClosedMonth> {
  const vendor = requireVendor(cp.config.vendor);
  return cp.billing.exclusive(async () => {
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

    const issueDate = parisDate(now);
    const year = Number(issueDate.slice(0, 4));
    const dueDate = addDays(issueDate, vendor.paymentTermsDays);
    const usage = monthUsageByCabinet(cp.appliances, month);
    const planOf = (id: string) => cp.plans.get(id);
    const invoices: InvoiceRecord[] = [];
    const held: HeldInvoice[] = [];
    const review = cp.config.billingReviewAmountCents;
    const warnings: DraftWarning[] = [];
    let n = cp.billing.lastNumber(SERIES.invoice, year);
    // Everything below runs in one synchronous step: the cabinets and counters read are the ones billed.
    for (const cabinet of cp.cabinets.list()) {
      const draft = draftInvoice(cabinet, month, planOf, usage.get(cabinet.id));
      if (!draft) continue;
      warnings.push(...draft.warnings);
      const customer = { cabinetId: cabinet.id, name: cabinet.name, address: cabinet.address, siret: cabinet.siret, email: cabinet.email };
      // `!(… <= …)`: an amount that is not a number at all is held too (and then refused by the check).
      if (!(draft.totalInclVatCents <= review)) {
        held.push({
          cabinetId: cabinet.id,
          month,
          customer,
          lines: draft.lines,
          usage: draft.usage,
          totalExclVatCents: draft.totalExclVatCents,
          vatRatePercent: VAT_RATE_PERCENT,
          vatCents: draft.vatCents,
          totalInclVatCents: draft.totalInclVatCents,
          reviewAmountCents: review,
        });
        continue;
      }
      invoices.push({
        number: formatDocumentNumber(SERIES.invoice, year, ++n),
        cabinetId: cabinet.id,
        month,
        issueDate,
        issuedAt: now.toISOString(),
        dueDate,
        customer,
        lines: draft.lines,
        usage: draft.usage,
        totalExclVatCents: draft.totalExclVatCents,
        vatRatePercent: VAT_RATE_PERCENT,
        vatCents: draft.vatCents,
        totalInclVatCents: draft.totalInclVatCents,
      });
    }
    await cp.billing.commitMonth({ month, closedAt: now.toISOString(), closedBy: by, issueDate, vendor, invoices, held });
    return { month, issueDate, vendor, invoices, held, warnings };
  });
}
