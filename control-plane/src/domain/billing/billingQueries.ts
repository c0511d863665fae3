/**
 * Read side of billing, shared by the API and the CLI: months with their state, a month's
 * invoices, one invoice or credit note, and the files (PDF, CSV) built from them.
 */
import { NotFoundError, ValidationError } from '@iamanager/protocol';
import { presentCreditNote, presentHeldInvoice, presentInvoice, presentInvoiceSummary, presentMonth } from '../../presenters/invoice.js';
import type { BillingContext } from './closeBillingMonth.js';
import { isMonthOver, parisMonth, previousMonth } from './calendar.js';
import { creditNotePdf, invoicePdf } from './documentPdf.js';
import { monthCsv } from './monthCsv.js';
import { invoiceEvidence } from './usageEvidence.js';

/** How far back the open months are listed (closed ones are always listed). */
const OPEN_MONTHS_SHOWN = 12;

/** Closed months, and the recent ones still open (the current one, not yet closable, first). */
export async function listBillingMonths(cp: BillingContext) {
  const now = cp.clock();
  const months = new Set(cp.billing.closedMonths().map((m) => m.month));
  let month = parisMonth(now);
  const earliest = (await cp.cabinets.list()).reduce<string | undefined>((min, c) => {
    const m = parisMonth(new Date(c.createdAt));
    return !min || m < min ? m : min;
  }, undefined);
  for (let i = 0; i < OPEN_MONTHS_SHOWN && earliest && month >= earliest; i++, month = previousMonth(month)) months.add(month);
  return [...months]
    .sort()
    .reverse()
    .map((m) => presentMonth(m, cp.billing.isClosed(m), isMonthOver(m, now)));
}

export async function billingMonth(cp: BillingContext, month: string) {
  const invoices = await cp.billing.invoicesOfMonth(month);
  const creditNotes = cp.billing.listCreditNotes().filter((c) => c.month === month);
  const held = await cp.billing.heldOfMonth(month);
  const file = cp.billing.isClosed(month) ? await cp.billing.month(month) : undefined;
  return {
    month: presentMonth(month, cp.billing.isClosed(month), isMonthOver(month, cp.clock())),
    /** What the drafts said at the close (kept in the month file). */
    warnings: file?.warnings ?? [],
    invoices: (invoices ?? []).map((i) => presentInvoiceSummary(i, cp.billing.creditNotesOf(i.number))),
    held: held.map((h) => presentHeldInvoice(h.held, h.state)),
    creditNotes: creditNotes.map(presentCreditNote),
  };
}

/** Invoices held for review at a close, with their decision; `pending` only the undecided ones. */
export async function listHeldInvoices(cp: BillingContext, filter: { month?: string | undefined; pending?: boolean | undefined }) {
  const held = filter.month ? await cp.billing.heldOfMonth(filter.month) : await cp.billing.heldInvoices();
  return held.filter((h) => !filter.pending || h.state.status === 'pending').map((h) => presentHeldInvoice(h.held, h.state));
}

export async function listInvoices(cp: BillingContext, filter: { month?: string | undefined; cabinetId?: string | undefined }) {
  if (!filter.month && !filter.cabinetId) throw new ValidationError(['query: give month=YYYY-MM or cabinetId=ID (or both)']);
  const invoices = filter.month
    ? ((await cp.billing.invoicesOfMonth(filter.month)) ?? [])
    : await cp.billing.invoicesOfCabinet(filter.cabinetId!);
  return invoices
    .filter((i) => !filter.cabinetId || i.cabinetId === filter.cabinetId)
    .map((i) => presentInvoiceSummary(i, cp.billing.creditNotesOf(i.number)));
}

async function invoiceRecord(cp: BillingContext, number: string) {
  const invoice = await cp.billing.findInvoice(number);
  if (!invoice) throw new NotFoundError('invoice', number);
  return invoice;
}

export async function showInvoice(cp: BillingContext, number: string) {
  const invoice = await invoiceRecord(cp, number);
  return presentInvoice(invoice, { vendor: await cp.billing.vendorOf(invoice.month), creditNotes: cp.billing.creditNotesOf(number) });
}

export function showCreditNote(cp: BillingContext, number: string) {
  const note = cp.billing.creditNote(number);
  if (!note) throw new NotFoundError('credit note', number);
  return presentCreditNote(note);
}

export interface BillingFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The PDF of an invoice (F-…) or a credit note (A-…). */
export async function documentPdfFile(cp: BillingContext, number: string): Promise<BillingFile> {
  if (number.startsWith('A-')) {
    const note = cp.billing.creditNote(number);
    if (!note) throw new NotFoundError('credit note', number);
    return { filename: `avoir-${number}.pdf`, contentType: 'application/pdf', content: await creditNotePdf(note) };
  }
  const invoice = await invoiceRecord(cp, number);
  const vendor = (await cp.billing.vendorOf(invoice.month))!;
  return { filename: `facture-${number}.pdf`, contentType: 'application/pdf', content: await invoicePdf(invoice, vendor) };
}

export async function monthCsvFile(cp: BillingContext, month: string): Promise<BillingFile> {
  const file = await cp.billing.month(month);
  const invoices = await cp.billing.invoicesOfMonth(month);
  if (!file || !invoices) throw new NotFoundError('closed billing month', month);
  const creditNotes = cp.billing.listCreditNotes().filter((c) => c.month === month);
  return {
    filename: `factures-${month}.csv`,
    contentType: 'text/csv; charset=utf-8',
    content: Buffer.from(monthCsv({ ...file, invoices }, creditNotes), 'utf8'),
  };
}

export async function invoiceEvidenceOf(cp: BillingContext, number: string) {
  return await invoiceEvidence(await invoiceRecord(cp, number), cp.appliances);
}
