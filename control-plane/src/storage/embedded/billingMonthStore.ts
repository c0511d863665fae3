/**
 * The issue of billing documents over today's files (DATA_DIR/billing: months/YYYY-MM.json,
 * credit-notes/, invoices/, rejected/ and ledger.json — same files, same format). The files
 * themselves, their durability and their crash safety (document first, ledger after, rolled
 * forward on open) are `BillingFiles`' (billingFiles.ts); this class is the `BillingMonthStore`
 * contract over them:
 *
 * - everything that issues runs in the files' one queue (`exclusive`), the files' stand-in for
 *   PostgreSQL's lock on the billing clock: the checks, the numbers read from the ledger and the
 *   write see the same state, so two closes or credit notes at once in one process (one process
 *   holds the DATA_DIR lock) neither skip nor share a number (art. 242 nonies A, I-7° annexe II CGI);
 * - the time is read once the queue is this issue's turn, so an issue that waited behind another is
 *   dated after it, and only a clock really set back is refused `clock_behind_last_document`;
 * - while a billing, cabinet or appliance file is quarantined nothing is issued (`billing_blocked`):
 *   the ledger may be behind the numbers it held, or a cabinet would go unbilled for good.
 */
import { NotFoundError } from '@iamanager/protocol';
import { heldInvoiceDecided, monthAlreadyClosed } from '../billingRefusals.js';
import type { BillingFiles } from './billingFiles.js';
import type {
  ApprovedInvoice,
  BillingMonthFile,
  CreditNoteRecord,
  HeldInvoice,
  InvoiceRecord,
  MonthSummary,
  RejectionRecord,
  VendorIdentity,
} from '../billingRecords.js';
import type {
  BillingMonthStore,
  ClosedMonth,
  ClosingMonth,
  DraftAt,
  FormatNumber,
  HeldWithDecision,
  MonthHeader,
  UnnumberedApproval,
} from '../stores.js';

export class EmbeddedBillingMonthStore implements BillingMonthStore {
  constructor(
    private readonly files: BillingFiles,
    private readonly formatNumber: FormatNumber,
  ) {}

  commitMonth(build: DraftAt<ClosingMonth>, now: () => Date): Promise<BillingMonthFile> {
    return this.files.exclusive(async () => {
      this.files.assertClosable();
      const at = now();
      this.files.assertChronological(at);
      const { invoices: drafts, ...rest } = build(at);
      const closed = this.files.isClosed(rest.month);
      if (closed) throw monthAlreadyClosed(rest.month, closed);
      const year = Number(rest.issueDate.slice(0, 4));
      const last = this.files.lastNumber('F', year);
      const file: BillingMonthFile = {
        ...rest,
        invoices: drafts.map((d, i) => ({ number: this.formatNumber('F', year, last + 1 + i), ...d })),
      };
      await this.files.commitMonth(file);
      return file;
    });
  }

  lastNumber(series: 'F' | 'A', year: number): Promise<number> {
    return Promise.resolve(this.files.lastNumber(series, year));
  }

  async invoicesOf(month: string): Promise<InvoiceRecord[]> {
    return (await this.files.invoicesOfMonth(month)) ?? [];
  }

  closedMonths(): Promise<ClosedMonth[]> {
    return Promise.resolve(this.files.closedMonths());
  }

  closedMonth(month: string): Promise<MonthSummary | undefined> {
    return Promise.resolve(this.files.isClosed(month));
  }

  async monthHeader(month: string): Promise<MonthHeader | undefined> {
    // The ledger first: an open month costs no file open.
    const file = this.files.isClosed(month) && (await this.files.month(month));
    if (!file) return undefined;
    const { invoices: _invoices, held: _held, ...header } = file;
    return header;
  }

  invoice(number: string): Promise<InvoiceRecord | undefined> {
    return this.files.findInvoice(number);
  }

  invoicesOfCabinet(cabinetId: string): Promise<InvoiceRecord[]> {
    return this.files.invoicesOfCabinet(cabinetId);
  }

  async allInvoices(): Promise<InvoiceRecord[]> {
    const all: InvoiceRecord[] = [];
    for (const { month } of this.files.closedMonths()) all.push(...((await this.files.invoicesOfMonth(month)) ?? []));
    return all;
  }

  heldInvoices(month?: string): Promise<HeldWithDecision[]> {
    return month === undefined ? this.files.heldInvoices() : this.files.heldOfMonth(month);
  }

  creditNote(number: string): Promise<CreditNoteRecord | undefined> {
    return Promise.resolve(this.files.creditNote(number));
  }

  creditNotes(): Promise<CreditNoteRecord[]> {
    return Promise.resolve(this.files.listCreditNotes());
  }

  documentsIssued(): Promise<number> {
    return Promise.resolve(this.files.documentsIssued());
  }

  issueCreditNote(
    invoiceNumber: string,
    build: (now: Date, earlier: readonly CreditNoteRecord[]) => Omit<CreditNoteRecord, 'number'>,
    now: () => Date,
  ): Promise<CreditNoteRecord> {
    return this.files.exclusive(async () => {
      this.files.assertIssuable();
      if (!(await this.files.findInvoice(invoiceNumber))) throw new NotFoundError('invoice', invoiceNumber);
      const at = now();
      this.files.assertChronological(at);
      const draft = build(at, this.files.creditNotesOf(invoiceNumber));
      const year = Number(draft.issueDate.slice(0, 4));
      const note: CreditNoteRecord = { number: this.formatNumber('A', year, this.files.lastNumber('A', year) + 1), ...draft };
      await this.files.commitCreditNote(note);
      return note;
    });
  }

  creditNotesOf(invoiceNumber: string): Promise<CreditNoteRecord[]> {
    return Promise.resolve([...this.files.creditNotesOf(invoiceNumber)]);
  }

  approveHeld(
    month: string,
    cabinetId: string,
    build: (now: Date, held: HeldInvoice, vendor: VendorIdentity) => UnnumberedApproval,
    now: () => Date,
  ): Promise<ApprovedInvoice> {
    return this.files.exclusive(async () => {
      this.files.assertIssuable();
      const held = await this.pending(month, cabinetId);
      const at = now();
      this.files.assertChronological(at);
      const draft = build(at, held, (await this.files.vendorOf(month))!);
      const year = Number(draft.issueDate.slice(0, 4));
      const invoice: ApprovedInvoice = { number: this.formatNumber('F', year, this.files.lastNumber('F', year) + 1), ...draft };
      await this.files.commitApproval(invoice);
      return invoice;
    });
  }

  rejectHeld(
    month: string,
    cabinetId: string,
    build: (now: Date, held: HeldInvoice) => RejectionRecord,
    now: () => Date,
  ): Promise<RejectionRecord> {
    return this.files.exclusive(async () => {
      const rejection = build(now(), await this.pending(month, cabinetId));
      await this.files.commitRejection(rejection);
      return rejection;
    });
  }

  /** The held invoice, still waiting for a decision; call inside `exclusive`. */
  private async pending(month: string, cabinetId: string): Promise<HeldInvoice> {
    const found = await this.files.held(month, cabinetId);
    if (!found) throw new NotFoundError('held invoice', `${month}/${cabinetId}`);
    if (found.state.status !== 'pending') throw heldInvoiceDecided(month, cabinetId, found.state);
    return found.held;
  }
}
