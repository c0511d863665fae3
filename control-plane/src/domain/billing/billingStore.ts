/**
 * The billing files (DATA_DIR/billing), owned by this module alone. The design makes a crash at
 * any instant leave either nothing issued or everything, and the numbering gapless:
 *
 * - The issued documents are the truth. A month's invoices are one file, `months/YYYY-MM.json`,
 *   created in a single durable write (temp file, fsync, rename, fsync of the folder): the rename
 *   is the moment the whole month is issued. A credit note is likewise one file.
 * - Their numbers are allocated from the ledger's counters, and the document is written *before*
 *   the ledger. A crash between the two leaves a document the ledger does not know yet; opening
 *   the store rolls the ledger forward from the documents (their numbers continue the counter
 *   exactly, since all issuing is serialised here and one process holds the DATA_DIR lock).
 *   A crash before the rename leaves only a temp file, swept on open: nothing was issued, the
 *   counter did not move, and a retry issues the same numbers.
 * - Months are read lazily (a month of 10 000 invoices is megabytes); the ledger keeps the
 *   summary and the number range of each, which is all the listing and lookups need.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, DomainError, monthSchema } from '@iamanager/protocol';
import { DocumentCollection, openDocument, sweepTempFiles, type Document, type JsonAdapterOptions } from '@iamanager/protocol/storage';
import type { Logger } from '@iamanager/protocol/log';
import {
  billingMonthSchema,
  creditNoteRecordSchema,
  ledgerSchema,
  type BillingMonthFile,
  type CreditNoteRecord,
  type InvoiceRecord,
  type LedgerFile,
  type MonthSummary,
} from '../../storage/billingRecords.js';
import { parseDocumentNumber, type Series } from './documentNumbers.js';

const MONTH_FILE = /^(\d{4}-\d{2})\.json$/;

function emptyLedger(): LedgerFile {
  return { lastNumbers: {}, lastIssuedAt: null, months: {} };
}

function summaryOf(file: BillingMonthFile): MonthSummary {
  const sum = (key: 'totalExclVatCents' | 'vatCents' | 'totalInclVatCents') => file.invoices.reduce((s, i) => s + i[key], 0);
  return {
    closedAt: file.closedAt,
    closedBy: file.closedBy,
    issueDate: file.issueDate,
    invoiceCount: file.invoices.length,
    firstNumber: file.invoices[0]?.number ?? null,
    lastNumber: file.invoices.at(-1)?.number ?? null,
    totalExclVatCents: sum('totalExclVatCents'),
    vatCents: sum('vatCents'),
    totalInclVatCents: sum('totalInclVatCents'),
  };
}

export class BillingStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly months = new Map<string, BillingMonthFile>();
  private readonly creditNotesByInvoice = new Map<string, CreditNoteRecord[]>();

  private constructor(
    private readonly monthsDir: string,
    private readonly ledger: Document<LedgerFile>,
    private readonly creditNotes: DocumentCollection<CreditNoteRecord>,
    private readonly log: Logger,
  ) {
    for (const note of creditNotes.values()) this.indexCreditNote(note);
  }

  static async open(dataDir: string, log: Logger): Promise<BillingStore> {
    const dir = path.join(dataDir, 'billing');
    const monthsDir = path.join(dir, 'months');
    await fs.mkdir(monthsDir, { recursive: true, mode: 0o750 });
    await sweepTempFiles(monthsDir);
    const ledger = await openLedger(path.join(dir, 'ledger.json'), log);
    const creditNotes = await DocumentCollection.open<CreditNoteRecord>(path.join(dir, 'credit-notes'), { schema: creditNoteRecordSchema, log });
    const store = new BillingStore(monthsDir, ledger, creditNotes, log);
    await store.rollForward();
    return store;
  }

  /** Brings the ledger up to the documents on disk (after a crash between a document and the ledger). */
  private async rollForward(): Promise<void> {
    let changed = false;
    for (const name of await fs.readdir(this.monthsDir)) {
      const month = MONTH_FILE.exec(name)?.[1];
      if (!month || this.ledger.data.months[month]) continue;
      const file = await this.month(month);
      if (!file) continue;
      this.foldMonth(file);
      this.log.warn({ month, invoices: file.invoices.length }, 'billing ledger rolled forward: a month closed just before a crash');
      changed = true;
    }
    for (const note of this.creditNotes.values()) {
      const parsed = parseDocumentNumber(note.number);
      if (parsed && parsed.n > this.lastNumber('A', parsed.year)) {
        this.foldNumber(note.number, note.issuedAt);
        this.log.warn({ number: note.number }, 'billing ledger rolled forward: a credit note issued just before a crash');
        changed = true;
      }
    }
    if (changed) await this.ledger.write();
  }

  /** Records that `number` was issued at `issuedAt` (idempotent: rolling forward twice changes nothing). */
  private foldNumber(number: string | undefined, issuedAt: string): void {
    const parsed = number === undefined ? undefined : parseDocumentNumber(number);
    if (parsed) {
      const bySeries = (this.ledger.data.lastNumbers[parsed.series] ??= {});
      bySeries[String(parsed.year)] = Math.max(bySeries[String(parsed.year)] ?? 0, parsed.n);
    }
    const last = this.ledger.data.lastIssuedAt;
    if (!last || issuedAt > last) this.ledger.data.lastIssuedAt = issuedAt;
  }

  private foldMonth(file: BillingMonthFile): void {
    this.ledger.data.months[file.month] = summaryOf(file);
    this.foldNumber(file.invoices.at(-1)?.number, file.closedAt);
  }

  private indexCreditNote(note: CreditNoteRecord): void {
    const list = this.creditNotesByInvoice.get(note.invoiceNumber) ?? [];
    list.push(note);
    list.sort((a, b) => a.number.localeCompare(b.number));
    this.creditNotesByInvoice.set(note.invoiceNumber, list);
  }

  /**
   * Runs `issue` alone: no other close or credit note runs meanwhile, so the numbers it reads
   * from the ledger are still the next ones when it commits.
   */
  exclusive<T>(issue: () => Promise<T>): Promise<T> {
    const run = this.queue.then(issue, issue);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The last number used in a series for a year of issue (0 when none yet). */
  lastNumber(series: Series, year: number): number {
    return this.ledger.data.lastNumbers[series]?.[String(year)] ?? 0;
  }

  /** Refuses to issue a document dated before the latest one (a clock set back would break the chronological order). */
  assertChronological(now: Date): void {
    const last = this.ledger.data.lastIssuedAt;
    if (last && now.toISOString() < last) {
      throw new ConflictError('clock_behind_last_document', `the clock (${now.toISOString()}) is before the last issued document (${last}): numbering must stay chronological (art. 242 nonies A, I-7° annexe II CGI); fix the system clock`);
    }
  }

  isClosed(month: string): MonthSummary | undefined {
    return this.ledger.data.months[month];
  }

  /** Closed months, oldest first. */
  closedMonths(): (MonthSummary & { month: string })[] {
    return Object.entries(this.ledger.data.months)
      .map(([month, summary]) => ({ month, ...summary }))
      .sort((a, b) => a.month.localeCompare(b.month));
  }

  private fileOf(month: string): string {
    if (!monthSchema.safeParse(month).success) throw new DomainError('invalid_id', `"${month}" is not a month`);
    return path.join(this.monthsDir, `${month}.json`);
  }

  /** A closed month's file, read on first use. */
  async month(month: string): Promise<BillingMonthFile | undefined> {
    const cached = this.months.get(month);
    if (cached) return cached;
    const options = { schema: billingMonthSchema, log: this.log } as JsonAdapterOptions<BillingMonthFile | null>;
    const doc = await openDocument<BillingMonthFile | null>(this.fileOf(month), null, options);
    if (!doc.data) return undefined;
    this.months.set(month, doc.data);
    return doc.data;
  }

  /**
   * Issues a month: its file is created in one durable write (the commit point), then the ledger
   * follows. Call inside `exclusive`.
   */
  async commitMonth(file: BillingMonthFile): Promise<void> {
    const options = { schema: billingMonthSchema, log: this.log } as JsonAdapterOptions<BillingMonthFile | null>;
    const doc = await openDocument<BillingMonthFile | null>(this.fileOf(file.month), null, options);
    if (doc.data) throw new ConflictError('month_already_closed', `${file.month} is already closed`);
    doc.data = file;
    await doc.write();
    this.months.set(file.month, file);
    this.foldMonth(file);
    await this.writeLedger();
  }

  /** Issues a credit note: its own file first (the commit point), then the ledger. Call inside `exclusive`. */
  async commitCreditNote(note: CreditNoteRecord): Promise<void> {
    await this.creditNotes.create(note.number, note);
    this.indexCreditNote(note);
    this.foldNumber(note.number, note.issuedAt);
    await this.writeLedger();
  }

  /**
   * The document is issued once its own file is durable; a ledger that fails to follow (a full
   * disk) is caught up by the next write or on the next start, so the caller is not told to retry.
   */
  private async writeLedger(): Promise<void> {
    try {
      await this.ledger.write();
    } catch (err) {
      this.log.error({ err }, 'billing ledger not written; it is rolled forward from the issued documents on the next start');
    }
  }

  /** An invoice by number, found through the month whose number range holds it. */
  async findInvoice(number: string): Promise<InvoiceRecord | undefined> {
    const parsed = parseDocumentNumber(number);
    if (!parsed || parsed.series !== 'F') return undefined;
    for (const [month, summary] of Object.entries(this.ledger.data.months)) {
      if (!summary.firstNumber || !summary.lastNumber || number < summary.firstNumber || number > summary.lastNumber) continue;
      const file = await this.month(month);
      const first = parseDocumentNumber(summary.firstNumber)!;
      const invoice = file?.invoices[parsed.n - first.n];
      return invoice?.number === number ? invoice : file?.invoices.find((i) => i.number === number);
    }
    return undefined;
  }

  /** The vendor identity printed on a month's invoices. */
  async vendorOf(month: string): Promise<BillingMonthFile['vendor'] | undefined> {
    return (await this.month(month))?.vendor;
  }

  creditNote(number: string): CreditNoteRecord | undefined {
    return this.creditNotes.get(number)?.data;
  }

  creditNotesOf(invoiceNumber: string): readonly CreditNoteRecord[] {
    return this.creditNotesByInvoice.get(invoiceNumber) ?? [];
  }

  listCreditNotes(): CreditNoteRecord[] {
    return [...this.creditNotes.values()].sort((a, b) => a.number.localeCompare(b.number));
  }

  /** Every invoice of a cabinet, newest month first (reads each closed month). */
  async invoicesOfCabinet(cabinetId: string): Promise<InvoiceRecord[]> {
    const found: InvoiceRecord[] = [];
    for (const { month } of this.closedMonths().reverse()) {
      const file = await this.month(month);
      const invoice = file?.invoices.find((i) => i.cabinetId === cabinetId);
      if (invoice) found.push(invoice);
    }
    return found;
  }
}

/**
 * Opens the ledger. It is an index of the documents, so one that is damaged beyond its last good
 * copy is set aside and rebuilt from them rather than stopping the service.
 */
async function openLedger(file: string, log: Logger): Promise<Document<LedgerFile>> {
  try {
    return await openDocument<LedgerFile>(file, emptyLedger(), { schema: ledgerSchema, log });
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'storage_corrupt') throw err;
    const aside = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, aside).catch(() => undefined);
    log.error({ file, setAside: aside }, 'billing ledger unreadable: rebuilt from the issued invoices and credit notes');
    return openDocument<LedgerFile>(file, emptyLedger(), { schema: ledgerSchema, log });
  }
}
