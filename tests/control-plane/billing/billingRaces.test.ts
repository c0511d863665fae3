/**
 * The billing use cases racing themselves on the files, through the domain (closeBillingMonth,
 * issueCreditNote, recordPayment) over a control plane opened in this process: two calls at once
 * are what two nodes at once are on PostgreSQL (tests/control-plane/postgres/billingContract.test.ts
 * races the stores themselves on both backends). Both calls pass the domain's own checks, so what
 * refuses the second is the store, under its lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../../control-plane/src/config.js';
import { openControlPlane, type ControlPlane } from '../../../control-plane/src/controlPlane.js';
import { closeBillingMonth } from '../../../control-plane/src/domain/billing/closeBillingMonth.js';
import { issueCreditNote } from '../../../control-plane/src/domain/billing/issueCreditNote.js';
import { recordPayment } from '../../../control-plane/src/domain/billing/payments.js';
import { VENDOR_ENV } from '../../support/billing.js';
import { tempDir } from '../../support/controlPlane.js';

const CABINETS = ['cab-a', 'cab-b', 'cab-c'];
let opened: ControlPlane;
let cp: ControlPlane;
let now = new Date('2026-01-05T09:00:00.000Z');

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok');

beforeAll(async () => {
  const config = readConfig({ DATA_DIR: tempDir('cp-billing-races-'), ...VENDOR_ENV }, '/nonexistent/.env');
  opened = await openControlPlane(config, createLogger('billing-races', 'silent'));
  cp = { ...opened, clock: () => now };
  // Created on 5 January 2026: each has active days in January, so each gets a January invoice.
  for (const id of CABINETS) {
    await cp.cabinets.createCabinet(
      { id, name: `Cabinet ${id}`, plan: 'starter', address: '1 rue de la Paix, 75002 Paris', siret: '73282932000074' },
      'admin@vendor.example',
      now,
    );
  }
});

afterAll(async () => {
  await opened?.close();
});

describe('billing use cases called twice at once (files)', () => {
  it('closes January once: the second close is refused by the store, the invoices numbered 1 to 3', async () => {
    // January is over from 1 February (Paris); closed on 2 February 2026 at 10:00 Paris.
    now = new Date('2026-02-02T09:00:00.000Z');
    const results = await Promise.allSettled([
      closeBillingMonth(cp, '2026-01', 'admin@vendor.example'),
      closeBillingMonth(cp, '2026-01', 'compta@vendor.example'),
    ]);
    expect(results.map(codeOf).sort()).toEqual(['month_already_closed', 'ok']);
    const refused = results.find((r) => r.status === 'rejected')!.reason as Error;
    expect(refused.message).toContain('F-2026-000001 to F-2026-000003');
    const closed = results.find((r) => r.status === 'fulfilled')!.value;
    expect(closed.invoices.map((i) => [i.number, i.cabinetId])).toEqual([
      ['F-2026-000001', 'cab-a'],
      ['F-2026-000002', 'cab-b'],
      ['F-2026-000003', 'cab-c'],
    ]);
    // Dated by the time the store read under its lock: 2 February 2026, 09:00 UTC.
    expect(closed.invoices[0]).toMatchObject({ issueDate: '2026-02-02', issuedAt: '2026-02-02T09:00:00.000Z' });
  });

  it('issues two credit notes cancelling one invoice at once only once, and numbers the others consecutively', async () => {
    now = new Date('2026-02-10T09:00:00.000Z');
    const cancel = () => issueCreditNote(cp, 'F-2026-000001', { reason: 'facturé par erreur' }, 'admin@vendor.example');
    const results = await Promise.allSettled([cancel(), cancel()]);
    // The second is drafted with the first in the invoice's credit notes: nothing is left to credit.
    expect(results.map(codeOf).sort()).toEqual(['invoice_fully_credited', 'ok']);
    const partial = (n: string) => issueCreditNote(cp, n, { reason: 'geste commercial', amountCents: 100 }, 'admin@vendor.example');
    const more = await Promise.all([partial('F-2026-000002'), partial('F-2026-000003')]);
    expect([results.find((r) => r.status === 'fulfilled')!.value, ...more].map((c) => c.number).sort()).toEqual([
      'A-2026-000001',
      'A-2026-000002',
      'A-2026-000003',
    ]);
  });

  it('records one bank line once when it is recorded twice at once', async () => {
    now = new Date('2026-02-12T09:00:00.000Z');
    const pay = (reference: string) =>
      recordPayment(
        cp,
        'F-2026-000002',
        { amountCents: 500, date: '2026-02-11', reference },
        { by: 'compta@vendor.example', source: 'bank_import' },
      );
    const results = await Promise.allSettled([pay('VIR 0001'), pay('vir 0001')]);
    expect(results.map(codeOf).sort()).toEqual(['ok', 'payment_duplicate']);
    expect((await cp.paymentLedger.paymentsOf('F-2026-000002')).map((p) => p.amountCents)).toEqual([500]);
  });
});
