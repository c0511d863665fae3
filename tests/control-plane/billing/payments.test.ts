/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Getting paid, end to end through the real CLI (and the API for the routes), the clock moved
 * by CLOCK_OFFSET_SECONDS: an invoice's status follows its payments, its credit notes and the
 * date — open, partially_paid, paid, past_due the day after its due date, void once fully
 * credited; an overpayment, a payment on a void invoice and a second recording of the same
 * reference are refused with what to do; a bank statement's CSV is matched by invoice number and
 * importing it twice records nothing twice.
 *
 * Figures, by hand: Cabinet Dupont is on "professional" (299 € excl. VAT a month) and Martin on
 * "starter" (99 €), both since 1 March, so each month is billed in full: Dupont 29 900 + 20 % VAT
 * 5 980 = 35 880 cents; Martin 9 900 + 1 980 = 11 880. March is closed on 2 April (issue date
 * 2026-04-02, due 30 days later: 2 April + 28 days is 30 April, + 2 is 2 May, so 2026-05-02);
 * April is closed on 2 May (due 2 May + 30 days: 31 May is + 29, so 2026-06-01).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { clockAt, DUPONT_CABINET } from '../../support/billing.js';

const root = tempDir('cp-payments-');
const dataDir = path.join(root, 'data');
let cp: TestControlPlane | undefined;
const tokens: Record<string, string> = {};

const cli = (at: string, args: string[], input?: string) =>
  runCli(dataDir, [...args, '--json'], { env: clockAt(at), ...(input !== undefined ? { input } : {}) });
