/**
 * Read side of billing, shared by the API and the CLI: months with their state, a month's
 * invoices, one invoice or credit note, and the files (PDF, CSV) built from them.
 */
import { NotFoundError, ValidationError } from '@iamanager/protocol';
import { presentCreditNote, presentHeldInvoice, presentInvoice, presentInvoiceSummary, presentMonth } from '../../presenters/invoice.js';
import type { CreditNoteRecord, InvoiceRecord } from '../../storage/billingRecords.js';
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
  const closed = new Map((await cp.billingMonths.closedMonths()).map(({ month, ...summary }) => [month, summary]));
  const months = new Set(closed.keys());
  let month = parisMonth(now);
  const earliest = (await cp.cabinets.list()).reduce<string | undefined>((min, c) => {
    const m = parisMonth(new Date(c.createdAt));
    return !min || m < min ? m : min;
  }, undefined);
  for (let i = 0; i < OPEN_MONTHS_SHOWN && earliest && month >= earliest; i++, month = previousMonth(month)) months.add(month);
  return [...months]
    .sort()
    .reverse()
    .map((m) => presentMonth(m, closed.get(m), isMonthOver(m, now)));
}

/** Credit notes by the invoice they credit. */
function creditNotesByInvoice(notes: readonly CreditNoteRecord[]): Map<string, CreditNoteRecord[]> {
  const map = new Map<string, CreditNoteRecord[]>();
  for (const note of notes) map.set(note.invoiceNumber, [...(map.get(note.invoiceNumber) ?? []), note]);
  return map;
}

/** Invoice summaries with their credit notes, read once for the whole list. */
async function summariesOf(cp: BillingContext, invoices: readonly InvoiceRecord[]) {
  const notes = creditNotesByInvoice(await cp.billingMonths.creditNotes());
  return invoices.map((i) => presentInvoiceSummary(i, notes.get(i.number) ?? []));
}

export async function billingMonth(cp: BillingContext, month: string) {
  const [summary, header, invoices, allNotes, held] = await Promise.all([
    cp.billingMonths.closedMonth(month),
    cp.billingMonths.monthHeader(month),
    cp.billingMonths.invoicesOf(month),
    cp.billingMonths.creditNotes(),
    cp.billingMonths.heldInvoices(month),
  ]);
  const notes = creditNotesByInvoice(allNotes);
  return {
    month: presentMonth(month, summary, isMonthOver(month, cp.clock())),
    /** What the drafts said at the close (kept in the month file). */
    warnings: header?.warnings ?? [],
    invoices: invoices.map((i) => presentInvoiceSummary(i, notes.get(i.number) ?? [])),
    held: held.map((h) => presentHeldInvoice(h.held, h.state)),
    creditNotes: allNotes.filter((c) => c.month === month).map(presentCreditNote),
  };
}

/** Invoices held for review at a close, with their decision; `pending` only the undecided ones. */
export async function listHeldInvoices(cp: BillingContext, filter: { month?: string | undefined; pending?: boolean | undefined }) {
  const held = await cp.billingMonths.heldInvoices(filter.month);
  return held.filter((h) => !filter.pending || h.state.status === 'pending').map((h) => presentHeldInvoice(h.held, h.state));
}

export async function listInvoices(cp: BillingContext, filter: { month?: string | undefined; cabinetId?: string | undefined }) {
  if (!filter.month && !filter.cabinetId) throw new ValidationError(['query: give month=YYYY-MM or cabinetId=ID (or both)']);
  const invoices = filter.month
    ? await cp.billingMonths.invoicesOf(filter.month)
    : await cp.billingMonths.invoicesOfCabinet(filter.cabinetId!);
  return summariesOf(
    cp,
    invoices.filter((i) => !filter.cabinetId || i.cabinetId === filter.cabinetId),
  );
}

/** A cabinet's invoices with their credit notes, newest month first (its page), and the records they came from. */
export async function cabinetInvoices(cp: BillingContext, cabinetId: string) {
  const records = await cp.billingMonths.invoicesOfCabinet(cabinetId);
  return { records, invoices: await summariesOf(cp, records) };
}

async function invoiceRecord(cp: BillingContext, number: string) {
  const invoice = await cp.billingMonths.invoice(number);
  if (!invoice) throw new NotFoundError('invoice', number);
  return invoice;
}

export async function showInvoice(cp: BillingContext, number: string) {
  const invoice = await invoiceRecord(cp, number);
  const [header, creditNotes] = await Promise.all([cp.billingMonths.monthHeader(invoice.month), cp.billingMonths.creditNotesOf(number)]);
  return presentInvoice(invoice, { vendor: header?.vendor, creditNotes });
}

/** The vendor printed on a closed month's invoices. */
export async function vendorOf(cp: BillingContext, month: string) {
  return (await cp.billingMonths.monthHeader(month))!.vendor;
}

export async function showCreditNote(cp: BillingContext, number: string) {
  const note = await cp.billingMonths.creditNote(number);
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
    const note = await cp.billingMonths.creditNote(number);
    if (!note) throw new NotFoundError('credit note', number);
    return { filename: `avoir-${number}.pdf`, contentType: 'application/pdf', content: await creditNotePdf(note) };
  }
  const invoice = await invoiceRecord(cp, number);
  const vendor = await vendorOf(cp, invoice.month);
  return { filename: `facture-${number}.pdf`, contentType: 'application/pdf', content: await invoicePdf(invoice, vendor) };
}

export async function monthCsvFile(cp: BillingContext, month: string): Promise<BillingFile> {
  if (!(await cp.billingMonths.closedMonth(month))) throw new NotFoundError('closed billing month', month);
  const [invoices, creditNotes] = await Promise.all([cp.billingMonths.invoicesOf(month), cp.billingMonths.creditNotes()]);
  return {
    filename: `factures-${month}.csv`,
    contentType: 'text/csv; charset=utf-8',
    content: Buffer.from(
      monthCsv(
        invoices,
        creditNotes.filter((c) => c.month === month),
      ),
      'utf8',
    ),
  };
}

export async function invoiceEvidenceOf(cp: BillingContext, number: string) {
  return await invoiceEvidence(await invoiceRecord(cp, number), cp.appliances);
}
