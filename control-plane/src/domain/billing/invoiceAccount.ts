/**
 * An invoice with its account: status (open, paid, partially_paid, past_due, void — SPEC
 * "Additions"), what was paid and is still owed, the payments and the relances sent. Shared by
 * `billing invoice --json`, the API and the invoice page.
 */
import { NotFoundError } from '@iamanager/protocol';
import type { CreditNoteRecord, InvoiceRecord } from '../../storage/billingRecords.js';
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
  const invoice = await cp.billingMonths.invoice(number);
  if (!invoice) throw new NotFoundError('invoice', number);
  const [shown, standing, payments, relances] = await Promise.all([
    showInvoice(cp, number),
    standingOf(cp, invoice),
    cp.paymentLedger.paymentsOf(number),
    cp.paymentLedger.relancesOf(number),
  ]);
  return {
    ...shown,
    ...presentStanding(standing),
    payments: payments.map(presentPayment),
    relances: relances.map(presentRelance),
  };
}

/** What the standings of many invoices are computed from, read once for a listing rather than once per invoice. */
export interface InvoiceAccounts {
  creditNotes: ReadonlyMap<string, CreditNoteRecord[]>;
  payments: ReadonlyMap<string, PaymentRecord[]>;
  /** Today in Paris, when they were read. */
  today: string;
}

function byInvoice<T extends { invoiceNumber: string }>(records: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of records) {
    const list = map.get(r.invoiceNumber);
    if (list) list.push(r);
    else map.set(r.invoiceNumber, [r]);
  }
  return map;
}

/** Every credit note and payment, by invoice (two reads, whatever the number of invoices listed). */
export async function readAccounts(cp: PaymentContext): Promise<InvoiceAccounts> {
  const [creditNotes, payments] = await Promise.all([cp.billingMonths.creditNotes(), cp.paymentLedger.payments()]);
  return { creditNotes: byInvoice(creditNotes), payments: byInvoice(payments), today: parisDate(cp.clock()) };
}

/** An invoice's standing from accounts read for its listing. */
export function standingIn(accounts: InvoiceAccounts, invoice: Pick<InvoiceRecord, 'number' | 'totalInclVatCents' | 'dueDate'>) {
  return invoiceStanding(
    invoice,
    accounts.creditNotes.get(invoice.number) ?? [],
    accounts.payments.get(invoice.number) ?? [],
    accounts.today,
  );
}

/** Invoice summaries (listings) with their status today: every invoice's JSON carries it (SPEC "Additions"). */
export async function withStatus<T extends { number: string; totalInclVatCents: number; dueDate: string }>(
  cp: PaymentContext,
  invoices: readonly T[],
) {
  const accounts = await readAccounts(cp);
  return invoices.map((i) => ({ ...i, ...presentStanding(standingIn(accounts, i)) }));
}

/**
 * Issued invoices with their standing today, oldest month first: every invoice of every closed
 * month, or a cabinet's only (`invoicesOfCabinet`, or the list the caller already read with it).
 */
export async function invoiceStandings(cp: PaymentContext, filter: { cabinetId?: string; invoices?: readonly InvoiceRecord[] } = {}) {
  const [invoices, accounts] = await Promise.all([invoicesFor(cp, filter), readAccounts(cp)]);
  return invoices.map((invoice) => ({ invoice, standing: standingIn(accounts, invoice) }));
}

async function invoicesFor(cp: PaymentContext, filter: { cabinetId?: string; invoices?: readonly InvoiceRecord[] }) {
  // A cabinet's own invoices come newest first: oldest first here, as for the whole history.
  if (filter.invoices) return [...filter.invoices].reverse();
  if (filter.cabinetId) return (await cp.billingMonths.invoicesOfCabinet(filter.cabinetId)).reverse();
  return cp.billingMonths.allInvoices();
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
const pastDueCache = new WeakMap<object, { key: string; ledger: object; cabinetIds: Promise<ReadonlySet<string>> }>();

/**
 * The cabinets with a past-due invoice today (the fleet's commercial-risk flag). Walking the whole
 * billing history is kept for as long as it cannot change: the same day in Paris, and no document
 * issued nor payment recorded since, by any node (the stores' counts: two small reads, not a walk).
 */
export async function pastDueCabinetIds(cp: PaymentContext): Promise<ReadonlySet<string>> {
  const [issued, paid] = await Promise.all([cp.billingMonths.documentsIssued(), cp.paymentLedger.paymentCount()]);
  const key = `${parisDate(cp.clock())}|${issued}|${paid}`;
  const cached = pastDueCache.get(cp.billingMonths);
  if (cached && cached.key === key && cached.ledger === cp.paymentLedger) return cached.cabinetIds;
  const cabinetIds = pastDueInvoices(cp).then((list): ReadonlySet<string> => new Set(list.map((i) => i.cabinetId)));
  const entry = { key, ledger: cp.paymentLedger, cabinetIds };
  pastDueCache.set(cp.billingMonths, entry);
  // A failed walk (a month file quarantined) is not kept: the next view tries again.
  cabinetIds.catch(() => {
    if (pastDueCache.get(cp.billingMonths) === entry) pastDueCache.delete(cp.billingMonths);
  });
  return cabinetIds;
}
