/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Issue 18, against the real CLI and server with the clock moved (CLOCK_OFFSET_SECONDS):
 * `billing preview` shows a month's drafts before the irreversible close; a credit note is drafted
 * and issued only with --confirm (the API has its draft endpoint); a plan change is previewed —
 * limits next to usage, overrides kept or dropped by an explicit choice, lower limits refused
 * unless accepted, the proration the next invoice carries.
 *
 * The clock stands at 2026-03-15 10:00 UTC, 11:00 in Paris: a change made now takes effect on
 * 15 March, so March (31 days) is billed 14 days at the old plan and 17 at the new one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAppliance,
  api,
  createAdminToken,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../../support/controlPlane.js';
import { clockAt, DUPONT_CABINET } from '../../support/billing.js';

const NOW = '2026-03-15T10:00:00Z';
const root = tempDir('cp-billing-drafts-');
const dataDir = path.join(root, 'data');
let cp: TestControlPlane | undefined;
let admin = '';

const cli = (args: string[], at = NOW) => runCli(dataDir, [...args, '--json'], { env: clockAt(at) });

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  admin = await createAdminToken(dataDir, 'admin@vendor.test', 'admin');
  // Dupont from 1 February (a whole February at professional); Martin from 1 March on starter, held
  // to one user by an override — the cabinet the issue describes.
  expect((await cli(['cabinet', 'create', ...DUPONT_CABINET], '2026-02-01T09:00:00Z')).code).toBe(0);
  const martin = await cli(
    ['cabinet', 'create', '--id', 'martin', '--name', 'Cabinet Martin', '--plan', 'starter', '--max-users', '1'],
    '2026-03-01T09:00:00Z',
  );
  expect(martin.code, martin.stderr).toBe(0);
  const code = (await cli(['cabinet', 'code', 'martin'], '2026-03-14T09:00:00Z')).json.enrollmentCode as string;
  cp = await startControlPlane(dataDir, clockAt(NOW));
  // Martin's appliance reports 3 active users (over its override of 1), 40 open cases, 20 analyses.
  const appliance = new FakeAppliance(cp.url);
  expect((await appliance.enroll(code)).status).toBe(201);
  const report = await appliance.sign(
    appliance.payload({
      month: '2026-03',
      usage: { analysesUsed: 20, analysesOverage: 0, usersActive: 3, casesOpen: 40, storageBytes: 1 },
    }),
  );
  const sent = await fetch(`${cp.url}/v1/usage-reports`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: report });
  expect(sent.status).toBe(202);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('billing preview YYYY-MM', () => {
  it('lists the drafts with their totals and warnings, numbering nothing', async () => {
    const res = await cli(['billing', 'preview', '2026-02']);
    expect(res.code, res.stderr).toBe(0);
    // Dupont, all February at professional: 299,00 € + 20 % VAT 59,80 € = 358,80 €. Martin did not exist yet.
    expect(res.json).toMatchObject({
      month: '2026-02',
      monthOver: true,
      finalizable: true,
      issueDate: '2026-03-15',
      dueDate: '2026-04-14',
    });
    expect(res.json.drafts.map((d: any) => [d.cabinetId, d.totalExclVatCents, d.vatCents, d.totalInclVatCents, d.needsApproval])).toEqual([
      ['dupont', 29_900, 5_980, 35_880, false],
    ]);
    expect(res.json.warnings.map((w: any) => [w.cabinetId, w.code])).toEqual([['dupont', 'no_usage_report']]);
    expect((await api(cp!.url, admin, 'GET', '/api/v1/billing/months')).body.months.find((m: any) => m.month === '2026-02').status).toBe(
      'open',
    );
  });

  it('prints the drafts for a person, and says the current month cannot be finalized yet', async () => {
    const text = await runCli(dataDir, ['billing', 'preview', '2026-02'], { env: clockAt(NOW) });
    expect(text.stdout).toContain('drafts of 2026-02: 1 invoices');
    expect(text.stdout).toContain('ready: control-plane billing close 2026-02 issues these invoices');
    const march = await cli(['billing', 'preview', '2026-03']);
    expect(march.json).toMatchObject({ monthOver: false, finalizable: false });
    const refused = await cli(['billing', 'preview', '2026-3']);
    expect(refused.json.message).toBe('month: must be a month as YYYY-MM, e.g. 2026-01');
  });
});

