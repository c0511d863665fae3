/**
 * The billing files (DATA_DIR/billing), owned by this module alone — read and written only through
 * `EmbeddedBillingMonthStore` (billingMonthStore.ts), the `BillingMonthStore` over them. The design makes a crash at
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
 * - Every record is checked against the schema it is read back with before it is written
 *   (storage/recordCheck.ts): nothing invalid reaches these files.
 * - An invoice held for review at the close lives in its month file, unnumbered. Approved, it is
 *   issued like a credit note: its own file (invoices/F-….json) with the next number, then the
 *   ledger. Rejected, a file in rejected/ says so. Either file is the decision.
 * - A billing file that cannot be read and has no last good copy is quarantined (quarantine.ts),
 *   not fatal; while one is, the numbering may be behind it, so nothing is issued
 *   (`billing_blocked`) until it is restored.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DomainError, monthSchema } from '@iamanager/protocol';
import {
  DocumentCollection,
  openDocument,
  StorageError,
  sweepTempFiles,
  type Document,
  type JsonAdapterOptions,
  type QuarantinedFile,
} from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import {
  approvedInvoiceSchema,
  billingMonthSchema,
  creditNoteRecordSchema,
  ledgerSchema,
  rejectionSchema,
  type ApprovedInvoice,
  type BillingMonthFile,
  type CreditNoteRecord,
  type HeldInvoice,
  type InvoiceRecord,
  type LedgerFile,
  type MonthSummary,
  type RejectionRecord,
} from '../billingRecords.js';
import type { HeldDecision } from '../billingRefusals.js';
import { checkRecord } from '../recordCheck.js';
import type { ParseNumber } from '../stores.js';
import { ControlPlaneError } from '../../errors.js';

type Series = 'F' | 'A';

/**
 * What these files need of the control plane's record quarantine (domain/quarantine.ts): an
 * unreadable file moved aside, and the files moved aside so far — billing issues nothing while one
 * of its own, a cabinet's or an appliance's is (`billing_blocked`, a refusal of the files alone).
 */
export interface BillingQuarantine {
  take(file: string, err: StorageError): Promise<void>;
  under(prefix: string): readonly QuarantinedFile[];
}

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
    heldCount: file.held.length,
  };
}

/** The id of a held invoice's decision files: its month and cabinet. */
export function heldKey(month: string, cabinetId: string): string {
  return `${month}_${cabinetId}`;
}

/** Where a held invoice stands: waiting, or decided (issued under a number, or rejected). */
type HeldState = HeldDecision;

export class BillingFiles {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly months = new Map<string, BillingMonthFile>();
  private readonly creditNotesByInvoice = new Map<string, CreditNoteRecord[]>();
  /** Approved held invoices by `heldKey`. */
  private readonly approvedByHeld = new Map<string, ApprovedInvoice>();

  private constructor(
    private readonly monthsDir: string,
    private readonly ledger: Document<LedgerFile>,
    private readonly creditNotes: DocumentCollection<CreditNoteRecord>,
    private readonly approved: DocumentCollection<ApprovedInvoice>,
    private readonly rejections: DocumentCollection<RejectionRecord>,
    private readonly quarantine: BillingQuarantine,
    private readonly parseDocumentNumber: ParseNumber,
    private readonly log: Logger,
  ) {
    for (const note of creditNotes.values()) this.indexCreditNote(note);
    for (const invoice of approved.values()) this.approvedByHeld.set(heldKey(invoice.month, invoice.cabinetId), invoice);
  }

  /** `parseNumber` reads a document number (domain/billing/documentNumbers.ts): the roll-forward and the lookups need its series, year and rank. */
  static async open(dataDir: string, log: Logger, quarantine: BillingQuarantine, parseNumber: ParseNumber): Promise<BillingFiles> {
    const dir = path.join(dataDir, 'billing');
    const monthsDir = path.join(dir, 'months');
    await fs.mkdir(monthsDir, { recursive: true, mode: 0o750 });
    await sweepTempFiles(monthsDir);
    const ledger = await openLedger(path.join(dir, 'ledger.json'), log);
    const options = { log, onUnreadable: quarantine.take };
    const creditNotes = await DocumentCollection.open<CreditNoteRecord>(path.join(dir, 'credit-notes'), {
      schema: creditNoteRecordSchema,
      ...options,
    });
    const approved = await DocumentCollection.open<ApprovedInvoice>(path.join(dir, 'invoices'), {
      schema: approvedInvoiceSchema,
      ...options,
    });
    const rejections = await DocumentCollection.open<RejectionRecord>(path.join(dir, 'rejected'), { schema: rejectionSchema, ...options });
    const store = new BillingFiles(monthsDir, ledger, creditNotes, approved, rejections, quarantine, parseNumber, log);
    await store.rollForward();
    return store;
  }

