/**
 * An invoice with its account: status (open, paid, partially_paid, past_due, void — SPEC
 * "Additions"), what was paid and is still owed, the payments and the relances sent. Shared by
 * `billing invoice --json`, the API and the invoice page.
 */
import { NotFoundError } from '@iamanager/protocol';
import type { InvoiceRecord } from '../../storage/billingRecords.js';
import type { PaymentRecord, RelanceRecord } from '../../storage/paymentRecords.js';
import { showInvoice } from './billingQueries.js';
import type { InvoiceStanding } from './invoiceStatus.js';
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
  return invoices.map((i) => ({ ...i, ...presentStanding(standingOf(cp, i)) }));
}

/**
 * Issued invoices with their standing today, oldest month first: every invoice of every closed
 * month, or a cabinet's only (`invoicesOfCabinet`, or the list the caller already read with it).
 */
export async function invoiceStandings(cp: PaymentContext, filter: { cabinetId?: string; invoices?: readonly InvoiceRecord[] } = {}) {
  const out = [];
  for (const invoice of await invoicesFor(cp, filter)) out.push({ invoice, standing: standingOf(cp, invoice) });
  return out;
}

async function invoicesFor(cp: PaymentContext, filter: { cabinetId?: string; invoices?: readonly InvoiceRecord[] }) {
  // A cabinet's own invoices come newest first: oldest first here, as for the whole history.
  if (filter.invoices) return [...filter.invoices].reverse();
  if (filter.cabinetId) return (await cp.billing.invoicesOfCabinet(filter.cabinetId)).reverse();
  const all: InvoiceRecord[] = [];
  for (const { month } of cp.billing.closedMonths()) all.push(...((await cp.billing.invoicesOfMonth(month)) ?? []));
  return all;
}

/**
 * The past-due invoices, most overdue first: the commercial risk shown on the billing page, cabinet
 * pages and the fleet. With `cabinetId`, that cabinet's only; `invoices` is its list from
 * `invoicesOfCabinet` when the caller already has it (newest first, as that returns it).
 */
export async function pastDueInvoices(cp: PaymentContext, filter: { cabinetId?: string; invoices?: readonly InvoiceRecord[] } = {}) {
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

/** The last set of cabinets with a past-due invoice, per billing store, with what it was computed from. */
const pastDueCache = new WeakMap<object, { key: string; payments: object; cabinetIds: Promise<ReadonlySet<string>> }>();

/**
 * The cabinets with a past-due invoice today (the fleet's commercial-risk flag). Walking the whole
 * billing history is kept for as long as it cannot change: the same day in Paris, and no document
 * issued nor payment recorded since (the stores' generations).
 */
export function pastDueCabinetIds(cp: PaymentContext): Promise<ReadonlySet<string>> {
  const key = `${parisDate(cp.clock())}|${cp.billing.generation}|${cp.payments.generation}`;
  const cached = pastDueCache.get(cp.billing);
  if (cached && cached.key === key && cached.payments === cp.payments) return cached.cabinetIds;
  const cabinetIds = pastDueInvoices(cp).then((list): ReadonlySet<string> => new Set(list.map((i) => i.cabinetId)));
  const entry = { key, payments: cp.payments, cabinetIds };
  pastDueCache.set(cp.billing, entry);
  // A failed walk (a month file quarantined) is not kept: the next view tries again.
  cabinetIds.catch(() => {
    if (pastDueCache.get(cp.billing) === entry) pastDueCache.delete(cp.billing);
  });
  return cabinetIds;
}
