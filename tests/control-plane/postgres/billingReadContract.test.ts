/**
 * Billing's reads on the seam (docs/control-plane-postgres.md "Billing on the seam"): the same
 * writes — two closes, a held invoice approved and one rejected, credit notes, payments, relances —
 * made half on one node and half on the other, then every read of `BillingMonthStore` and
 * `PaymentLedger` asked of both nodes. PostgreSQL: two pools on one database. Files: the writing
 * process, and the billing files opened again (what another process — a restart — reads). Each
 * read must be the same on both nodes and on both backends, and say what was written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { createClock } from '../../../control-plane/src/clock.js';
import { formatDocumentNumber, parseDocumentNumber } from '../../../control-plane/src/domain/billing/documentNumbers.js';
import { pastDueCabinetIds } from '../../../control-plane/src/domain/billing/invoiceAccount.js';
import { paymentIdOf, type PaymentContext } from '../../../control-plane/src/domain/billing/payments.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import type { InvoiceRecord } from '../../../control-plane/src/storage/billingRecords.js';
import { BillingFiles } from '../../../control-plane/src/storage/embedded/billingFiles.js';
import { EmbeddedBillingMonthStore } from '../../../control-plane/src/storage/embedded/billingMonthStore.js';
import { PaymentFiles } from '../../../control-plane/src/storage/embedded/paymentFiles.js';
import { EmbeddedPaymentLedger } from '../../../control-plane/src/storage/embedded/paymentLedger.js';
import type { PaymentRecord, RelanceRecord, RelanceStep } from '../../../control-plane/src/storage/paymentRecords.js';
import { PostgresBillingMonthStore } from '../../../control-plane/src/storage/postgres/billingMonthStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { PostgresPaymentLedger } from '../../../control-plane/src/storage/postgres/paymentLedger.js';
import type { BillingMonthStore, ClosingMonth, PaymentLedger } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { usePostgres } from '../../support/postgresPools.js';
import { closingMonth, creditNote, heldDraft } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
const CABINETS = ['cab-a', 'cab-b', 'cab-c', 'cab-d', 'cab-e', 'cab-f'];
const HELD = ['big-1', 'big-2'];
const postgres = usePostgres();

interface Node {
  months: BillingMonthStore;
  ledger: PaymentLedger;
}

async function filesNode(dir: string): Promise<Node> {
  const quarantine = await RecordQuarantine.open(dir, createClock(0), log);
  return {
    months: new EmbeddedBillingMonthStore(await BillingFiles.open(dir, log, quarantine, parseDocumentNumber), formatDocumentNumber),
    ledger: new EmbeddedPaymentLedger(await PaymentFiles.open(dir, log, quarantine.take)),
  };
}

/** Two nodes on one state; the second is asked for after the writes (the files: opened again then). */
const backends: [string, () => Promise<{ writer: Node; other: () => Promise<Node> }>][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-billing-reads-');
      return { writer: await filesNode(dir), other: () => filesNode(dir) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await postgres.cluster.createDatabase('billing_reads');
      const first = postgres.pool(url);
      await migrate(first);
      for (const id of [...CABINETS, ...HELD])
        await first.query(`INSERT INTO cabinets (id, status, license_revision, record) VALUES ($1, 'active', 1, '{}')`, [id]);
      const node = (db = postgres.pool(url)): Node => ({
        months: new PostgresBillingMonthStore(db, formatDocumentNumber),
        ledger: new PostgresPaymentLedger(db),
      });
      return { writer: node(first), other: () => Promise.resolve(node()) };
    },
  ],
];

const at = (iso: string) => () => new Date(iso);
const F = (n: number) => formatDocumentNumber('F', 2026, n);
const A = (n: number) => formatDocumentNumber('A', 2026, n);

function drafted(month: string, cabinets: readonly string[], held: readonly string[] = []) {
  return (now: Date): ClosingMonth => {
    const base = closingMonth(month, now.toISOString(), cabinets);
    // Amounts differing per invoice, so that a summary adding the wrong rows is seen.
    const invoices = base.invoices.map((inv, i) => ({
      ...inv,
      totalExclVatCents: 10_000 + 100 * i,
      vatCents: 2_000 + 20 * i,
      totalInclVatCents: 12_000 + 120 * i,
    }));
    return {
      ...base,
      invoices,
      held: held.map((id) => heldDraft(id, month, invoices[0]!)),
      warnings: [{ cabinetId: 'cab-a', code: 'no_usage', message: 'pas de relevé' }],
    };
  };
}