  /**
   * Refuses to issue while a billing file is quarantined: the ledger may not know the numbers it
   * held (a rebuilt ledger cannot), and issuing could reuse one. Call inside `exclusive`.
   */
  assertIssuable(): void {
    this.refuseWhileQuarantined(this.quarantine.under('billing/'), (they) => `the numbering may be behind the numbers ${they} held`);
  }

  /**
   * A close also needs every cabinet and appliance record: a quarantined one would leave its
   * cabinet unbilled or its overage out, and a month is closed only once. Call inside `exclusive`.
   */
  assertClosable(): void {
    this.assertIssuable();
    this.refuseWhileQuarantined(
      [...this.quarantine.under('cabinets/'), ...this.quarantine.under('appliances/')],
      (they) => `a close now would miss for good what ${they} held (a cabinet to invoice, its signed usage)`,
    );
  }

  private refuseWhileQuarantined(blocked: readonly { file: string; movedTo: string }[], why: (they: string) => string): void {
    if (blocked.length > 0) {
      throw new ControlPlaneError(
        'billing_blocked',
        `billing issues nothing while ${blocked.map((q) => q.file).join(', ')} ${blocked.length === 1 ? 'is' : 'are'} quarantined (unreadable, moved to ${blocked.map((q) => q.movedTo).join(', ')}): ${why(blocked.length === 1 ? 'it' : 'they')}. Stop the control plane, restore ${blocked.length === 1 ? 'that file' : 'those files'} from a backup, delete the quarantine folder and start again`,
        { quarantined: blocked.map((q) => q.file) },
      );
    }
  }

  /** Brings the ledger up to the documents on disk (after a crash between a document and the ledger). */
  private async rollForward(): Promise<void> {
    let changed = false;
    for (const name of await fs.readdir(this.monthsDir)) {
      const month = MONTH_FILE.exec(name)?.[1];
      if (!month || this.ledger.data.months[month]) continue;
      const file = await this.month(month).catch((err: unknown) => {
        // Quarantined by `month`: billing is blocked until it is restored; the service starts.
        if (err instanceof DomainError && err.code === 'record_quarantined') return undefined;
        throw err;
      });
      if (!file) continue;
      this.foldMonth(file);
      this.log.warn({ month, invoices: file.invoices.length }, 'billing ledger rolled forward: a month closed just before a crash');
      changed = true;
    }
    for (const note of this.creditNotes.values()) {
      const parsed = this.parseDocumentNumber(note.number);
      if (parsed && parsed.n > this.lastNumber('A', parsed.year)) {
        this.foldNumber(note.number, note.issuedAt);
        this.log.warn({ number: note.number }, 'billing ledger rolled forward: a credit note issued just before a crash');
        changed = true;
      }
    }
    for (const invoice of this.approved.values()) {
      const parsed = this.parseDocumentNumber(invoice.number);
      if (parsed && parsed.n > this.lastNumber('F', parsed.year)) {
        this.foldNumber(invoice.number, invoice.issuedAt);
        this.log.warn({ number: invoice.number }, 'billing ledger rolled forward: a held invoice approved just before a crash');
        changed = true;
      }
    }
    if (changed) await this.ledger.write();
  }

  /** Records that `number` was issued at `issuedAt` (idempotent: rolling forward twice changes nothing). */
  private foldNumber(number: string | undefined, issuedAt: string): void {
    foldNumberInto(this.ledger.data, number === undefined ? undefined : this.parseDocumentNumber(number), issuedAt);
  }

  private foldMonth(file: BillingMonthFile): void {
    foldMonthInto(this.ledger.data, file, this.parseDocumentNumber);
  }

  private indexCreditNote(note: CreditNoteRecord): void {
    const list = this.creditNotesByInvoice.get(note.invoiceNumber) ?? [];
    list.push(note);
    list.sort((a, b) => a.number.localeCompare(b.number));
    this.creditNotesByInvoice.set(note.invoiceNumber, list);
  }