const invoiceAt = async (at: string, number: string) => {
  const res = await cli(at, ['billing', 'invoice', number]);
  expect(res.code, res.stderr).toBe(0);
  return res.json.invoice;
};

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  for (const role of ['billing', 'support']) tokens[role] = await createAdminToken(dataDir, `${role}@vendor.test`, role);
  expect((await cli('2026-03-01T09:00:00Z', ['cabinet', 'create', ...DUPONT_CABINET])).code).toBe(0);
  expect(
    (
      await cli('2026-03-01T09:00:00Z', [
        'cabinet',
        'create',
        '--id',
        'martin',
        '--name',
        'Martin',
        '--plan',
        'starter',
        '--siret',
        '44833048000006',
        '--address',
        '8 rue Martin, 69001 Lyon',
      ])
    ).code,
  ).toBe(0);
  const march = await cli('2026-04-02T08:00:00Z', ['billing', 'close', '2026-03']);
  expect(march.code, march.stderr).toBe(0);
  expect(march.json.invoices.map((i: any) => [i.number, i.cabinetId, i.totalInclVatCents, i.dueDate])).toEqual([
    ['F-2026-000001', 'dupont', 35_880, '2026-05-02'],
    ['F-2026-000002', 'martin', 11_880, '2026-05-02'],
  ]);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('billing pay and the status of an invoice', () => {
  it('is open when nothing is paid and the due date has not passed', async () => {
    expect(await invoiceAt('2026-04-10T08:00:00Z', 'F-2026-000001')).toMatchObject({
      status: 'open',
      paidCents: 0,
      balanceDueCents: 35_880,
      payments: [],
    });
  });

  it('is partially_paid after a part payment, and says what is still owed', async () => {
    const res = await cli('2026-04-10T08:00:00Z', [
      'billing',
      'pay',
      'F-2026-000001',
      '--amount-cents',
      '10000',
      '--date',
      '2026-04-09',
      '--reference',
      'VIR-DUPONT-1',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.payment).toMatchObject({ amountCents: 10_000, date: '2026-04-09', method: 'transfer', reference: 'VIR-DUPONT-1' });
    // 35 880 − 10 000 = 25 880 still owed.
    expect(res.json.invoice).toMatchObject({
      number: 'F-2026-000001',
      status: 'partially_paid',
      paidCents: 10_000,
      balanceDueCents: 25_880,
    });
  });

  it('refuses an overpayment, naming the most that can be recorded', async () => {
    const res = await cli('2026-04-10T08:00:00Z', ['billing', 'pay', 'F-2026-000001', '--amount-cents', '30000', '--date', '2026-04-10']);
    expect(res.code).not.toBe(0);
    expect(res.json).toMatchObject({
      error: 'overpayment',
      message:
        'amountCents: 30000 is more than the 25880 cents (258,80\u00a0€) incl. VAT still owed on F-2026-000001: record at most 25880, and the rest on the invoice it pays',
    });
  });

  it('counts a reference once: the same bank line recorded again is refused', async () => {
    const res = await cli('2026-04-10T08:00:00Z', [
      'billing',
      'pay',
      'F-2026-000001',
      '--amount-cents',
      '10000',
      '--date',
      '2026-04-09',
      '--reference',
      'vir-dupont-1',
    ]);
    expect(res.code).not.toBe(0);
    expect(res.json.error).toBe('payment_duplicate');
    expect(res.json.message).toContain('reference "vir-dupont-1" was already recorded on 2026-04-09');
    expect((await invoiceAt('2026-04-10T08:00:00Z', 'F-2026-000001')).paidCents).toBe(10_000);
  });

  it('names the flag of a bad amount, date or method', async () => {
    const pay = (extra: string[]) => cli('2026-04-10T08:00:00Z', ['billing', 'pay', 'F-2026-000001', ...extra]);
    expect((await pay(['--amount-cents', '12,5', '--date', '2026-04-09'])).json.message).toBe(
      'amount-cents: must be a whole number, e.g. --amount-cents 10',
    );
    expect((await pay(['--amount-cents', '100', '--date', '2026-02-30'])).json.message).toBe('date: is not a day of the calendar');
    expect((await pay(['--amount-cents', '100', '--date', '2026-04-11'])).json.message).toBe(
      'date: 2026-04-11 is after today (2026-04-10 in Paris): record a payment once it was received',
    );
    expect((await pay(['--amount-cents', '100', '--date', '2026-04-01'])).json.message).toContain(
      'date: 2026-04-01 is before F-2026-000001 was issued (2026-04-02)',
    );
    expect((await pay(['--amount-cents', '100', '--date', '2026-04-09', '--method', 'bitcoin'])).json.message).toBe(
      'method: must be one of transfer, direct_debit, card, cheque, cash, other',
    );
    expect((await invoiceAt('2026-04-10T08:00:00Z', 'F-2026-000001')).paidCents).toBe(10_000);
  });

  it('is paid once the payments cover it', async () => {
    const res = await cli('2026-04-20T08:00:00Z', [
      'billing',
      'pay',
      'F-2026-000001',
      '--amount-cents',
      '25880',
      '--date',
      '2026-04-20',
      '--method',
      'cheque',
      '--reference',
      'CHQ 0012345',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.invoice).toMatchObject({ status: 'paid', paidCents: 35_880, balanceDueCents: 0 });
    const more = await cli('2026-04-20T08:00:00Z', ['billing', 'pay', 'F-2026-000001', '--amount-cents', '1', '--date', '2026-04-20']);
    expect(more.json).toMatchObject({ error: 'overpayment' });
    expect(more.json.message).toContain('F-2026-000001 is already paid in full');
  });

  it('turns past_due the day after the due date, by the clock, and stays paid once paid', async () => {
    // Due 2026-05-02: still open that day (Paris), past due on the 3rd (1 day).
    expect((await invoiceAt('2026-05-02T21:00:00Z', 'F-2026-000002')).status).toBe('open'); // 23:00 in Paris
    expect(await invoiceAt('2026-05-02T22:30:00Z', 'F-2026-000002')).toMatchObject({ status: 'past_due', daysPastDue: 1 }); // 00:30 on the 3rd
    expect((await invoiceAt('2026-05-03T08:00:00Z', 'F-2026-000001')).status).toBe('paid');
    const listed = await cli('2026-05-12T08:00:00Z', ['billing', 'invoices', '--month', '2026-03']);
    expect(listed.json.invoices.map((i: any) => [i.number, i.status, i.balanceDueCents])).toEqual([
      ['F-2026-000001', 'paid', 0],
      ['F-2026-000002', 'past_due', 11_880],
    ]);
    const list = await cli('2026-05-12T08:00:00Z', ['billing', 'past-due']);
    expect(list.json.invoices).toEqual([
      expect.objectContaining({
        number: 'F-2026-000002',
        cabinetId: 'martin',
        daysPastDue: 10,
        balanceDueCents: 11_880,
        status: 'past_due',
      }),
    ]);
  });
});

describe('bank statement import', () => {
  // April closes on 2 May: F-2026-000003 (dupont, 35 880) and F-2026-000004 (martin, 11 880).
  const statement = [
    'Date;Libellé;Montant;Référence',
    '03/05/2026;VIR SEPA CABINET DUPONT FACT F2026000003;358,80;BNK-0001',
    '03/05/2026;VIR SEPA INCONNU;150,00;BNK-0002',
    '03/05/2026;PRLV EDF;-84,12;BNK-0003',
    '04/05/2026;VIR MARTIN F-2026-000002 ACOMPTE;50,00;BNK-0004',
    '04/05/2026;VIR MARTIN F-2026-000004;50,00;BNK-0005',
    '04/05/2026;VIR MARTIN F-2026-000004 (relevé en double);50,00;BNK-0005',
    '04/05/2026;VIR MARTIN F-2026-000004;999999,00;BNK-0006',
    '04/05/2026;VIR F-2026-000099;10,00;BNK-0007',
  ].join('\r\n');

  it('records the matched lines and reports every other one', async () => {
    const close = await cli('2026-05-02T08:00:00Z', ['billing', 'close', '2026-04']);
    expect(close.json.invoices.map((i: any) => [i.number, i.totalInclVatCents])).toEqual([
      ['F-2026-000003', 35_880],
      ['F-2026-000004', 11_880],
    ]);
    const res = await cli('2026-05-05T08:00:00Z', ['billing', 'import-bank'], statement);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ recorded: 3, duplicates: 1, unmatched: 2, refused: 1, ignored: 1 });
    expect(res.json.lines.map((l: any) => [l.line, l.status, l.invoiceNumber ?? null, l.amountCents])).toEqual([
      [2, 'recorded', 'F-2026-000003', 35_880],
      [3, 'unmatched', null, 15_000],
      [4, 'ignored', null, -8_412],
      [5, 'recorded', 'F-2026-000002', 5_000],
      [6, 'recorded', 'F-2026-000004', 5_000],
      [7, 'duplicate', 'F-2026-000004', 5_000],
      [8, 'refused', 'F-2026-000004', 99_999_900],
      [9, 'unmatched', null, 1_000],
    ]);
    expect(res.json.lines[6]).toMatchObject({ code: 'overpayment' });
    expect(res.json.lines[7].reason).toBe('no invoice F-2026-000099');
    expect(res.json.lines[1].reason).toBe('no invoice number (F-YYYY-NNNNNN) in the label');
    expect(await invoiceAt('2026-05-05T08:00:00Z', 'F-2026-000003')).toMatchObject({
      status: 'paid',
      payments: [expect.objectContaining({ reference: 'BNK-0001', source: 'bank_import', date: '2026-05-03', amountCents: 35_880 })],
    });
    // 11 880 − 5 000 = 6 880 still owed on March's, past due since 3 May.
    expect(await invoiceAt('2026-05-05T08:00:00Z', 'F-2026-000002')).toMatchObject({
      status: 'past_due',
      paidCents: 5_000,
      balanceDueCents: 6_880,
    });
    // April's Martin invoice: 5 000 of 11 880 received, not yet due (1 June).
    expect(await invoiceAt('2026-05-05T08:00:00Z', 'F-2026-000004')).toMatchObject({ status: 'partially_paid', balanceDueCents: 6_880 });
  });

  it('records nothing twice when the same statement is imported again', async () => {
    const res = await cli('2026-05-06T08:00:00Z', ['billing', 'import-bank'], statement);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ recorded: 0, duplicates: 4 });
    expect((await invoiceAt('2026-05-06T08:00:00Z', 'F-2026-000003')).paidCents).toBe(35_880);
    expect((await invoiceAt('2026-05-06T08:00:00Z', 'F-2026-000002')).paidCents).toBe(5_000);
  });

  it('refuses a statement without the columns it needs, naming them', async () => {
    const res = await cli('2026-05-06T08:00:00Z', ['billing', 'import-bank'], 'Date;Montant\n03/05/2026;12,00\n');
    expect(res.code).not.toBe(0);
    expect(res.json.error).toBe('invalid_input');
    expect(res.json.message).toContain('statement: no label column in the header (Date, Montant); name it one of: libelle, label');
    expect(res.json.message).toContain('statement: no reference column');
  });
});

