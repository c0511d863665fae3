/**
 * An admin's decision on an invoice the close held for review (its total was above
 * BILLING_REVIEW_AMOUNT_CENTS). Approved, it is issued now: the next number of the invoice series
 * of today's year — gapless, since all issuing is serialised by the store — dated today, due after
 * the payment terms printed on its month's invoices. Rejected, it is never issued; the reason is
 * kept. Either decision is final: a wrong approval is corrected by a credit note, a wrong
 * rejection by the vendor's own means (a manual invoice is outside this product).
 */
import { NotFoundError } from '@iamanager/protocol';
import { z } from 'zod';
import type { ApprovedInvoice, HeldInvoice, RejectionRecord } from '../../storage/billingRecords.js';
import type { HeldState } from './billingStore.js';
import { addDays, parisDate } from './calendar.js';
import type { BillingContext } from './closeBillingMonth.js';
import { formatDocumentNumber, SERIES } from './documentNumbers.js';
import { ControlPlaneError } from '../../errors.js';

export const rejectionInputSchema = z.strictObject({
  reason: z
    .string({ error: 'must say why the invoice is not issued, e.g. "usage counter implausible"' })
    .trim()
    .min(3, { error: 'must say why the invoice is not issued (at least 3 characters)' })
    .max(500, { error: 'must be at most 500 characters' }),
});
export type RejectionInput = z.infer<typeof rejectionInputSchema>;

/** The held invoice, still waiting for a decision (found, not decided yet), inside `exclusive`. */
async function pending(cp: BillingContext, month: string, cabinetId: string): Promise<HeldInvoice> {
  const found = await cp.billing.held(month, cabinetId);
  if (!found) throw new NotFoundError('held invoice', `${month}/${cabinetId}`);
  const decided = describeDecision(found.state);
  if (decided)
    throw new ControlPlaneError(
      'held_invoice_decided',
      `the ${month} invoice of cabinet "${cabinetId}" was already ${decided}: a decision is final`,
      { month, cabinetId, status: found.state.status },
    );
  return found.held;
}

function describeDecision(state: HeldState): string | undefined {
  if (state.status === 'approved') return `approved and issued as ${state.invoice.number} by ${state.invoice.approvedBy}`;
  if (state.status === 'rejected') return `rejected by ${state.rejection.rejectedBy} (${state.rejection.reason})`;
  return undefined;
}

export function approveHeldInvoice(cp: BillingContext, month: string, cabinetId: string, by: string): Promise<ApprovedInvoice> {
  return cp.billing.exclusive(async () => {
    cp.billing.assertIssuable();
    const held = await pending(cp, month, cabinetId);
    const now = cp.clock();
    cp.billing.assertChronological(now);
    const vendor = (await cp.billing.vendorOf(month))!;
    const issueDate = parisDate(now);
    const year = Number(issueDate.slice(0, 4));
    const { reviewAmountCents: _review, ...draft } = held;
    const invoice: ApprovedInvoice = {
      ...draft,
      number: formatDocumentNumber(SERIES.invoice, year, cp.billing.lastNumber(SERIES.invoice, year) + 1),
      issueDate,
      issuedAt: now.toISOString(),
      dueDate: addDays(issueDate, vendor.paymentTermsDays),
      approvedBy: by,
    };
    await cp.billing.commitApproval(invoice);
    return invoice;
  });
}

export function rejectHeldInvoice(
  cp: BillingContext,
  month: string,
  cabinetId: string,
  input: RejectionInput,
  by: string,
): Promise<RejectionRecord> {
  return cp.billing.exclusive(async () => {
    await pending(cp, month, cabinetId);
    const rejection: RejectionRecord = { month, cabinetId, rejectedAt: cp.clock().toISOString(), rejectedBy: by, reason: input.reason };
    await cp.billing.commitRejection(rejection);
    return rejection;
  });
}