  /**
   * Runs `issue` alone: no other close or credit note runs meanwhile, so the numbers it reads
   * from the ledger are still the next ones when it commits. Taken by the store that issues over
   * these files (billingMonthStore.ts).
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
      throw new ControlPlaneError(
        'clock_behind_last_document',
        `the clock (${now.toISOString()}) is before the last issued document (${last}): numbering must stay chronological (art. 242 nonies A, I-7° annexe II CGI); fix the system clock`,
      );
    }
  }

  /** Every document issued so far: the last numbers of every series and year, added up. */
  documentsIssued(): number {
    return Object.values(this.ledger.data.lastNumbers)
      .flatMap((byYear) => Object.values(byYear))
      .reduce((sum, n) => sum + n, 0);
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
    if (!monthSchema.safeParse(month).success) throw new ControlPlaneError('invalid_id', `"${month}" is not a month`);
    return path.join(this.monthsDir, `${month}.json`);
  }

  /**
   * A closed month's file, read on first use. One that cannot be read (nor its last good copy) is
   * quarantined and `record_quarantined` thrown: the rest of the service goes on.
   */
  async month(month: string): Promise<BillingMonthFile | undefined> {
    const cached = this.months.get(month);
    if (cached) return cached;
    const file = this.fileOf(month);
    const options = { schema: billingMonthSchema, log: this.log } as JsonAdapterOptions<BillingMonthFile | null>;
    let doc: Document<BillingMonthFile | null>;
    try {
      doc = await openDocument<BillingMonthFile | null>(file, null, options);
    } catch (err) {
      if (!(err instanceof StorageError) || err.code !== 'storage_corrupt') throw err;
      await this.quarantine.take(file, err);
      throw new ControlPlaneError(
        'record_quarantined',
        `the invoices of ${month} cannot be read: ${path.basename(file)} was damaged with no usable last good copy and is quarantined; restore it from a backup (see the alerts)`,
        { month },
      );
    }
    if (!doc.data) return undefined;
    this.months.set(month, doc.data);
    return doc.data;
  }

  /** The ledger as it would be with `change` applied, checked against its schema; the live one is untouched. */
  private checkLedgerAfter(change: (ledger: LedgerFile) => void, subject: string): void {
    const next = structuredClone(this.ledger.data);
    change(next);
    checkRecord(ledgerSchema, next, { subject: `the billing ledger after ${subject}` });
  }

  /**
   * Issues a month: its file is created in one durable write (the commit point), then the ledger
   * follows. Every invoice, held invoice, the file and the ledger are checked first: a record that
   * would not read back writes nothing. Call inside `exclusive`.
   */
  async commitMonth(file: BillingMonthFile): Promise<void> {
    // One pass over the whole file (10 000 invoices are megabytes); a problem is named by its invoice.
    checkRecord(billingMonthSchema, file, ([list, i]) => {
      const record = (list === 'invoices' || list === 'held') && typeof i === 'number' ? file[list][i] : undefined;
      if (!record) return { subject: `the billing month ${file.month}` };
      return {
        subject: `the ${file.month} invoice of cabinet "${record.cabinetId}"${list === 'held' ? ' (held for review)' : ''}`,
        depth: 2,
        details: { cabinetId: record.cabinetId },
      };
    });
    this.checkLedgerAfter((ledger) => foldMonthInto(ledger, file, this.parseDocumentNumber), `closing ${file.month}`);
    const options = { schema: billingMonthSchema, log: this.log } as JsonAdapterOptions<BillingMonthFile | null>;
    const doc = await openDocument<BillingMonthFile | null>(this.fileOf(file.month), null, options);
    if (doc.data) throw new ControlPlaneError('month_already_closed', `${file.month} is already closed`);
    doc.data = file;
    await doc.write();
    this.months.set(file.month, file);
    this.foldMonth(file);
    await this.writeLedger();
  }

  /** A held invoice of a closed month, with its decision so far. */
  async held(month: string, cabinetId: string): Promise<{ held: HeldInvoice; state: HeldState } | undefined> {
    if (!this.ledger.data.months[month]?.heldCount) return undefined;
    const held = (await this.month(month))?.held.find((h) => h.cabinetId === cabinetId);
    return held && { held, state: this.heldState(month, cabinetId) };
  }

  private heldState(month: string, cabinetId: string): HeldState {
    const key = heldKey(month, cabinetId);
    const invoice = this.approvedByHeld.get(key);
    if (invoice) return { status: 'approved', invoice };
    const rejection = this.rejections.get(key)?.data;
    return rejection ? { status: 'rejected', rejection } : { status: 'pending' };
  }

