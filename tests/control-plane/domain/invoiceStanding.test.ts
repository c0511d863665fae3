/**
 * The rules of getting paid as pure functions (control-plane/src/domain/billing/): an invoice's
 * status from its total, credit notes, payments and today's date; when each relance is due; how a
 * bank statement's amounts, dates and labels are read. Figures by hand in each case.
 */
import { describe, expect, it } from 'vitest';
import { invoiceStanding, daysBetween } from '../../../control-plane/src/domain/billing/invoiceStatus.js';
import { relanceStepFor } from '../../../control-plane/src/domain/billing/relances.js';
import { invoiceNumberIn, parseBankAmount, parseBankDate } from '../../../control-plane/src/domain/billing/bankStatementImport.js';
import { splitAddress } from '../../../control-plane/src/domain/billing/facturX.js';

// 35 880 cents incl. VAT, due on 2 May 2026.
const invoice = { totalInclVatCents: 35_880, dueDate: '2026-05-02' };
const paid = (...amounts: number[]) => amounts.map((amountCents) => ({ amountCents }));
const credited = (...amounts: number[]) => amounts.map((totalInclVatCents) => ({ totalInclVatCents }));

describe('invoiceStanding', () => {
  it('is open before and on the due date, past due from the next day', () => {
    expect(invoiceStanding(invoice, [], [], '2026-05-02')).toMatchObject({ status: 'open', balanceDueCents: 35_880, daysPastDue: 0 });
    expect(invoiceStanding(invoice, [], [], '2026-05-03')).toMatchObject({ status: 'past_due', daysPastDue: 1 });
    // 2 May → 1 June: 29 days to the end of May, + 1.
    expect(invoiceStanding(invoice, [], [], '2026-06-01').daysPastDue).toBe(30);
  });

  it('is partially_paid, then past_due with what is left, then paid', () => {
    expect(invoiceStanding(invoice, [], paid(10_000), '2026-04-20')).toMatchObject({
      status: 'partially_paid',
      paidCents: 10_000,
      balanceDueCents: 25_880,
    });
    expect(invoiceStanding(invoice, [], paid(10_000), '2026-05-10')).toMatchObject({ status: 'past_due', balanceDueCents: 25_880 });
    expect(invoiceStanding(invoice, [], paid(10_000, 25_880), '2026-05-10')).toMatchObject({ status: 'paid', daysPastDue: 0 });
  });

  it('deducts credit notes from what is owed, and is void once they cover it all', () => {
    // A 12 000 credit note leaves 23 880 owed; 23 880 paid settles it.
    expect(invoiceStanding(invoice, credited(12_000), paid(23_880), '2026-05-10').status).toBe('paid');
    expect(invoiceStanding(invoice, credited(12_000, 23_880), [], '2026-05-10')).toMatchObject({ status: 'void', balanceDueCents: 0 });
    // Paid in full, then cancelled: void, the money is to be refunded.
    expect(invoiceStanding(invoice, credited(35_880), paid(35_880), '2026-05-10')).toMatchObject({ status: 'void', overpaidCents: 35_880 });
  });

  it('counts calendar days across a DST change', () => {
    // 29 March 2026 is 23 hours long in Paris; still one day.
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });
});

describe('relanceStepFor', () => {
  it('is the latest step reached: 1, 15 and 30 days past due', () => {
    expect([0, 1, 14, 15, 29, 30, 90].map(relanceStepFor)).toEqual([
      undefined,
      'reminder',
      'reminder',
      'second_reminder',
      'second_reminder',
      'final_notice',
      'final_notice',
    ]);
  });
});

describe('reading a bank statement', () => {
  it('reads French and international amounts, debits negative', () => {
    expect(['358,80', '1 234,56', '1\u00a0234,5', '+12', '1234.56', '-84,12', '12,345', 'abc', ''].map(parseBankAmount)).toEqual([
      35_880,
      123_456,
      123_450,
      1_200,
      123_456,
      -8_412,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads ISO and French dates', () => {
    expect(['2026-05-03', '03/05/2026', '3/5/2026', '2026/05/03'].map(parseBankDate)).toEqual([
      '2026-05-03',
      '2026-05-03',
      undefined,
      undefined,
    ]);
  });

  it('finds the invoice number a label quotes, with or without dashes', () => {
    expect(
      ['VIR SEPA DUPONT F-2026-000012', 'VIR F2026000012 MARS', 'f 2026 000012', 'FACT 2026-000012', 'REF XF-2026-0000123'].map(
        invoiceNumberIn,
      ),
    ).toEqual(['F-2026-000012', 'F-2026-000012', 'F-2026-000012', undefined, undefined]);
  });
});

describe('splitAddress', () => {
  it('splits a French address into street, postcode and city for the CII', () => {
    expect(splitAddress('10 rue de Rivoli, 75004 Paris')).toEqual({ line: '10 rue de Rivoli', postcode: '75004', city: 'Paris' });
    expect(splitAddress('5 place Bellecour 69002 Lyon')).toEqual({ line: '5 place Bellecour', postcode: '69002', city: 'Lyon' });
    expect(splitAddress('Palais de justice')).toEqual({ line: 'Palais de justice', postcode: null, city: null });
  });
});
