/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies and files asserted field by field */
/**
 * The hostile cabinet, at the billing close and at start-up. A counter no honest appliance could
 * report (2^53 - 1 analyses over quota) sits in an appliance record, the way data from before the
 * ingest bounds would have it. Before: `billing close` issued a ~4.5e15 € invoice with unsafe
 * integers, and at the next start the control plane refused to start (`billing/months/….json is
 * invalid and has no usable last good copy`) — heartbeats, enrollment and the dashboard down for
 * every cabinet. Now:
 *  - the close checks every record against the schema it is read back with and refuses, naming
 *    the cabinet and the field, writing nothing; the control plane starts and serves the others;
 *  - an invoice above BILLING_REVIEW_AMOUNT_CENTS is held for an admin, who approves it (issued
 *    with the next number, no gap) or rejects it;
 *  - a record file that is unreadable with no last good copy is quarantined with a critical alert,
 *    and every other cabinet works; a quarantined billing file stops issuing, not the service.
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
} from '../support/controlPlane.js';
import { clockAt } from '../support/billing.js';

const root = tempDir('cp-hostile-close-');
const dataDir = path.join(root, 'data');
const REVIEW = { BILLING_REVIEW_AMOUNT_CENTS: '100000' }; // 1 000 € incl. VAT
const MARCH = '2026-03-20T10:00:00Z';
const APRIL = '2026-04-02T08:00:00Z';
const CABINETS = ['absurd', 'greedy', 'honest', 'padded'] as const;
const tokens: Record<string, string> = {};
const appliances: Record<string, FakeAppliance> = {};
let cp: TestControlPlane | undefined;
/** The running control plane's clock minus the real one (CLOCK_OFFSET_SECONDS), in ms. */
let offsetMs = 0;

const cli = (at: string, args: string[]) => runCli(dataDir, [...args, '--json'], { env: clockAt(at, REVIEW) });

async function serveAt(at: string): Promise<TestControlPlane> {
  await cp?.stop();
  offsetMs = Date.parse(at) - Date.now();
  cp = await startControlPlane(dataDir, clockAt(at, REVIEW));
  for (const a of Object.values(appliances)) a.url = cp.url;
  return cp;
}

async function stop(): Promise<void> {
  expect(await cp!.stop()).toBe(0);
  cp = undefined;
}

async function upload(a: FakeAppliance, overage: number): Promise<number> {
  const jws = await a.sign(
    a.payload({
      month: '2026-03',
      usage: { analysesUsed: 500 + overage, analysesOverage: overage, usersActive: 3, casesOpen: 40, storageBytes: 1 },
    }),
  );
  return (await fetch(`${cp!.url}/v1/usage-reports`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws }))
    .status;
}

/** A fresh heartbeat from a cabinet's appliance, dated by the control plane's (moved) clock. */
async function heartbeat(id: string): Promise<number> {
  const a = appliances[id]!;
  const now = new Date(Date.now() + offsetMs);
  return (await a.send(await a.sign(a.payload({ iat: Math.floor(now.getTime() / 1000), month: now.toISOString().slice(0, 7) })))).status;
}