  /** A closed month's held invoices with their decisions (none read when the ledger says it has none). */
  async heldOfMonth(month: string): Promise<{ held: HeldInvoice; state: HeldState }[]> {
    if (!this.ledger.data.months[month]?.heldCount) return [];
    return ((await this.month(month))?.held ?? []).map((held) => ({ held, state: this.heldState(month, held.cabinetId) }));
  }

  /** Every held invoice of every closed month, oldest month first (reads the months that have one). */
  async heldInvoices(): Promise<{ held: HeldInvoice; state: HeldState }[]> {
    const out: { held: HeldInvoice; state: HeldState }[] = [];
    for (const { month } of this.closedMonths()) out.push(...(await this.heldOfMonth(month)));
    return out;
  }

  /** Issues an approved held invoice: its own file first (the commit point), then the ledger. Call inside `exclusive`. */
  async commitApproval(invoice: ApprovedInvoice): Promise<void> {
    checkRecord(approvedInvoiceSchema, invoice, {
      subject: `the ${invoice.month} invoice of cabinet "${invoice.cabinetId}"`,
      details: { cabinetId: invoice.cabinetId },
    });
    this.checkLedgerAfter(
      (ledger) => foldNumberInto(ledger, this.parseDocumentNumber(invoice.number), invoice.issuedAt),
      `issuing ${invoice.number}`,
    );
    await this.approved.create(invoice.number, invoice);
    this.approvedByHeld.set(heldKey(invoice.month, invoice.cabinetId), invoice);
    this.foldNumber(invoice.number, invoice.issuedAt);
    await this.writeLedger();
  }

  /** Records that a held invoice will not be issued. Call inside `exclusive`. */
  async commitRejection(rejection: RejectionRecord): Promise<void> {
    checkRecord(rejectionSchema, rejection, {
      subject: `the rejection of the ${rejection.month} invoice of cabinet "${rejection.cabinetId}"`,
      details: { cabinetId: rejection.cabinetId },
    });
    await this.rejections.create(heldKey(rejection.month, rejection.cabinetId), rejection);
  }

  /** A month's invoices: those issued at the close, then the held ones approved since, by number. */
  async invoicesOfMonth(month: string): Promise<InvoiceRecord[] | undefined> {
    const file = await this.month(month);
    if (!file) return undefined;
    const late = [...this.approved.values()].filter((i) => i.month === month).sort((a, b) => a.number.localeCompare(b.number));
    return [...file.invoices, ...late];
  }

  /** Issues a credit note: its own file first (the commit point), then the ledger. Call inside `exclusive`. */
  async commitCreditNote(note: CreditNoteRecord): Promise<void> {
    checkRecord(creditNoteRecordSchema, note, {
      subject: `credit note ${note.number} (cabinet "${note.cabinetId}")`,
      details: { cabinetId: note.cabinetId },
    });
    this.checkLedgerAfter(
      (ledger) => foldNumberInto(ledger, this.parseDocumentNumber(note.number), note.issuedAt),
      `issuing ${note.number}`,
    );
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
    const parsed = this.parseDocumentNumber(number);
    if (!parsed || parsed.series !== 'F') return undefined;
    const late = this.approved.get(number)?.data;
    if (late) return late;
    for (const [month, summary] of Object.entries(this.ledger.data.months)) {
      if (!summary.firstNumber || !summary.lastNumber || number < summary.firstNumber || number > summary.lastNumber) continue;
      const file = await this.month(month);
      const first = this.parseDocumentNumber(summary.firstNumber)!;
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
      const invoice = file?.invoices.find((i) => i.cabinetId === cabinetId) ?? this.approvedByHeld.get(heldKey(month, cabinetId));
      if (invoice) found.push(invoice);
    }
    return found;
  }
}

function foldNumberInto(ledger: LedgerFile, parsed: ReturnType<ParseNumber>, issuedAt: string): void {
  if (parsed) {
    const bySeries = (ledger.lastNumbers[parsed.series] ??= {});
    bySeries[String(parsed.year)] = Math.max(bySeries[String(parsed.year)] ?? 0, parsed.n);
  }
  const last = ledger.lastIssuedAt;
  if (!last || issuedAt > last) ledger.lastIssuedAt = issuedAt;
}

function foldMonthInto(ledger: LedgerFile, file: BillingMonthFile, parse: ParseNumber): void {
  ledger.months[file.month] = summaryOf(file);
  const last = file.invoices.at(-1)?.number;
  foldNumberInto(ledger, last === undefined ? undefined : parse(last), file.closedAt);
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
