/**
 * Invoice figures worked by hand: proration by Paris calendar day, suspended and cancelled days,
 * overage at the catalog price, and VAT on the invoice total.
 */
import { describe, expect, it } from 'vitest';
import { draftInvoice } from '../../../control-plane/src/domain/billing/draftInvoice.js';
import { divRoundHalfUp, formatEuros, spreadsheetEuros, totalsOf, vatOf } from '../../../control-plane/src/domain/billing/money.js';
import { formatDocumentNumber, parseDocumentNumber } from '../../../control-plane/src/domain/billing/documentNumbers.js';
import { BUILT_IN_PLANS } from '../../../control-plane/src/domain/planCatalog.js';
import type { CabinetRecord, CabinetStatus, PlanHistoryEntry } from '../../../control-plane/src/storage/records.js';
import type { UsageRecord } from '../../../control-plane/src/storage/billingRecords.js';

const planOf = (id: string) => BUILT_IN_PLANS.find((p) => p.id === id)!;

function cabinet(
  history: [at: string, plan: string, status?: CabinetStatus, overrides?: PlanHistoryEntry['overrides']][],
  fields: Partial<CabinetRecord> = {},
): CabinetRecord {
  const planHistory = history.map(([effectiveAt, plan, status, overrides]) => ({
    effectiveAt,
    plan,
    status: status ?? 'active',
    overrides: overrides ?? {},
    by: 'test',
  }));
  const last = planHistory.at(-1)!;
  return {
    id: 'dupont',
    name: 'Cabinet Dupont',
    siret: '12345678901237',
    address: '1 rue de la Paix, 75002 Paris',
    phone: null,
    email: null,
    vatNumber: null,
    plan: last.plan,
    overrides: last.overrides,
    status: last.status,
    createdAt: planHistory[0]!.effectiveAt,
    updatedAt: last.effectiveAt,
    licenseRevision: planHistory.length,
    planHistory,
    enrollmentCodes: [],
    applianceId: null,
    ...fields,
  };
}

function usage(analysesOverage: number, analysesUsed = 500 + analysesOverage): UsageRecord {
  return {
    applianceId: 'ap-dupont',
    seq: 42,
    receivedAt: '2026-03-31T21:50:00.000Z',
    jwsSha256: 'ab'.repeat(32),
    jws: 'h.p.s',
    analysesUsed,
    analysesOverage,
  };
}

const amounts = (d: ReturnType<typeof draftInvoice>) =>
  d!.lines.map((l) => [l.kind, l.plan, 'days' in l ? l.days : l.quantity, l.amountCents]);