function payment(invoice: InvoiceRecord, reference: string, amountCents: number, date: string, recordedAt: string): PaymentRecord {
  return {
    id: paymentIdOf(reference),
    invoiceNumber: invoice.number,
    cabinetId: invoice.cabinetId,
    date,
    amountCents,
    method: 'transfer',
    reference,
    source: 'manual',
    label: null,
    recordedAt,
    recordedBy: 'compta@vendor.example',
  };
}

function relance(invoice: InvoiceRecord, step: RelanceStep): RelanceRecord {
  return {
    invoiceNumber: invoice.number,
    cabinetId: invoice.cabinetId,
    step,
    to: 'cabinet@example.fr',
    status: 'sending',
    claimedAt: '2026-03-20T08:00:00.000Z',
    sentAt: null,
    messageId: null,
    balanceDueCents: 12_000,
  };
}

/** The same writes on every backend, with stopped clocks: both backends hold the same documents. */
async function write(a: Node, b: Node): Promise<void> {
  const january = await a.months.commitMonth(drafted('2026-01', CABINETS, HELD), at('2026-02-02T08:00:00.000Z'));
  const february = await b.months.commitMonth(drafted('2026-02', CABINETS.slice(0, 3)), at('2026-03-02T08:00:00.000Z'));
  await b.months.approveHeld(
    '2026-01',
    'big-1',
    (now, held) => {
      const { reviewAmountCents: _r, ...draft } = held;
      const issueDate = now.toISOString().slice(0, 10);
      return { ...draft, issueDate, issuedAt: now.toISOString(), dueDate: issueDate, approvedBy: 'admin@vendor.example' };
    },
    at('2026-03-03T08:00:00.000Z'),
  );
  await a.months.rejectHeld(
    '2026-01',
    'big-2',
    (now) => ({ month: '2026-01', cabinetId: 'big-2', rejectedAt: now.toISOString(), rejectedBy: 'admin', reason: 'compteur faux' }),
    at('2026-03-03T09:00:00.000Z'),
  );
  const [j0, j1, j2] = january.invoices;
  await a.months.issueCreditNote(j0!.number, (now) => creditNote(j0!, now, 1000), at('2026-03-04T08:00:00.000Z'));
  await b.months.issueCreditNote(
    february.invoices[1]!.number,
    (now) => creditNote(february.invoices[1]!, now, 500),
    at('2026-03-04T09:00:00.000Z'),
  );
  await b.months.issueCreditNote(j0!.number, (now) => creditNote(j0!, now, 2000), at('2026-03-04T10:00:00.000Z'));
  // Recorded out of their dates' order, on both nodes: listings are by date, then by recording.
  await b.ledger.record(payment(j1!, 'VIR 2', 4000, '2026-03-10', '2026-03-11T08:00:00.000Z'), () => undefined);
  await a.ledger.record(payment(j1!, 'VIR 1', 3000, '2026-03-05', '2026-03-12T08:00:00.000Z'), () => undefined);
  await a.ledger.record(payment(j0!, 'VIR 3', 9000, '2026-03-05', '2026-03-06T08:00:00.000Z'), () => undefined);
  // The final notice claimed before the reminder: listed in the steps' order all the same.
  await b.ledger.claimRelance(relance(j2!, 'final_notice'));
  await a.ledger.claimRelance(relance(j2!, 'reminder'));
  await b.ledger.markRelanceSent(j2!.number, 'reminder', '2026-03-20T08:00:01.000Z', '<r1@smtp>');
}

