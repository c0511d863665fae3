/**
 * The monthly close on PostgreSQL with several nodes (issue 20): two `billing close` of the same
 * month at once on two nodes give one month's invoices, numbered without a gap; closes of two
 * months at once share the invoice series without a gap or a number given twice (art. 242 nonies
 * A, I-7° annexe II CGI); a node whose clock is behind the last document issues nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { formatDocumentNumber } from '../../../control-plane/src/domain/billing/documentNumbers.js';
import { NODE_CLOCK_SKEW_MS, PostgresBillingMonthStore } from '../../../control-plane/src/storage/postgres/billingMonthStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { closingMonth } from '../../support/storeFixtures.js';
import type { CreditNoteRecord } from '../../../control-plane/src/storage/billingRecords.js';

const log = createLogger('test', 'silent');
let cluster: PostgresCluster;
let nodeA: Database;
let nodeB: Database;
const CABINETS = Array.from({ length: 40 }, (_, i) => `cab-${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('billing');
  nodeA = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  nodeB = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  await migrate(nodeA);
  for (const id of CABINETS)
    await nodeA.query(`INSERT INTO cabinets (id, status, license_revision, record) VALUES ($1, 'active', 1, '{}')`, [id]);
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await cluster?.destroy();
});

/** A node's clock stopped at `iso`. */
const at = (iso: string) => () => new Date(iso);
const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => formatDocumentNumber('F', 2026, from + i));