describe('subscription proration', () => {
  it('bills a whole month at the plan price', () => {
    const d = draftInvoice(cabinet([['2026-01-10T09:00:00Z', 'professional']]), '2026-03', planOf, usage(0));
    expect(amounts(d)).toEqual([['subscription', 'professional', 31, 29_900]]);
    expect(d!.lines[0]!.description).toBe('Abonnement Professional — mars 2026');
    // 299 € + 20 % = 358.80 €
    expect([d!.totalExclVatCents, d!.vatCents, d!.totalInclVatCents]).toEqual([29_900, 5_980, 35_880]);
  });

  it('splits an upgrade on the 15th by day and adds the overage at 0.50 €', () => {
    const d = draftInvoice(
      cabinet([
        ['2026-01-10T09:00:00Z', 'professional'],
        ['2026-03-15T10:00:00Z', 'enterprise'],
      ]),
      '2026-03',
      planOf,
      usage(120),
    );
    // 1–14 March: 29 900 × 14 / 31 = 13 503.2 → 13 503; 15–31 March: 59 900 × 17 / 31 = 32 848.4 → 32 848;
    // 120 analyses × 50 = 6 000. Total 52 351; VAT 20 % = 10 470.2 → 10 470; incl. VAT 62 821.
    expect(amounts(d)).toEqual([
      ['subscription', 'professional', 14, 13_503],
      ['subscription', 'enterprise', 17, 32_848],
      ['overage', 'enterprise', 120, 6_000],
    ]);
    expect(d!.lines[0]).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-14',
      daysInMonth: 31,
      unitPriceCents: 29_900,
      description: 'Abonnement Professional — du 1er au 14 mars 2026 (14/31 jours)',
    });
    expect(d!.lines[2]).toMatchObject({ unitPriceCents: 50, evidence: { applianceId: 'ap-dupont', seq: 42 } });
    expect([d!.totalExclVatCents, d!.vatCents, d!.totalInclVatCents]).toEqual([52_351, 10_470, 62_821]);
  });

  it('starts billing on the day a cabinet is created (February 2026 has 28 days)', () => {
    const d = draftInvoice(cabinet([['2026-02-10T08:00:00Z', 'starter']]), '2026-02', planOf, usage(0));
    // 10–28 February = 19 days: 9 900 × 19 / 28 = 6 717.9 → 6 718
    expect(amounts(d)).toEqual([['subscription', 'starter', 19, 6_718]]);
  });

  it('does not bill the days a cabinet is suspended, and bills again once reactivated', () => {
    const d = draftInvoice(
      cabinet([
        ['2026-01-05T08:00:00Z', 'professional'],
        ['2026-04-11T08:00:00Z', 'professional', 'suspended'],
        ['2026-04-21T08:00:00Z', 'professional', 'active'],
      ]),
      '2026-04',
      planOf,
      usage(0),
    );
    // 1–10 and 21–30 April: 29 900 × 10 / 30 = 9 966.7 → 9 967, twice
    expect(amounts(d)).toEqual([
      ['subscription', 'professional', 10, 9_967],
      ['subscription', 'professional', 10, 9_967],
    ]);
    expect(d!.totalExclVatCents).toBe(19_934);
  });

  it('stops billing on the day a cabinet is cancelled, and bills nothing the months after', () => {
    const c = cabinet([
      ['2026-01-05T08:00:00Z', 'professional'],
      ['2026-06-20T08:00:00Z', 'professional', 'cancelled'],
    ]);
    // 1–19 June: 29 900 × 19 / 30 = 18 936.7 → 18 937
    expect(amounts(draftInvoice(c, '2026-06', planOf, usage(0)))).toEqual([['subscription', 'professional', 19, 18_937]]);
    expect(draftInvoice(c, '2026-07', planOf, usage(0))).toBeUndefined();
  });

  it('counts days in Europe/Paris: 22:30 UTC on 31 March is already 1 April', () => {
    const c = cabinet([
      ['2026-02-28T23:30:00Z', 'starter'],
      ['2026-03-31T22:30:00Z', 'enterprise'],
    ]);
    expect(draftInvoice(c, '2026-02', planOf, undefined)).toBeUndefined(); // created 1 March 00:30 in Paris
    expect(amounts(draftInvoice(c, '2026-03', planOf, undefined))).toEqual([['subscription', 'starter', 31, 9_900]]);
    expect(amounts(draftInvoice(c, '2026-04', planOf, undefined))).toEqual([['subscription', 'enterprise', 30, 59_900]]);
  });

  it('bills a day under the last change made that day', () => {
    const c = cabinet([
      ['2026-01-05T08:00:00Z', 'professional'],
      ['2026-05-10T08:00:00Z', 'enterprise'],
      ['2026-05-10T15:00:00Z', 'starter'],
    ]);
    // 1–9 May professional: 29 900 × 9 / 31 = 8 680.6 → 8 681; 10–31 May starter: 9 900 × 22 / 31 = 7 025.8 → 7 026
    expect(amounts(draftInvoice(c, '2026-05', planOf, undefined))).toEqual([
      ['subscription', 'professional', 9, 8_681],
      ['subscription', 'starter', 22, 7_026],
    ]);
  });

  it('keeps one line when only the overrides change (they do not change the price)', () => {
    const c = cabinet([
      ['2026-01-05T08:00:00Z', 'professional'],
      ['2026-03-12T08:00:00Z', 'professional', 'active', { maxUsers: 20 }],
    ]);
    expect(amounts(draftInvoice(c, '2026-03', planOf, undefined))).toEqual([['subscription', 'professional', 31, 29_900]]);
  });

  it('bills nothing for a cabinet created after the month', () => {
    expect(draftInvoice(cabinet([['2026-04-01T08:00:00Z', 'starter']]), '2026-03', planOf, undefined)).toBeUndefined();
  });
});

