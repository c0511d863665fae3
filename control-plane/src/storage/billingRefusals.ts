/**
 * The refusals both billing stores and the domain give with the same code and words: a month
 * closed twice, a held invoice decided twice. An invoice is never re-issued and a decision is final.
 */
import { ControlPlaneError } from '../errors.js';
import type { ApprovedInvoice, MonthSummary, RejectionRecord } from './billingRecords.js';

/** A held invoice's decision as the billing files keep it. */
export type HeldDecision =
  { status: 'pending' } | { status: 'approved'; invoice: ApprovedInvoice } | { status: 'rejected'; rejection: RejectionRecord };

/** The refusal of a second close, naming what the first one issued (the files keep its summary). */
export function monthAlreadyClosed(month: string, closed: MonthSummary): ControlPlaneError {
  const range = closed.firstNumber ? `, ${closed.firstNumber} to ${closed.lastNumber}` : '';
  return new ControlPlaneError(
    'month_already_closed',
    `${month} was already closed on ${closed.issueDate} (${closed.invoiceCount} invoices${range}); an invoice is never re-issued: correct one with a credit note (control-plane billing credit-note INVOICE --reason "…")`,
    { month, closedAt: closed.closedAt },
  );
}

/** The refusal of a second decision on a held invoice: a decision is final. */
export function heldInvoiceDecided(month: string, cabinetId: string, state: HeldDecision): ControlPlaneError {
  const decided =
    state.status === 'approved'
      ? `approved and issued as ${state.invoice.number} by ${state.invoice.approvedBy}`
      : state.status === 'rejected'
        ? `rejected by ${state.rejection.rejectedBy} (${state.rejection.reason})`
        : 'decided';
  return new ControlPlaneError(
    'held_invoice_decided',
    `the ${month} invoice of cabinet "${cabinetId}" was already ${decided}: a decision is final`,
    {
      month,
      cabinetId,
      status: state.status,
    },
  );
}
