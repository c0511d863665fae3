/**
 * An admin's decision on an invoice the close held for review (its total was above
 * BILLING_REVIEW_AMOUNT_CENTS). Approved, it is issued now: the next number of the invoice series
 * of today's year, given by the store (BillingMonthStore.approveHeld) under the same lock and
 * numbering as the close — gapless, and decided once whatever the number of nodes — dated the
 * day the store issues it, due after the payment terms printed on its month's invoices. Rejected, it is never issued; the reason is
 * kept. Either decision is final: a wrong approval is corrected by a credit note, a wrong
 * rejection by the vendor's own means (a manual invoice is outside this product).
 */
import { z } from 'zod';
import type { ApprovedInvoice, RejectionRecord } from '../../storage/billingRecords.js';
import { addDays, parisDate } from './calendar.js';
import type { BillingContext } from './closeBillingMonth.js';

export const rejectionInputSchema = z.strictObject({
  reason: z
    .string({ error: 'must say why the invoice is not issued, e.g. "usage counter implausible"' })
    .trim()
    .min(3, { error: 'must say why the invoice is not issued (at least 3 characters)' })
    .max(500, { error: 'must be at most 500 characters' }),
});
export type RejectionInput = z.infer<typeof rejectionInputSchema>;

export function approveHeldInvoice(cp: BillingContext, month: string, cabinetId: string, by: string): Promise<ApprovedInvoice> {
  return cp.billingMonths.approveHeld(
    month,
    cabinetId,
    (now, held, vendor) => {
      const issueDate = parisDate(now);
      const { reviewAmountCents: _review, ...draft } = held;
      return {
        ...draft,
        issueDate,
        issuedAt: now.toISOString(),
        dueDate: addDays(issueDate, vendor.paymentTermsDays),
        approvedBy: by,
      };
    },
    cp.clock,
  );
}

export function rejectHeldInvoice(
  cp: BillingContext,
  month: string,
  cabinetId: string,
  input: RejectionInput,
  by: string,
): Promise<RejectionRecord> {
  return cp.billingMonths.rejectHeld(
    month,
    cabinetId,
    (now) => ({ month, cabinetId, rejectedAt: now.toISOString(), rejectedBy: by, reason: input.reason }),
    cp.clock,
  );
}