describe('a credit note, drafted then confirmed', () => {
  it('closes February, then shows a credit note without issuing it until --confirm', async () => {
    const closed = await cli(['billing', 'close', '2026-02']);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.json.invoices.map((i: any) => i.number)).toEqual(['F-2026-000001']);

    const draft = await cli(['billing', 'credit-note', 'F-2026-000001', '--reason', 'geste commercial', '--amount-cents', '1000']);
    expect(draft.code, draft.stderr).toBe(0);
    // 10,00 € excl. VAT, VAT 2,00 €: 12,00 €; 358,80 € owed before, 346,80 € after.
    expect(draft.json.draft).toMatchObject({
      invoiceNumber: 'F-2026-000001',
      full: false,
      totalExclVatCents: 1_000,
      vatCents: 200,
      totalInclVatCents: 1_200,
      owedInclVatCents: 35_880,
      balanceAfterInclVatCents: 34_680,
    });
    expect((await cli(['billing', 'credit-notes'])).json.creditNotes).toEqual([]);
    const text = await runCli(dataDir, ['billing', 'credit-note', 'F-2026-000001', '--reason', 'geste commercial'], { env: clockAt(NOW) });
    expect(text.stdout).toContain('run the same command with --confirm to issue it');

    const issued = await cli([
      'billing',
      'credit-note',
      'F-2026-000001',
      '--reason',
      'geste commercial',
      '--amount-cents',
      '1000',
      '--confirm',
    ]);
    expect(issued.json.creditNote).toMatchObject({ number: 'A-2026-000001', totalInclVatCents: 1_200 });
  });

  it('drafts over the API with the checks of an issue, and writes nothing', async () => {
    const route = '/api/v1/billing/invoices/F-2026-000001/credit-notes/draft';
    const tooMuch = await api(cp!.url, admin, 'POST', route, { reason: 'erreur', amountCents: 30_000 });
    expect(tooMuch.status).toBe(422);
    // 299,00 € invoiced, 10,00 € already credited: 289,00 € excl. VAT left.
    expect(tooMuch.body).toMatchObject({ error: 'credit_exceeds_invoice', details: { owedExclVatCents: 28_900 } });
    const rest = await api(cp!.url, admin, 'POST', route, { reason: 'résiliation' });
    expect(rest.status).toBe(200);
    // The rest: 289,00 € + the VAT left, 59,80 − 2,00 = 57,80 €: 346,80 €, leaving nothing owed.
    expect(rest.body.draft).toMatchObject({ full: true, totalExclVatCents: 28_900, vatCents: 5_780, balanceAfterInclVatCents: 0 });
    expect((await api(cp!.url, admin, 'GET', '/api/v1/billing/credit-notes')).body.creditNotes.map((c: any) => c.number)).toEqual([
      'A-2026-000001',
    ]);
  });
});

describe('a plan change, previewed', () => {
  it('refuses while the overrides are undecided, naming each one and showing the preview', async () => {
    const res = await cli(['cabinet', 'update', 'martin', '--plan', 'professional']);
    expect(res.code).not.toBe(0);
    expect(res.json.error).toBe('plan_change_overrides_undecided');
    expect(res.json.message).toMatch(
      /^cabinet "martin" has overrides in force \(maxUsers 1\): say whether the change to professional keeps or drops them \(--keep-overrides or --drop-overrides/,
    );
    expect(res.json.message).toContain('maxUsers 1 → 1 (override 1 on plan figure 10, 3 active users)');
    expect((await cli(['cabinet', 'show', 'martin'])).json.cabinet.plan).toBe('starter');
  });

  it('refuses to keep an override below what the appliance uses unless accepted', async () => {
    const res = await cli(['cabinet', 'update', 'martin', '--plan', 'professional', '--keep-overrides']);
    expect(res.json.error).toBe('plan_change_lowers_limits');
    expect(res.json.message).toMatch(
      /^the change of cabinet "martin" to professional leaves maxUsers 1 → 1 \(override 1 on plan figure 10, 3 active users\)/,
    );
    const both = await cli(['cabinet', 'update', 'martin', '--plan', 'professional', '--keep-overrides', '--drop-overrides']);
    expect(both.json.message).toBe('keep-overrides: give --keep-overrides or --drop-overrides, not both');
  });

  it('previews over the API without changing anything', async () => {
    const res = await api(cp!.url, admin, 'POST', '/api/v1/cabinets/martin/plan-change', {
      plan: 'professional',
      overridesOnPlanChange: 'drop',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.planChange.needs).toEqual([]);
    expect((await api(cp!.url, admin, 'GET', '/api/v1/cabinets/martin')).body.cabinet).toMatchObject({
      plan: 'starter',
      overrides: { maxUsers: 1 },
    });
  });

  it('drops the override when told, and shows the limits, usage and the proration of the next invoice', async () => {
    const res = await cli(['cabinet', 'update', 'martin', '--plan', 'professional', '--drop-overrides']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.cabinet).toMatchObject({ plan: 'professional', overrides: {} });
    const pc = res.json.planChange;
    expect(pc.limits.map((l: any) => [l.field, l.current, l.next, l.usage, l.lowered, l.belowUsage])).toEqual([
      ['maxUsers', 1, 10, 3, false, false],
      ['maxCases', 500, 2_000, 40, false, false],
      ['maxAnalysesMonthly', 100, 500, 20, false, false],
    ]);
    expect(pc.overrides).toEqual([{ field: 'maxUsers', value: 1, fate: 'dropped', next: null }]);
    // Starter 99,00 € × 14/31 = 44,709… → 44,71 €; professional 299,00 € × 17/31 = 163,967… → 163,97 €.
    // 208,68 € in all, against 99,00 € without the change: +109,68 €.
    expect(pc.proration).toMatchObject({
      month: '2026-03',
      totalExclVatCents: 20_868,
      unchangedExclVatCents: 9_900,
      differenceExclVatCents: 10_968,
    });
    expect(pc.proration.lines.map((l: any) => l.amountCents)).toEqual([4_471, 16_397]);
  });

  it('refuses a downgrade that lowers limits (API error code), and makes it once accepted', async () => {
    const route = '/api/v1/cabinets/martin';
    const refused = await api(cp!.url, admin, 'PATCH', route, { plan: 'starter' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('plan_change_lowers_limits');
    expect(refused.body.details.limits.map((l: any) => [l.field, l.current, l.next, l.usage])).toEqual([
      ['maxUsers', 10, 3, 3],
      ['maxCases', 2_000, 500, 40],
      ['maxAnalysesMonthly', 500, 100, 20],
    ]);
    const accepted = await api(cp!.url, admin, 'PATCH', route, { plan: 'starter', acceptLowerLimits: true });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.cabinet.plan).toBe('starter');
    const bad = await api(cp!.url, admin, 'PATCH', route, { plan: 'professional', overridesOnPlanChange: 'maybe' });
    expect(bad.body).toMatchObject({ error: 'invalid_input', message: 'overridesOnPlanChange: must be "keep" or "drop"' });
  });
});