/** Every read, as one value. */
async function readAll(node: Node) {
  const { months, ledger } = node;
  return {
    closedMonths: await months.closedMonths(),
    january: await months.closedMonth('2026-01'),
    march: await months.closedMonth('2026-03'),
    januaryHeader: await months.monthHeader('2026-01'),
    marchHeader: await months.monthHeader('2026-03'),
    januaryInvoices: await months.invoicesOf('2026-01'),
    invoice: await months.invoice(F(1)),
    approved: await months.invoice(F(10)),
    unknownInvoice: await months.invoice('F-2026-999999'),
    notAnInvoice: await months.invoice(A(1)),
    cabinetInvoices: await months.invoicesOfCabinet('cab-a'),
    approvedCabinetInvoices: await months.invoicesOfCabinet('big-1'),
    noInvoices: await months.invoicesOfCabinet('nobody'),
    allInvoices: await months.allInvoices(),
    held: await months.heldInvoices(),
    heldOfJanuary: await months.heldInvoices('2026-01'),
    heldOfFebruary: await months.heldInvoices('2026-02'),
    creditNote: await months.creditNote(A(2)),
    unknownCreditNote: await months.creditNote(A(9)),
    creditNotes: await months.creditNotes(),
    creditNotesOf: await months.creditNotesOf(F(1)),
    documentsIssued: await months.documentsIssued(),
    payments: await ledger.payments(),
    paymentsOf: await ledger.paymentsOf(F(2)),
    paymentCount: await ledger.paymentCount(),
    relancesOf: await ledger.relancesOf(F(3)),
    noRelances: await ledger.relancesOf(F(1)),
    relance: await ledger.relance(F(3), 'reminder'),
  };
}

type Reads = Awaited<ReturnType<typeof readAll>>;
const reads = new Map<string, { writer: Reads; other: Reads }>();
/** The nodes the reads were asked of: the writer, and the other one (for the files, the writer again: one process writes). */
const nodes = new Map<string, { writer: Node; second: Node }>();

beforeAll(async () => {
  for (const [name, open] of backends) {
    const backend = await open();
    // Half the writes on each node: the PostgreSQL second pool; the files have one writing process.
    const second = name === 'PostgreSQL' ? await backend.other() : backend.writer;
    await write(backend.writer, second);
    reads.set(name, { writer: await readAll(backend.writer), other: await readAll(await backend.other()) });
    nodes.set(name, { writer: backend.writer, second });
  }
});