describe('void by credit note', () => {
  it('is void once fully credited, shows what was received as a refund due, and refuses payments', async () => {
    const note = await cli('2026-05-07T08:00:00Z', [
      'billing',
      'credit-note',
      'F-2026-000004',
      '--reason',
      'cabinet closed in April',
      '--confirm',
    ]);
    expect(note.code, note.stderr).toBe(0);
    // 5 000 received (bank line BNK-0005) on an invoice now cancelled: that is to be refunded.
    expect(await invoiceAt('2026-05-07T08:00:00Z', 'F-2026-000004')).toMatchObject({
      status: 'void',
      paidCents: 5_000,
      balanceDueCents: 0,
      overpaidCents: 5_000,
      creditNotes: [note.json.creditNote.number],
    });
    const res = await cli('2026-05-07T08:00:00Z', ['billing', 'pay', 'F-2026-000004', '--amount-cents', '100', '--date', '2026-05-07']);
    expect(res.code).not.toBe(0);
    expect(res.json).toMatchObject({
      error: 'invoice_void',
      message: `F-2026-000004 is void (fully credited by ${note.json.creditNote.number}): nothing is owed on it; money received for it is to be refunded or recorded on the invoice it was meant for`,
    });
  });
});

describe('the API', () => {
  it('records a payment (billing role), refuses support, and shows the status', async () => {
    cp = await startControlPlane(dataDir, clockAt('2026-05-08T08:00:00Z'));
    const route = '/api/v1/billing/invoices/F-2026-000002/payments';
    const body = { amountCents: 6_880, date: '2026-05-08', method: 'direct_debit', reference: 'SDD-77' };
    expect((await api(cp.url, tokens.support, 'POST', route, body)).status).toBe(403);
    const bad = await api(cp.url, tokens.billing, 'POST', route, { ...body, amountCents: -5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('amountCents: must be at least 1 cent');
    const res = await api(cp.url, tokens.billing, 'POST', route, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.invoice).toMatchObject({ status: 'paid', paidCents: 11_880, balanceDueCents: 0 });
    const again = await api(cp.url, tokens.billing, 'POST', route, { ...body, amountCents: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('payment_duplicate');
    const shown = await api(cp.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000002');
    expect(shown.body.invoice).toMatchObject({ status: 'paid', payments: [{ reference: 'BNK-0004' }, { reference: 'SDD-77' }] });
    expect((await api(cp.url, tokens.billing, 'GET', '/api/v1/billing/past-due')).body).toEqual({ invoices: [] });
  });

  it('imports a statement sent as text/csv, idempotently', async () => {
    const res = await fetch(`${cp!.url}/api/v1/billing/bank-statements`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${tokens.billing}`, 'content-type': 'text/csv' },
      body: 'date,label,amount,reference\n2026-05-03,VIR F-2026-000003,358.80,BNK-0001\n',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ recorded: 0, duplicates: 1 });
  });
});
