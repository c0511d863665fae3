/**
 * One contract, two implementations (docs/control-plane-postgres.md "The monthly close"): the
 * issue of billing documents (BillingMonthStore) and payments with relances (PaymentLedger), over
 * DATA_DIR's billing files and over PostgreSQL. With PostgreSQL two pools on one database are two
 * nodes; with the files one process holds DATA_DIR, so the "other node" is a second call in that
 * process. The drafts handed to the stores are the domain's shapes (tests/support/storeFixtures.ts);
 * the time is the stores' to read, after their lock: every case below races two issues at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { createClock } from '../../../control-plane/src/clock.js';
import { formatDocumentNumber, parseDocumentNumber } from '../../../control-plane/src/domain/billing/documentNumbers.js';
import { paymentIdOf } from '../../../control-plane/src/domain/billing/payments.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import type { InvoiceRecord } from '../../../control-plane/src/storage/billingRecords.js';
import { BillingFiles } from '../../../control-plane/src/storage/embedded/billingFiles.js';
import { EmbeddedBillingMonthStore } from '../../../control-plane/src/storage/embedded/billingMonthStore.js';
import { PaymentFiles } from '../../../control-plane/src/storage/embedded/paymentFiles.js';
import { EmbeddedPaymentLedger } from '../../../control-plane/src/storage/embedded/paymentLedger.js';
import type { PaymentRecord, RelanceRecord } from '../../../control-plane/src/storage/paymentRecords.js';
import { PostgresBillingMonthStore } from '../../../control-plane/src/storage/postgres/billingMonthStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { PostgresPaymentLedger } from '../../../control-plane/src/storage/postgres/paymentLedger.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { BillingMonthStore, ClosingMonth, PaymentLedger } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { closingMonth, creditNote, heldDraft } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
const CABINETS = Array.from({ length: 30 }, (_, i) => `cab-${String(i).padStart(2, '0')}`);
const HELD = ['big-1', 'big-2'];

let cluster: PostgresCluster;
const databases: Database[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  for (const db of databases) await db.close();
  await cluster?.destroy();
});

/** One node's view of billing. */
interface Node {
  months: BillingMonthStore;
  ledger: PaymentLedger;
}

/** A backend: `node()` is another node on the same state (PostgreSQL: another pool). */
type Backend = () => Promise<{ node: () => Node }>;

const backends: [string, Backend][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-billing-contract-');
      const quarantine = await RecordQuarantine.open(dir, createClock(0), log);
      const only: Node = {
        months: new EmbeddedBillingMonthStore(await BillingFiles.open(dir, log, quarantine, parseDocumentNumber), formatDocumentNumber),
        ledger: new EmbeddedPaymentLedger(await PaymentFiles.open(dir, log, quarantine.take)),
      };
      return { node: () => only };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await cluster.createDatabase('billing');
      const first = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
      databases.push(first);
      await migrate(first);
      // The invoices' foreign key: the cabinets exist (their records are the cabinet store's business).
      for (const id of [...CABINETS, ...HELD])
        await first.query(`INSERT INTO cabinets (id, status, license_revision, record) VALUES ($1, 'active', 1, '{}')`, [id]);
      return {
        node: () => {
          const db = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
          databases.push(db);
          return { months: new PostgresBillingMonthStore(db, formatDocumentNumber), ledger: new PostgresPaymentLedger(db) };
        },
      };
    },
  ],
];

/** A clock stopped at `iso`. */
const at = (iso: string) => () => new Date(iso);

/**
 * A clock that moves 1 ms at each reading: whichever close reads it second reads a later time. A
 * store reading the time before its lock could hand the later time to the close that commits
 * first, and the other would be refused `clock_behind_last_document`.
 */
function ticking(iso: string): () => Date {
  let t = Date.parse(iso);
  return () => new Date(t++);
}

/** The month as the domain drafts it at `now`: issue date, `issuedAt` and `closedAt` from the store's time. */
function drafted(month: string, cabinets: readonly string[], held: readonly string[] = []) {
  return (now: Date): ClosingMonth => {
    const base = closingMonth(month, now.toISOString(), cabinets);
    return { ...base, held: held.map((id) => heldDraft(id, month, base.invoices[0]!)) };
  };
}

function payment(invoice: InvoiceRecord, reference: string | null, amountCents: number): PaymentRecord {
  return {
    id: paymentIdOf(reference),
    invoiceNumber: invoice.number,
    cabinetId: invoice.cabinetId,
    date: '2026-03-05',
    amountCents,
    method: 'transfer',
    reference,
    source: 'bank_import',
    label: null,
    recordedAt: '2026-03-05T10:00:00.000Z',
    recordedBy: 'compta@vendor.example',
  };
}

function relance(invoice: InvoiceRecord, to: string): RelanceRecord {
  return {
    invoiceNumber: invoice.number,
    cabinetId: invoice.cabinetId,
    step: 'reminder',
    to,
    status: 'sending',
    claimedAt: '2026-03-06T08:00:00.000Z',
    sentAt: null,
    messageId: null,
    balanceDueCents: 11_880,
  };
}