describe.each(backends.map(([name]) => [name]))('billing reads on the %s', (name) => {
  it('reads the same on the node that wrote and on another', () => {
    const { writer, other } = reads.get(name)!;
    expect(other).toEqual(writer);
  });

  it('summarises a closed month as the close left it: count, first and last number, totals, held count', () => {
    const { writer: r } = reads.get(name)!;
    const january = { closedAt: '2026-02-02T08:00:00.000Z', closedBy: 'admin@vendor.example', issueDate: '2026-02-02' };
    // Six invoices of 12 000 + 120·i cents incl. VAT; big-1 approved later is not in the close's figures.
    expect(r.january).toEqual({
      ...january,
      invoiceCount: 6,
      firstNumber: F(1),
      lastNumber: F(6),
      totalExclVatCents: 61_500,
      vatCents: 12_300,
      totalInclVatCents: 73_800,
      heldCount: 2,
    });
    expect(r.closedMonths.map((m) => [m.month, m.invoiceCount, m.firstNumber, m.lastNumber, m.heldCount])).toEqual([
      ['2026-01', 6, F(1), F(6), 2],
      ['2026-02', 3, F(7), F(9), 0],
    ]);
    expect(r.closedMonths[0]).toEqual({ month: '2026-01', ...r.january });
    expect(r.march).toBeUndefined();
    expect(r.marchHeader).toBeUndefined();
    expect(r.januaryHeader).toMatchObject({ month: '2026-01', ...january, warnings: [{ cabinetId: 'cab-a', code: 'no_usage' }] });
    expect(r.januaryHeader).not.toHaveProperty('invoices');
    expect(r.januaryHeader?.vendor.paymentTermsDays).toBe(30);
  });

  it('finds invoices by number, by cabinet and all of them, the approved one with who approved it', () => {
    const { writer: r } = reads.get(name)!;
    expect(r.januaryInvoices.map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6, 10].map(F));
    expect(r.invoice).toEqual(r.januaryInvoices[0]);
    expect(r.approved).toMatchObject({ number: F(10), cabinetId: 'big-1', month: '2026-01', approvedBy: 'admin@vendor.example' });
    expect(r.unknownInvoice).toBeUndefined();
    expect(r.notAnInvoice).toBeUndefined();
    expect(r.cabinetInvoices.map((i) => [i.month, i.number])).toEqual([
      ['2026-02', F(7)],
      ['2026-01', F(1)],
    ]);
    expect(r.approvedCabinetInvoices.map((i) => i.number)).toEqual([F(10)]);
    expect(r.noInvoices).toEqual([]);
    expect(r.allInvoices.map((i) => i.number)).toEqual([1, 2, 3, 4, 5, 6, 10, 7, 8, 9].map(F));
  });

  it('lists held invoices with their decisions, of a month or of all', () => {
    const { writer: r } = reads.get(name)!;
    expect(r.held.map((h) => [h.held.cabinetId, h.state.status])).toEqual([
      ['big-1', 'approved'],
      ['big-2', 'rejected'],
    ]);
    expect(r.held[0]!.state).toMatchObject({ invoice: { number: F(10), approvedBy: 'admin@vendor.example' } });
    expect(r.held[1]!.state).toMatchObject({ rejection: { rejectedBy: 'admin', reason: 'compteur faux' } });
    expect(r.heldOfJanuary).toEqual(r.held);
    expect(r.heldOfFebruary).toEqual([]);
  });

  it('reads credit notes by number, of an invoice and all, and counts every document issued', () => {
    const { writer: r } = reads.get(name)!;
    expect(r.creditNotes.map((c) => [c.number, c.invoiceNumber, c.totalExclVatCents])).toEqual([
      [A(1), F(1), 1000],
      [A(2), F(8), 500],
      [A(3), F(1), 2000],
    ]);
    expect(r.creditNote).toEqual(r.creditNotes[1]);
    expect(r.unknownCreditNote).toBeUndefined();
    expect(r.creditNotesOf.map((c) => c.number)).toEqual([A(1), A(3)]);
    // F-2026-000001 to 000010 and A-2026-000001 to 000003.
    expect(r.documentsIssued).toBe(13);
  });

  it('reads payments by date then recording, of an invoice and all, and relances in the order of their steps', () => {
    const { writer: r } = reads.get(name)!;
    expect(r.paymentsOf.map((p) => p.reference)).toEqual(['VIR 1', 'VIR 2']);
    expect(r.payments.map((p) => p.reference)).toEqual(['VIR 3', 'VIR 1', 'VIR 2']);
    expect(r.paymentCount).toBe(3);
    expect(r.relancesOf.map((x) => [x.step, x.status])).toEqual([
      ['reminder', 'sent'],
      ['final_notice', 'sending'],
    ]);
    expect(r.relance).toEqual(r.relancesOf[0]);
    expect(r.noRelances).toEqual([]);
  });

  it("keeps the fleet's past-due flag until a payment or an avoir, made on another node, settles the invoice", async () => {
    const { writer, second } = nodes.get(name)!;
    // What the flag reads: the stores and the clock, 1 June 2026 — every invoice is past due unless settled.
    const fleet = { clock: at('2026-06-01T10:00:00.000Z'), billingMonths: writer.months, paymentLedger: writer.ledger } as PaymentContext;
    expect([...(await pastDueCabinetIds(fleet))].sort()).toEqual(['cab-a', 'cab-b', 'cab-c', 'cab-d', 'cab-e', 'cab-f', 'big-1'].sort());
    // cab-f's only invoice (F-2026-000006, 126,00 €) paid in full on the other node.
    const f6 = (await second.months.invoice(F(6)))!;
    await second.ledger.record(payment(f6, 'VIR 6', f6.totalInclVatCents, '2026-05-02', '2026-05-02T08:00:00.000Z'), () => undefined);
    expect(await pastDueCabinetIds(fleet)).not.toContain('cab-f');
    // cab-e's only invoice cancelled by an avoir of its whole amount, on the other node.
    const f5 = (await second.months.invoice(F(5)))!;
    await second.months.issueCreditNote(f5.number, (now) => creditNote(f5, now, f5.totalExclVatCents), at('2026-05-03T08:00:00.000Z'));
    expect([...(await pastDueCabinetIds(fleet))].sort()).toEqual(['cab-a', 'cab-b', 'cab-c', 'cab-d', 'big-1'].sort());
  });
});

describe('billing reads on both backends', () => {
  it('are the same on the files and on PostgreSQL after the same writes', () => {
    expect(reads.get('PostgreSQL')!.writer).toEqual(reads.get('embedded files')!.writer);
    expect(reads.get('PostgreSQL')!.other).toEqual(reads.get('embedded files')!.other);
  });
});