describe('overage', () => {
  it('never bills overage on starter, and says so', () => {
    const d = draftInvoice(cabinet([['2026-01-05T08:00:00Z', 'starter']]), '2026-03', planOf, usage(7));
    expect(amounts(d)).toEqual([['subscription', 'starter', 31, 9_900]]);
    expect(d!.warnings.map((w) => w.code)).toEqual(['overage_not_allowed']);
  });

  it('prices overage at the last plan of the month that allows it (downgrade to starter on the 28th)', () => {
    const d = draftInvoice(
      cabinet([
        ['2026-01-05T08:00:00Z', 'professional'],
        ['2026-03-28T08:00:00Z', 'starter'],
      ]),
      '2026-03',
      planOf,
      usage(30),
    );
    expect(d!.lines.at(-1)).toMatchObject({ kind: 'overage', plan: 'professional', quantity: 30, amountCents: 1_500 });
  });

  it('keeps the signed counters with the invoice and warns when there are none', () => {
    const withUsage = draftInvoice(cabinet([['2026-01-05T08:00:00Z', 'professional']]), '2026-03', planOf, usage(0));
    expect(withUsage!.usage).toMatchObject({ applianceId: 'ap-dupont', seq: 42, jws: 'h.p.s', analysesOverage: 0 });
    expect(withUsage!.lines.map((l) => l.kind)).toEqual(['subscription']);
    const without = draftInvoice(cabinet([['2026-01-05T08:00:00Z', 'professional']]), '2026-03', planOf, undefined);
    expect(without!.usage).toBeNull();
    expect(without!.warnings.map((w) => w.code)).toEqual(['no_usage_report']);
  });

  // Changed in issue 18: a customer without address or SIRET is no longer a warning on an invoice
  // issued anyway, but a missing mandatory mention that blocks the finalize (mandatoryMentions.test.ts).
  it('leaves the customer mentions to the finalize check: no warning for a customer without address or SIRET', () => {
    const d = draftInvoice(cabinet([['2026-01-05T08:00:00Z', 'starter']], { address: null, siret: null }), '2026-03', planOf, usage(0));
    expect(d!.warnings).toEqual([]);
  });
});

describe('money and numbers', () => {
  it('rounds halves up with integers only', () => {
    expect([divRoundHalfUp(5, 2), divRoundHalfUp(7, 2), divRoundHalfUp(1, 3), divRoundHalfUp(2, 3), divRoundHalfUp(0, 7)]).toEqual([
      3, 4, 0, 1, 0,
    ]);
  });

  it('computes VAT on the invoice total, not line by line', () => {
    // Three lines of 0.13 €: per line 0.026 → 0.03 each, 0.09 in all; on the total 0.39 € → 0.078 → 0.08.
    expect(totalsOf([13, 13, 13])).toEqual({ totalExclVatCents: 39, vatCents: 8, totalInclVatCents: 47 });
    expect([vatOf(12_347), vatOf(12_348), vatOf(368_300)]).toEqual([2_469, 2_470, 73_660]);
  });

  it('formats euros for France', () => {
    expect(formatEuros(368_300)).toBe('3\u00a0683,00\u00a0€');
    expect(spreadsheetEuros(-123_456)).toBe('-1234,56');
    expect(spreadsheetEuros(5)).toBe('0,05');
  });

  it('numbers documents per series and year', () => {
    expect(formatDocumentNumber('F', 2026, 1)).toBe('F-2026-000001');
    expect(formatDocumentNumber('A', 2027, 123_456)).toBe('A-2027-123456');
    expect(parseDocumentNumber('F-2026-000042')).toEqual({ series: 'F', year: 2026, n: 42 });
    expect(parseDocumentNumber('F-2026-42')).toBeUndefined();
  });
});