const F = (n: number) => formatDocumentNumber('F', 2026, n);
const A = (n: number) => formatDocumentNumber('A', 2026, n);
const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok');

describe.each(backends)('billing on the %s', (_name, open) => {
  let a: Node;
  let b: Node;
  let january: InvoiceRecord[];

  beforeAll(async () => {
    const backend = await open();
    a = backend.node();
    b = backend.node();
  });

  it('closes a month once when two closes run at once: one set of invoices, numbered without a gap', async () => {
    // January 2026 closed on 2 February 2026, twice at the same moment (two nodes, or two calls).
    const clock = ticking('2026-02-02T08:00:00.000Z');
    const results = await Promise.allSettled([
      a.months.commitMonth(drafted('2026-01', CABINETS, HELD), clock),
      b.months.commitMonth(drafted('2026-01', CABINETS, HELD), clock),
    ]);
    expect(results.map(codeOf).sort()).toEqual(['month_already_closed', 'ok']);
    const committed = results.find((r) => r.status === 'fulfilled')!.value;
    // 30 cabinets issued, the 2 held ones not numbered: F-2026-000001 to F-2026-000030 in the order drafted.
    expect(committed.invoices.map((i) => i.number)).toEqual(CABINETS.map((_, i) => F(i + 1)));
    expect(committed.held.map((h) => h.cabinetId)).toEqual(HELD);
    january = await b.months.invoicesOf('2026-01');
    expect(january.map((i) => i.number)).toEqual(CABINETS.map((_, i) => F(i + 1)));
    expect(await a.months.lastNumber('F', 2026)).toBe(30);
  });

  it('dates a close that waited behind another after it: two months at once, both issued, consecutive numbers', async () => {
    // February and March closed at once on 3 April; the clock moves 1 ms per reading, read after the lock.
    const clock = ticking('2026-04-03T08:00:00.000Z');
    const [feb, mar] = await Promise.all([
      a.months.commitMonth(drafted('2026-02', CABINETS.slice(0, 10)), clock),
      b.months.commitMonth(drafted('2026-03', CABINETS.slice(0, 5)), clock),
    ]);
    // 30 January invoices, then 10 + 5: 31 to 45, each month a run of consecutive numbers.
    const runs = [feb!, mar!].map((m) => m.invoices.map((i) => Number(i.number.slice(-6))));
    expect(runs.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 15 }, (_, i) => 31 + i));
    for (const run of runs) expect(run).toEqual(Array.from({ length: run.length }, (_, i) => run[0]! + i));
    // The one that committed second (the higher numbers) read the clock after the first's commit.
    const [first, second] = runs[0]![0]! < runs[1]![0]! ? [feb!, mar!] : [mar!, feb!];
    expect(Date.parse(second.closedAt)).toBeGreaterThan(Date.parse(first.closedAt));
    expect(await b.months.lastNumber('F', 2026)).toBe(45);
  });

  it('refuses a clock really set back, issuing nothing', async () => {
    // The last documents were issued on 3 April 2026 at 08:00:00.00x UTC; this node's clock says 07:59.
    await expect(a.months.commitMonth(drafted('2026-04', CABINETS), at('2026-04-03T07:59:00.000Z'))).rejects.toMatchObject({
      code: 'clock_behind_last_document',
    });
    expect(await b.months.invoicesOf('2026-04')).toEqual([]);
    expect(await b.months.lastNumber('F', 2026)).toBe(45);
  });

  it('numbers credit notes issued at once from their own series, consecutive, each seeing the ones before it', async () => {
    // 20 credit notes on the first 10 January invoices, half from each node, all at once, on 6 April.
    const clock = ticking('2026-04-06T08:00:00.000Z');
    const seen: number[][] = Array.from({ length: 10 }, () => []);
    const issued = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).months.issueCreditNote(
          january[i % 10]!.number,
          (now, earlier) => {
            seen[i % 10]!.push(earlier.length);
            return creditNote(january[i % 10]!, now);
          },
          clock,
        ),
      ),
    );
    expect(issued.map((c) => c.number).sort()).toEqual(Array.from({ length: 20 }, (_, i) => A(i + 1)));
    // Two credit notes of one invoice are decided one after the other: the second sees the first.
    for (const counts of seen) expect(counts.sort()).toEqual([0, 1]);
    expect((await b.months.creditNotesOf(january[0]!.number)).map((c) => c.invoiceNumber)).toEqual([
      january[0]!.number,
      january[0]!.number,
    ]);
    expect(await a.months.lastNumber('A', 2026)).toBe(20);
    expect(await a.months.lastNumber('F', 2026)).toBe(45);
    await expect(a.months.issueCreditNote('F-2026-999999', (now) => creditNote(january[0]!, now), clock)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await a.months.lastNumber('A', 2026)).toBe(20);
  });

  it('decides a held invoice once: approved at once on two nodes, one issue with the next invoice number', async () => {
    const clock = ticking('2026-04-07T08:00:00.000Z');
    const approve = (node: Node) =>
      node.months.approveHeld(
        '2026-01',
        'big-1',
        (now, held, vendor) => {
          const { reviewAmountCents: _r, ...draft } = held;
          const issueDate = now.toISOString().slice(0, 10);
          return { ...draft, issueDate, issuedAt: now.toISOString(), dueDate: issueDate, approvedBy: `admin-${vendor.paymentTermsDays}` };
        },
        clock,
      );
    const results = await Promise.allSettled([approve(a), approve(b)]);
    expect(results.map(codeOf).sort()).toEqual(['held_invoice_decided', 'ok']);
    // After F-2026-000045: the approved invoice is F-2026-000046, in its month's invoices.
    const approved = results.find((r) => r.status === 'fulfilled')!.value;
    expect(approved.number).toBe(F(46));
    expect((await b.months.invoicesOf('2026-01')).at(-1)).toMatchObject({ number: F(46), cabinetId: 'big-1', approvedBy: 'admin-30' });
    const reject = (node: Node, cabinetId: string) =>
      node.months.rejectHeld(
        '2026-01',
        cabinetId,
        (now) => ({ month: '2026-01', cabinetId, rejectedAt: now.toISOString(), rejectedBy: 'admin', reason: 'compteur faux' }),
        clock,
      );
    await expect(reject(b, 'big-1')).rejects.toMatchObject({ code: 'held_invoice_decided' });
    const rejections = await Promise.allSettled([reject(a, 'big-2'), reject(b, 'big-2')]);
    expect(rejections.map(codeOf).sort()).toEqual(['held_invoice_decided', 'ok']);
    await expect(reject(a, 'nobody')).rejects.toMatchObject({ code: 'not_found' });
    expect(await a.months.lastNumber('F', 2026)).toBe(46);
  });

  it('records a bank line once when it is recorded on two nodes at once', async () => {
    const invoice = january[20]!;
    const line = payment(invoice, 'VIR SEPA 2026-03-05 0001', 5000);
    const outcomes = await Promise.all([a.ledger.record(line, () => undefined), b.ledger.record(line, () => undefined)]);
    expect(outcomes.filter((o) => 'recorded' in o)).toHaveLength(1);
    expect(outcomes.filter((o) => 'duplicate' in o).map((o) => ('duplicate' in o ? o.duplicate.id : ''))).toEqual([line.id]);
    // The same reference printed otherwise (spaces, case) is the same bank line.
    const again = await a.ledger.record(payment(invoice, 'vir sepa 2026-03-05 0001', 5000), () => undefined);
    expect('duplicate' in again).toBe(true);
    expect((await b.ledger.paymentsOf(invoice.number)).map((p) => p.amountCents)).toEqual([5000]);
  });

  it('decides two payments of one invoice one after the other: the second is admitted against the first', async () => {
    const invoice = january[21]!;
    const seen: number[] = [];
    // 11 880 cents owed; two payments of 6 000 at once: whichever runs second sees the first and refuses.
    const admit = (earlier: readonly PaymentRecord[]) => {
      seen.push(earlier.length);
      const paid = earlier.reduce((s, p) => s + p.amountCents, 0);
      if (paid + 6000 > invoice.totalInclVatCents) throw Object.assign(new Error('overpayment'), { code: 'overpayment' });
    };
    const results = await Promise.allSettled([
      a.ledger.record(payment(invoice, 'CHQ 1', 6000), admit),
      b.ledger.record(payment(invoice, 'CHQ 2', 6000), admit),
    ]);
    expect(results.map(codeOf).sort()).toEqual(['ok', 'overpayment']);
    expect(seen.sort()).toEqual([0, 1]);
    expect(await a.ledger.paymentsOf(invoice.number)).toHaveLength(1);
  });

  it('claims a relance step once when two passes claim it at once, and gives back only an unsent claim', async () => {
    const invoice = january[22]!;
    const claims = await Promise.all([
      a.ledger.claimRelance(relance(invoice, 'a@x.fr')),
      b.ledger.claimRelance(relance(invoice, 'b@x.fr')),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await b.ledger.relance(invoice.number, 'reminder'))?.status).toBe('sending');
    const sent = await a.ledger.markRelanceSent(invoice.number, 'reminder', '2026-03-06T08:00:01.000Z', '<m1@smtp>');
    expect(sent).toMatchObject({ status: 'sent', messageId: '<m1@smtp>' });
    expect(await b.ledger.claimRelance(relance(invoice, 'b@x.fr'))).toBe(false);
    // The SMTP server refused another invoice's relance: the claim is given back, the next pass claims it.
    const other = january[23]!;
    expect(await b.ledger.claimRelance(relance(other, 'c@x.fr'))).toBe(true);
    await b.ledger.releaseRelance(other.number, 'reminder');
    expect(await a.ledger.relance(other.number, 'reminder')).toBeUndefined();
    expect(await a.ledger.claimRelance(relance(other, 'c@x.fr'))).toBe(true);
  });
});