/** A dashboard page as the admin sees it: logs in (CSRF token of the login form, session cookie), then fetches it. */
async function dashboardPage(route: string): Promise<string> {
  const cookies = new Map<string, string>();
  const call = async (method: string, url: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${cp!.url}${url}`, {
      method,
      headers,
      body: form && new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return res;
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await call('GET', '/connexion')).text())![1]!;
  expect(
    (await call('POST', '/connexion', { _csrf: csrf, email: 'admin@vendor.test', password: 'correct horse battery staple' })).status,
  ).toBe(302);
  const page = await call('GET', route);
  expect(page.status).toBe(200);
  return page.text();
}

const applianceFile = (id: string) => path.join(dataDir, 'appliances', `${appliances[id]!.applianceId}.json`);

/** Every file under billing/, path → content: what "nothing written" is checked against. */
function billingFiles(): Record<string, string> {
  const dir = path.join(dataDir, 'billing');
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  for (const role of ['admin', 'billing']) tokens[role] = await createAdminToken(dataDir, `${role}@vendor.test`, role);
  const codes: Record<string, string> = {};
  for (const id of CABINETS) {
    const created = await cli('2026-03-01T09:00:00Z', [
      'cabinet',
      'create',
      '--id',
      id,
      '--name',
      `Cabinet ${id}`,
      '--plan',
      'professional',
      '--siret',
      '12345678901237',
      '--address',
      '1 rue du Palais, 75001 Paris',
    ]);
    expect(created.code, created.stderr).toBe(0);
    // The appliance enrolls on the 20th: a fresh code (one lasts 7 days).
    codes[id] = (await cli(MARCH, ['cabinet', 'code', id])).json.enrollmentCode;
  }
  await serveAt(MARCH);
  for (const id of CABINETS) {
    appliances[id] = new FakeAppliance(cp!.url);
    expect((await appliances[id].enroll(codes[id]!)).status).toBe(201);
  }
  // Honest figures as signed: 10 over quota; greedy and padded far above the review amount.
  expect(await upload(appliances.absurd!, 10)).toBe(202);
  expect(await upload(appliances.honest!, 10)).toBe(202);
  expect(await upload(appliances.greedy!, 4000)).toBe(202);
  expect(await upload(appliances.padded!, 3000)).toBe(202);
  await stop();
  // The counter from old data: written into the record as it was, between two runs.
  const record = JSON.parse(fs.readFileSync(applianceFile('absurd'), 'utf8'));
  record.months['2026-03'].usage.analysesOverage = Number.MAX_SAFE_INTEGER;
  fs.writeFileSync(applianceFile('absurd'), JSON.stringify(record));
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a close that would write an invalid record', () => {
  it('is refused, naming the cabinet and the field, and writes nothing', async () => {
    const before = billingFiles();
    const res = await cli(APRIL, ['billing', 'close', '2026-03']);
    expect(res.code).toBe(1);
    expect(res.json.error).toBe('invalid_billing_record');
    expect(res.json.message).toMatch(
      /^the 2026-03 invoice of cabinet "absurd" \(held for review\): lines\.1\.amountCents is 450359962737049540: .+\. Nothing was written/,
    );
    expect(billingFiles()).toEqual(before);
    expect(fs.existsSync(path.join(dataDir, 'billing', 'months', '2026-03.json'))).toBe(false);
  });

  it('is refused over the API too (422), and the control plane goes on serving every cabinet', async () => {
    await serveAt(APRIL);
    const res = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/close');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'invalid_billing_record', details: { cabinetId: 'absurd', field: 'lines.1.amountCents' } });
    for (const id of CABINETS) expect(await heartbeat(id), id).toBe(202);
    await stop();
    // A restart finds nothing to choke on.
    await serveAt(APRIL);
    expect(
      (await api(cp!.url, tokens.admin, 'GET', '/api/v1/billing/months')).body.months.find((m: any) => m.month === '2026-03'),
    ).toMatchObject({ status: 'open', closable: true });
    await stop();
  });
});

describe('invoices above the review amount', () => {
  it('are held, unnumbered, while the others are issued with gapless numbers', async () => {
    // The vendor looked at the absurd counter and set it to the figure the appliance had signed.
    const record = JSON.parse(fs.readFileSync(applianceFile('absurd'), 'utf8'));
    record.months['2026-03'].usage.analysesOverage = 10;
    fs.writeFileSync(applianceFile('absurd'), JSON.stringify(record));

    const res = await cli(APRIL, ['billing', 'close', '2026-03']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.invoices.map((i: any) => [i.number, i.cabinetId])).toEqual([
      ['F-2026-000001', 'absurd'],
      ['F-2026-000002', 'honest'],
    ]);
    // 299 € + 4 000 × 0,50 € = 2 299 € excl. VAT, 2 758,80 € incl. (within the usage ceiling of 10 × 500); 299 € + 1 500 € → 2 158,80 € incl.
    expect(res.json.held.map((h: any) => [h.cabinetId, h.status, h.totalInclVatCents, h.reviewAmountCents])).toEqual([
      ['greedy', 'pending', 275_880, 100_000],
      ['padded', 'pending', 215_880, 100_000],
    ]);
    const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'billing', 'months', '2026-03.json'), 'utf8'));
    expect(file.invoices).toHaveLength(2);
    expect(file.held.map((h: any) => [h.cabinetId, h.number])).toEqual([
      ['greedy', undefined],
      ['padded', undefined],
    ]);
  });

  it('are listed, and approved by an admin only: issued then with the next number', async () => {
    await serveAt('2026-04-03T09:00:00Z');
    const listed = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/held?pending=true');
    expect(listed.body.held.map((h: any) => h.cabinetId)).toEqual(['greedy', 'padded']);
    const refused = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/months/2026-03/held/greedy/approve');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('the billing role cannot approve or reject an invoice held for review: ask an admin');

    const approved = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/held/greedy/approve');
    expect(approved.status, JSON.stringify(approved.body)).toBe(201);
    expect(approved.body.invoice).toMatchObject({
      number: 'F-2026-000003',
      cabinetId: 'greedy',
      month: '2026-03',
      issueDate: '2026-04-03',
      dueDate: '2026-05-03',
      totalInclVatCents: 275_880,
    });
    const again = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/held/greedy/approve');
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('held_invoice_decided');
  });

  it('are rejected with a reason, and then never issued', async () => {
    const noReason = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/held/padded/reject', {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/^reason: /);
    const rejected = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/held/padded/reject', {
      reason: 'counter implausible for a 3-user cabinet',
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect((await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/held/padded/approve')).body.error).toBe(
      'held_invoice_decided',
    );
    expect((await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/held/nobody/approve')).status).toBe(404);
    await stop();
  });

  it('keep the numbering gapless across a restart: the month lists all three, the CLI decides the same way', async () => {
    await serveAt('2026-04-03T10:00:00Z');
    const month = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/months/2026-03');
    expect(month.body.invoices.map((i: any) => i.number)).toEqual(['F-2026-000001', 'F-2026-000002', 'F-2026-000003']);
    expect(month.body.held.map((h: any) => [h.cabinetId, h.status, h.invoiceNumber])).toEqual([
      ['greedy', 'approved', 'F-2026-000003'],
      ['padded', 'rejected', null],
    ]);
    expect((await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000003')).body.invoice.cabinetId).toBe('greedy');
    const page = await dashboardPage('/facturation/mois/2026-03');
    expect(page).toContain('Factures en attente de validation');
    expect(page).toContain('href="/facturation/factures/F-2026-000003"');
    expect(page).toContain('rejetée par admin@vendor.test : counter implausible for a 3-user cabinet');
    // The next document of the series follows on: a credit note on the approved invoice, then
    // the April close, whose first number is the one after the approval.
    expect(
      (
        await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/invoices/F-2026-000003/credit-notes', {
          reason: 'goodwill',
          amountCents: 100,
        })
      ).status,
    ).toBe(201);
    await stop();
    const may = await cli('2026-05-02T08:00:00Z', ['billing', 'close', '2026-04']);
    expect(may.code, may.stderr).toBe(0);
    expect(may.json.invoices[0].number).toBe('F-2026-000004');
    expect(
      (await cli('2026-05-02T08:00:00Z', ['billing', 'reject', '2026-03', '--cabinet', 'greedy', '--reason', 'too late'])).json.error,
    ).toBe('held_invoice_decided');
  });
});

describe('a record that cannot be read and has no last good copy', () => {
  it('is quarantined with a critical alert, and every other cabinet works', async () => {
    // One cabinet's file and another cabinet's appliance file damaged, their last good copies gone.
    fs.writeFileSync(path.join(dataDir, 'cabinets', 'padded.json'), '{"id": "padded", "na');
    fs.rmSync(path.join(dataDir, 'cabinets', 'padded.json.bak'), { force: true });
    fs.writeFileSync(applianceFile('greedy'), 'not json at all');
    fs.rmSync(`${applianceFile('greedy')}.bak`, { force: true });

    await serveAt('2026-06-02T09:00:00Z');
    const log = cp!.service.output();
    expect(log).toContain('unreadable record quarantined');
    const alerts = await api(cp!.url, tokens.admin, 'GET', '/api/v1/alerts');
    const quarantined = (alerts.body.storage as any[]).map((a) => [a.file, a.level, a.code]).sort();
    expect(quarantined).toEqual([
      [`appliances/${appliances.greedy!.applianceId}.json`, 'critical', 'record_quarantined'],
      ['cabinets/padded.json', 'critical', 'record_quarantined'],
    ]);
    for (const a of alerts.body.storage as any[]) expect(fs.existsSync(path.join(dataDir, a.movedTo)), a.movedTo).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'cabinets', 'padded.json'))).toBe(false);

    // The others: heartbeats, the cabinet list, enrollment; the quarantined appliance is unknown.
    for (const id of ['absurd', 'honest']) expect(await heartbeat(id), id).toBe(202);
    expect(await heartbeat('greedy')).toBe(401);
    expect((await api(cp!.url, tokens.admin, 'GET', '/api/v1/cabinets')).body.cabinets.map((c: any) => c.id)).toEqual([
      'absurd',
      'greedy',
      'honest',
    ]);
    const created = await api(cp!.url, tokens.admin, 'POST', '/api/v1/cabinets', {
      id: 'newcomer',
      name: 'Cabinet Newcomer',
      plan: 'starter',
    });
    expect(created.status).toBe(201);
    expect((await new FakeAppliance(cp!.url).enroll(created.body.enrollmentCode)).status).toBe(201);
    // Billing goes on for what is intact, but no month is closed without every cabinet's record:
    // the quarantined cabinet would go unbilled for good.
    const close = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-05/close');
    expect(close.status).toBe(409);
    expect(close.body).toMatchObject({
      error: 'billing_blocked',
      details: { quarantined: ['cabinets/padded.json', `appliances/${appliances.greedy!.applianceId}.json`] },
    });
    expect(close.body.message).toContain('a close now would miss for good what they held');
    expect(
      (
        await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/invoices/F-2026-000004/credit-notes', {
          reason: 'goodwill',
          amountCents: 100,
        })
      ).status,
    ).toBe(201);
    const page = await dashboardPage('/alertes');
    expect(page).toContain('Critique : 2 fichiers mis en quarantaine');
    expect(page).toContain('<code>cabinets/padded.json</code>');
    await stop();
  });

  it('for billing: quarantined, the service starts, and nothing is issued until it is restored', async () => {
    // The worst case: the ledger gone and a month file damaged. Rebuilt from the readable files
    // alone, the numbering would start again at F-2026-000001.
    for (const name of ['ledger.json', 'ledger.json.bak']) fs.rmSync(path.join(dataDir, 'billing', name), { force: true });
    fs.writeFileSync(path.join(dataDir, 'billing', 'months', '2026-03.json'), '{"month":"2026-03","invoices":[{"number":1e999}]}');

    await serveAt('2026-06-02T09:00:00Z');
    expect(await heartbeat('honest')).toBe(202);
    const alerts = (await api(cp!.url, tokens.admin, 'GET', '/api/v1/alerts')).body.storage as any[];
    expect(alerts.map((a) => a.file)).toContain('billing/months/2026-03.json');
    const close = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-05/close');
    expect(close.status).toBe(409);
    expect(close.body.error).toBe('billing_blocked');
    expect(close.body.message).toContain('billing/months/2026-03.json');
    expect(
      (await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/invoices/F-2026-000004/credit-notes', { reason: 'goodwill' })).body.error,
    ).toBe('billing_blocked');
    expect(fs.readdirSync(path.join(dataDir, 'billing', 'months')).sort()).toEqual(['2026-04.json']);
  });
});
