/**
 * An invoice with its account: status (open, paid, partially_paid, past_due, void — SPEC
 * "Additions"), what was paid and is still owed, the payments and the relances sent. Shared by
 * `billing invoice --json`, the API and the invoice page.
 */
import { NotFoundError } from '@iamanager/protocol';
import type { PaymentRecord, RelanceRecord } from '../../storage/paymentRecords.js';
import { showInvoice } from './billingQueries.js';
import { invoiceStanding, type InvoiceStanding } from './invoiceStatus.js';
import { parisDate } from './calendar.js';
import { standingOf, type PaymentContext } from './payments.js';

export function presentPayment(p: PaymentRecord) {
  return {
    id: p.id,
    invoiceNumber: p.invoiceNumber,
    cabinetId: p.cabinetId,
    date: p.date,
    amountCents: p.amountCents,
    method: p.method,
    reference: p.reference,
    source: p.source,
    label: p.label,
    recordedAt: p.recordedAt,
    recordedBy: p.recordedBy,
  };
}

export function presentRelance(r: RelanceRecord) {
  return { step: r.step, to: r.to, status: r.status, sentAt: r.sentAt, balanceDueCents: r.balanceDueCents };
}

export function presentStanding(s: InvoiceStanding) {
  return {
    status: s.status,
    paidCents: s.paidCents,
    balanceDueCents: s.balanceDueCents,
    overpaidCents: s.overpaidCents,
    daysPastDue: s.daysPastDue,
  };
}

export async function showInvoiceAccount(cp: PaymentContext, number: string) {
  const invoice = await cp.billing.findInvoice(number);
  if (!invoice) throw new NotFoundError('invoice', number);
  return {
    ...(await showInvoice(cp, number)),
    ...presentStanding(standingOf(cp, invoice)),
    payments: cp.payments.paymentsOf(number).map(presentPayment),
    relances: cp.payments.relancesOf(number).map(presentRelance),
  };
}

/** Invoice summaries (listings) with their status today: every invoice's JSON carries it (SPEC "Additions"). */
export function withStatus<T extends { number: string; totalInclVatCents: number; dueDate: string }>(
  cp: PaymentContext,
  invoices: readonly T[],
) {
  const today = parisDate(cp.clock());
  return invoices.map((i) => ({
    ...i,
    ...presentStanding(invoiceStanding(i, cp.billing.creditNotesOf(i.number), cp.payments.paymentsOf(i.number), today)),
  }));
}

/** Every issued invoice with its standing today, oldest month first (reads each closed month). */
export async function invoiceStandings(cp: PaymentContext, filter: { cabinetId?: string } = {}) {
  const out = [];
  for (const { month } of cp.billing.closedMonths()) {
    for (const invoice of (await cp.billing.invoicesOfMonth(month)) ?? []) {
      if (filter.cabinetId && invoice.cabinetId !== filter.cabinetId) continue;
      out.push({ invoice, standing: standingOf(cp, invoice) });
    }
  }
  return out;
}

/** The past-due invoices, most overdue first: the commercial risk shown on the billing page, cabinet pages and the fleet. */
export async function pastDueInvoices(cp: PaymentContext, filter: { cabinetId?: string } = {}) {
  return (await invoiceStandings(cp, filter))
    .filter((s) => s.standing.status === 'past_due')
    .sort((a, b) => b.standing.daysPastDue - a.standing.daysPastDue)
    .map(({ invoice, standing }) => ({
      number: invoice.number,
      cabinetId: invoice.cabinetId,
      customerName: invoice.customer.name,
      month: invoice.month,
      dueDate: invoice.dueDate,
      totalInclVatCents: invoice.totalInclVatCents,
      ...presentStanding(standing),
    }));
}