describe('billing close on two nodes sharing one database', () => {
  it('closes a month once when both nodes close it at the same moment: one set of invoices, gapless', async () => {
    const [a, b] = [new PostgresBillingMonthStore(nodeA, formatDocumentNumber), new PostgresBillingMonthStore(nodeB, formatDocumentNumber)];
    // January 2026 is closed on 2 February 2026 (the first day it can be, Europe/Paris).
    const closedAt = '2026-02-02T08:00:00.000Z';
    const results = await Promise.allSettled([
      a.commitMonth(() => closingMonth('2026-01', closedAt, CABINETS), at(closedAt)),
      b.commitMonth(() => closingMonth('2026-01', closedAt, CABINETS), at(closedAt)),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected.map((r) => (r.reason as { code: string }).code)).toEqual(['month_already_closed']);
    // 40 cabinets, first invoices of 2026: F-2026-000001 to F-2026-000040, in the order drafted.
    const committed = fulfilled[0]!.value.invoices;
    expect(committed.map((i) => i.number)).toEqual(numbers(1, 40));
    expect(committed.map((i) => i.cabinetId)).toEqual(CABINETS);
    expect((await b.invoicesOf('2026-01')).map((i) => i.number)).toEqual(numbers(1, 40));
    expect(await a.lastNumber('F', 2026)).toBe(40);
  });

  it('numbers two months closed at once on two nodes from one series, without a gap or a number twice', async () => {
    const [a, b] = [new PostgresBillingMonthStore(nodeA, formatDocumentNumber), new PostgresBillingMonthStore(nodeB, formatDocumentNumber)];
    // February and March closed late, together, on 3 April 2026: after the 40 January invoices,
    // the 40 + 25 new ones take 41 to 105, each month's a run of consecutive numbers.
    const closedAt = '2026-04-03T08:00:00.000Z';
    await Promise.all([
      a.commitMonth(() => closingMonth('2026-02', closedAt, CABINETS), at(closedAt)),
      b.commitMonth(() => closingMonth('2026-03', closedAt, CABINETS.slice(0, 25)), at(closedAt)),
    ]);
    const feb = (await a.invoicesOf('2026-02')).map((i) => Number(i.number.slice(-6)));
    const mar = (await a.invoicesOf('2026-03')).map((i) => Number(i.number.slice(-6)));
    expect(feb).toHaveLength(40);
    expect(mar).toHaveLength(25);
    expect([...feb, ...mar].sort((x, y) => x - y)).toEqual(Array.from({ length: 65 }, (_, i) => 41 + i));
    for (const run of [feb, mar]) expect(run).toEqual(Array.from({ length: run.length }, (_, i) => run[0]! + i));
    expect(await b.lastNumber('F', 2026)).toBe(105);
  });

  it('refuses a close dated before the last issued document, issuing nothing', async () => {
    const store = new PostgresBillingMonthStore(nodeB, formatDocumentNumber);
    // The last documents were issued on 3 April 2026 08:00 UTC; this node's clock says 07:59.
    await expect(
      store.commitMonth(() => closingMonth('2026-04', '2026-04-03T07:59:00.000Z', CABINETS), at('2026-04-03T07:59:00.000Z')),
    ).rejects.toMatchObject({
      code: 'clock_behind_last_document',
    });
    expect(await store.invoicesOf('2026-04')).toEqual([]);
    expect(await store.lastNumber('F', 2026)).toBe(105);
    const { rows } = await nodeB.query(`SELECT month FROM billing_months WHERE month = '2026-04'`);
    expect(rows).toEqual([]);
  });

  it('numbers credit notes issued at once on two nodes from their own series, gapless, leaving invoice numbers alone', async () => {
    const [a, b] = [new PostgresBillingMonthStore(nodeA, formatDocumentNumber), new PostgresBillingMonthStore(nodeB, formatDocumentNumber)];
    const january = await a.invoicesOf('2026-01');
    const vendor = closingMonth('2026-01', '2026-02-02T08:00:00.000Z', []).vendor;
    // Issued on 6 April 2026, after the last documents (3 April): the chronology holds.
    const issuedAt = '2026-04-06T08:00:00.000Z';
    const note = (invoiceIndex: number): Omit<CreditNoteRecord, 'number'> => {
      const invoice = january[invoiceIndex]!;
      return {
        invoiceNumber: invoice.number,
        invoiceIssueDate: invoice.issueDate,
        month: invoice.month,
        cabinetId: invoice.cabinetId,
        issueDate: issuedAt.slice(0, 10),
        issuedAt,
        issuedBy: 'compta@vendor.example',
        reason: 'Geste commercial',
        full: false,
        vendor,
        customer: invoice.customer,
        lines: [{ description: 'Remise', amountCents: 1000 }],
        totalExclVatCents: 1000,
        vatRatePercent: 20,
        vatCents: 200,
        totalInclVatCents: 1200,
      };
    };
    // 20 credit notes, on the first 10 invoices, half from each node, all at once: A-2026-000001 to 000020.
    const issued = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).issueCreditNote(january[i % 10]!.number, () => note(i % 10), at(issuedAt)),
      ),
    );
    expect(issued.map((c) => c.number).sort()).toEqual(Array.from({ length: 20 }, (_, i) => formatDocumentNumber('A', 2026, i + 1)));
    expect((await b.creditNotesOf(january[0]!.number)).map((c) => c.invoiceNumber)).toEqual([january[0]!.number, january[0]!.number]);
    expect(await a.lastNumber('A', 2026)).toBe(20);
    expect(await a.lastNumber('F', 2026)).toBe(105);
    await expect(
      a.issueCreditNote('F-2026-999999', () => ({ ...note(0), invoiceNumber: 'F-2026-999999' }), at(issuedAt)),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await a.lastNumber('A', 2026)).toBe(20);
  });

  it("dates a close at the last document's instant when this node's clock is behind another's by less than their skew", async () => {
    const b = new PostgresBillingMonthStore(nodeB, formatDocumentNumber);
    // The credit notes above were issued at 08:00:00.000 on 6 April; node B's clock is 1.5 s behind.
    const behind = new Date(Date.parse('2026-04-06T08:00:00.000Z') - 1_500);
    expect(NODE_CLOCK_SKEW_MS).toBeGreaterThan(1_500);
    const april = await b.commitMonth(
      (now) => closingMonth('2026-04', now.toISOString(), CABINETS.slice(0, 3)),
      () => behind,
    );
    expect(april.closedAt).toBe('2026-04-06T08:00:00.000Z');
    expect(april.invoices.map((i) => i.number)).toEqual(numbers(106, 108));
    // Further back than the skew is a clock set back: refused, nothing issued.
    await expect(
      b.commitMonth((now) => closingMonth('2026-05', now.toISOString(), CABINETS), at('2026-04-06T07:59:57.000Z')),
    ).rejects.toMatchObject({ code: 'clock_behind_last_document' });
    expect(await b.lastNumber('F', 2026)).toBe(108);
  });
});
