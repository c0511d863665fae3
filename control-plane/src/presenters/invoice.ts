/**
 * Invoices and credit notes as they go out (JSON API, CLI `--json`). The signed usage JWS stays
 * in the store: an invoice carries its SHA-256 and the evidence is fetched on its own
 * (`GET /api/v1/billing/invoices/:number/evidence`), so listings stay small.
 */
import type { CreditNoteRecord, HeldInvoice, InvoiceLine, InvoiceRecord, VendorIdentity } from '../storage/billingRecords.js';
import type { HeldDecision } from '../storage/billingRefusals.js';
import type { MonthSummary } from '../storage/billingRecords.js';

function presentLine(line: InvoiceLine) {
  if (line.kind === 'subscription') {
    return {
      kind: line.kind,
      description: line.description,
      plan: line.plan,
      from: line.from,
      to: line.to,
      days: line.days,
      daysInMonth: line.daysInMonth,
      unitPriceCents: line.unitPriceCents,
      amountCents: line.amountCents,
    };
  }
  return {
    kind: line.kind,
    description: line.description,
    plan: line.plan,
    quantity: line.quantity,
    unitPriceCents: line.unitPriceCents,
    amountCents: line.amountCents,
    evidence: { ...line.evidence },
  };
}

export function presentInvoice(
  invoice: InvoiceRecord,
  options: { vendor?: VendorIdentity; creditNotes?: readonly CreditNoteRecord[] } = {},
) {
  const credits = options.creditNotes ?? [];
  const creditedExclVatCents = credits.reduce((s, c) => s + c.totalExclVatCents, 0);
  const creditedInclVatCents = credits.reduce((s, c) => s + c.totalInclVatCents, 0);
  return {
    number: invoice.number,
    cabinetId: invoice.cabinetId,
    month: invoice.month,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    ...(options.vendor ? { vendor: { ...options.vendor } } : {}),
    customer: { ...invoice.customer },
    lines: invoice.lines.map(presentLine),
    usage: invoice.usage
      ? {
          analysesUsed: invoice.usage.analysesUsed,
          analysesOverage: invoice.usage.analysesOverage,
          applianceId: invoice.usage.applianceId,
          seq: invoice.usage.seq,
          receivedAt: invoice.usage.receivedAt,
          jwsSha256: invoice.usage.jwsSha256,
          evidence: `/api/v1/billing/invoices/${invoice.number}/evidence`,
        }
      : null,
    totalExclVatCents: invoice.totalExclVatCents,
    vatRatePercent: invoice.vatRatePercent,
    vatCents: invoice.vatCents,
    totalInclVatCents: invoice.totalInclVatCents,
    creditNotes: credits.map((c) => c.number),
    creditedExclVatCents,
    /** What the customer still owes on this invoice, incl. VAT, once its credit notes are deducted. */
    balanceInclVatCents: invoice.totalInclVatCents - creditedInclVatCents,
  };
}

export function presentInvoiceSummary(invoice: InvoiceRecord, creditNotes: readonly CreditNoteRecord[] = []) {
  return {
    number: invoice.number,
    cabinetId: invoice.cabinetId,
    customerName: invoice.customer.name,
    month: invoice.month,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    totalExclVatCents: invoice.totalExclVatCents,
    vatCents: invoice.vatCents,
    totalInclVatCents: invoice.totalInclVatCents,
    creditNotes: creditNotes.map((c) => c.number),
    balanceInclVatCents: invoice.totalInclVatCents - creditNotes.reduce((s, c) => s + c.totalInclVatCents, 0),
  };
}

export function presentCreditNote(note: CreditNoteRecord) {
  return {
    number: note.number,
    invoiceNumber: note.invoiceNumber,
    invoiceIssueDate: note.invoiceIssueDate,
    month: note.month,
    cabinetId: note.cabinetId,
    issueDate: note.issueDate,
    issuedBy: note.issuedBy,
    reason: note.reason,
    full: note.full,
    vendor: { ...note.vendor },
    customer: { ...note.customer },
    lines: note.lines.map((l) => ({ ...l })),
    totalExclVatCents: note.totalExclVatCents,
    vatRatePercent: note.vatRatePercent,
    vatCents: note.vatCents,
    totalInclVatCents: note.totalInclVatCents,
  };
}

/** A billing month: closed (with its summary) or open (closable once it is over). */
export function presentMonth(month: string, summary: MonthSummary | undefined, closable: boolean) {
  return {
    month,
    status: summary ? ('closed' as const) : ('open' as const),
    closable: !summary && closable,
    closedAt: summary?.closedAt ?? null,
    closedBy: summary?.closedBy ?? null,
    issueDate: summary?.issueDate ?? null,
    invoiceCount: summary?.invoiceCount ?? 0,
    firstNumber: summary?.firstNumber ?? null,
    lastNumber: summary?.lastNumber ?? null,
    totalExclVatCents: summary?.totalExclVatCents ?? 0,
    vatCents: summary?.vatCents ?? 0,
    totalInclVatCents: summary?.totalInclVatCents ?? 0,
    heldCount: summary?.heldCount ?? 0,
  };
}

/** An invoice held for review at the close: its figures, and the decision once there is one. */
export function presentHeldInvoice(held: HeldInvoice, state: HeldDecision) {
  return {
    month: held.month,
    cabinetId: held.cabinetId,
    customerName: held.customer.name,
    status: state.status,
    reviewAmountCents: held.reviewAmountCents,
    lines: held.lines.map(presentLine),
    usage: held.usage
      ? {
          analysesUsed: held.usage.analysesUsed,
          analysesOverage: held.usage.analysesOverage,
          applianceId: held.usage.applianceId,
          seq: held.usage.seq,
          receivedAt: held.usage.receivedAt,
          jwsSha256: held.usage.jwsSha256,
        }
      : null,
    totalExclVatCents: held.totalExclVatCents,
    vatCents: held.vatCents,
    totalInclVatCents: held.totalInclVatCents,
    invoiceNumber: state.status === 'approved' ? state.invoice.number : null,
    decidedBy: state.status === 'approved' ? state.invoice.approvedBy : state.status === 'rejected' ? state.rejection.rejectedBy : null,
    decidedAt: state.status === 'approved' ? state.invoice.issuedAt : state.status === 'rejected' ? state.rejection.rejectedAt : null,
    rejectionReason: state.status === 'rejected' ? state.rejection.reason : null,
  };
}
