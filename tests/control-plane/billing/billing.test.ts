/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Billing end to end, against the real CLI and server with the clock moved by
 * CLOCK_OFFSET_SECONDS: a month is closed only once it is over and only once; invoices carry the
 * prorated plan, the overage from the appliance's signed counters (whose JWS verifies with the
 * appliance's key), the vendor's and customer's identities and VAT; credit notes are the only
 * correction; numbering restarts each year and never skips; PDF and CSV exports; roles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAppliance,
  api,
  createAdminToken,
  onPostgres,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../../support/controlPlane.js';
import { VENDOR_ENV, clockAt, DUPONT_CABINET } from '../../support/billing.js';
import { pdfText } from '../../support/pdfText.js';

const root = tempDir('cp-billing-');
const dataDir = path.join(root, 'data');
const tokens: Record<string, string> = {};
let cp: TestControlPlane | undefined;
let appliance: FakeAppliance;
let firstReport = '';
let finalReport = '';

async function cli(at: string, args: string[]) {
  const res = await runCli(dataDir, [...args, '--json'], { env: clockAt(at) });
  return res;
}

async function serveAt(at: string): Promise<TestControlPlane> {
  await cp?.stop();
  cp = await startControlPlane(dataDir, clockAt(at));
  return cp;
}

async function upload(jws: string) {
  const res = await fetch(`${cp!.url}/v1/usage-reports`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
  return res.status;
}

beforeAll(async () => {
  fs.mkdirSync(dataDir);
  for (const role of ['admin', 'billing', 'support']) tokens[role] = await createAdminToken(dataDir, `${role}@vendor.test`, role);
  const create = async (args: string[]) => expect((await cli('2026-03-01T09:00:00Z', ['cabinet', 'create', ...args])).code).toBe(0);
  await create([
    '--id',
    'bernard',
    '--name',
    'Cabinet Bernard; "Conseil"',
    '--plan',
    'enterprise',
    '--siret',
    '55501234000017',
    '--address',
    '5 place Bellecour, 69002 Lyon',
  ]);
  await create([...DUPONT_CABINET]);
  await create(['--id', 'martin', '--name', '=1+1 Martin', '--plan', 'starter']);
  expect((await cli('2026-03-15T10:00:00Z', ['cabinet', 'update', 'dupont', '--plan', 'enterprise'])).code).toBe(0);
  const code = (await cli('2026-03-20T10:00:00Z', ['cabinet', 'code', 'dupont'])).json.enrollmentCode as string;

  // March 20th: dupont's appliance enrolls and its usage reaches the control plane.
  await serveAt('2026-03-20T10:00:00Z');
  appliance = new FakeAppliance(cp!.url);
  expect((await appliance.enroll(code)).status).toBe(201);
  firstReport = await appliance.sign(
    appliance.payload({
      month: '2026-03',
      usage: { analysesUsed: 1500, analysesOverage: 0, usersActive: 8, casesOpen: 300, storageBytes: 1 },
    }),
  );
  finalReport = await appliance.sign(
    appliance.payload({
      month: '2026-03',
      usage: { analysesUsed: 2120, analysesOverage: 120, usersActive: 9, casesOpen: 320, storageBytes: 1 },
    }),
  );
  expect(await upload(firstReport)).toBe(202);
  expect(await upload(finalReport)).toBe(202);
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('closing a month', () => {
  it('refuses a month that is not over, by the control plane clock', async () => {
    const res = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/months/2026-03/close');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: 'month_not_over',
      message: '2026-03 is not over yet (today is 2026-03-20 in Paris): it can be closed from 2026-04-01',
    });
  });

  it('names the field of a bad month', async () => {
    await serveAt('2026-04-02T08:00:00Z');
    const res = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/months/2026-13/close');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_input', message: 'month: must be a month as YYYY-MM, e.g. 2026-01' });
  });

  it('lets neither support see money nor close a month (403), but billing may', async () => {
    for (const [method, route] of [
      ['POST', '/api/v1/billing/months/2026-03/close'],
      ['GET', '/api/v1/billing/months'],
      ['GET', '/api/v1/billing/invoices?month=2026-03'],
      ['GET', '/api/v1/revenue'],
    ] as const) {
      const res = await api(cp!.url, tokens.support, method, route);
      expect(res.status, route).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
    expect((await api(cp!.url, tokens.support, 'POST', '/api/v1/billing/months/2026-03/close')).body.message).toBe(
      'the support role cannot close billing months or issue credit notes: ask an admin',
    );
  });

  // Issue 18: a close first shows its drafts, and finalizes nothing while one lacks a mandatory
  // mention. Martin was created without address or SIRET; before, its invoice went out without them.
  it('drafts the month, and refuses to finalize while martin lacks an address and a SIRET, naming cabinet and field', async () => {
    const drafts = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/months/2026-03/drafts');
    expect(drafts.status, JSON.stringify(drafts.body)).toBe(200);
    expect(drafts.body).toMatchObject({
      month: '2026-03',
      monthOver: true,
      finalizable: false,
      issueDate: '2026-04-02',
      dueDate: '2026-05-02',
    });
    expect(
      drafts.body.drafts.map((d: any) => [d.cabinetId, d.totalInclVatCents, d.needsApproval, d.missing.map((m: any) => m.field)]),
    ).toEqual([
      ['bernard', 71_880, false, []],
      ['dupont', 62_821, false, []],
      ['martin', 11_880, false, ['address', 'siret']],
    ]);
    const refused = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/months/2026-03/close');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('invoice_mentions_missing');
    expect(refused.body.message).toMatch(
      /^2026-03 is not closed, nothing was issued: cabinet "martin" lacks the customer's address \(art\. 242 nonies A, I-1° annexe II CGI; control-plane cabinet update martin --address/,
    );
    expect(refused.body.details.missing.map((m: any) => [m.cabinetId, m.party, m.field])).toEqual([
      ['martin', 'customer', 'address'],
      ['martin', 'customer', 'siret'],
    ]);
    const months = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/months');
    expect(months.body.months.find((m: any) => m.month === '2026-03')).toMatchObject({ status: 'open', invoiceCount: 0 });
  });

  it('finalizes once the missing mentions are filled with cabinet update (SIRET Luhn-checked, VAT number FR + key + SIREN)', async () => {
    const update = (args: string[]) => cli('2026-04-02T08:00:00Z', ['cabinet', 'update', 'martin', ...args]);
    const badSiret = await update(['--siret', '44833048000007']);
    expect(badSiret.code).not.toBe(0);
    expect(badSiret.json.message).toBe('siret: must be 14 digits with a valid checksum');
    // SIREN 448330480: 97 × 4 621 963 = 448 330 411, remainder 69; key = (12 + 3 × 69) mod 97 = 219 mod 97 = 25:
    // FR25448330480. FR26 is a wrong key.
    const badVat = await update(['--vat-number', 'FR26448330480']);
    expect(badVat.json.message).toMatch(/^vat-number: has a wrong key for its SIREN/);
    const otherSiren = await update(['--siret', '44833048000006', '--vat-number', 'FR44732829320']);
    expect(otherSiren.json.message).toMatch(
      /^vatNumber: FR44732829320 is the VAT number of SIREN 732829320, but the SIRET 44833048000006 is of SIREN 448330480/,
    );
    const filled = await update([
      '--address',
      "8 cours de l'Intendance, 33000 Bordeaux",
      '--siret',
      '448 330 480 00006',
      '--vat-number',
      'fr25 448330480',
      '--email',
      'compta@martin.fr',
      '--phone',
      '05 56 00 00 00',
    ]);
    expect(filled.code, filled.stderr).toBe(0);
    expect(filled.json.cabinet).toMatchObject({
      siret: '44833048000006',
      vatNumber: 'FR25448330480',
      address: "8 cours de l'Intendance, 33000 Bordeaux",
    });
    const drafts = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/months/2026-03/drafts');
    expect(drafts.body).toMatchObject({ finalizable: true, missing: [] });
  });

  it('issues one invoice per cabinet, numbered from F-2026-000001 in cabinet order', async () => {
    const res = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/months/2026-03/close');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.invoices.map((i: any) => [i.number, i.cabinetId, i.totalExclVatCents, i.vatCents, i.totalInclVatCents])).toEqual([
      ['F-2026-000001', 'bernard', 59_900, 11_980, 71_880],
      // 14 days professional 13 503 + 17 days enterprise 32 848 + 120 analyses × 0.50 € = 52 351; VAT 10 470.2 → 10 470
      ['F-2026-000002', 'dupont', 52_351, 10_470, 62_821],
      ['F-2026-000003', 'martin', 9_900, 1_980, 11_880],
    ]);
    const dupont = res.body.invoices[1];
    expect(dupont.lines.map((l: any) => [l.kind, l.plan, l.amountCents])).toEqual([
      ['subscription', 'professional', 13_503],
      ['subscription', 'enterprise', 32_848],
      ['overage', 'enterprise', 6_000],
    ]);
    expect(dupont.lines[2].evidence).toEqual({
      applianceId: appliance.applianceId,
      seq: 2,
      receivedAt: expect.stringMatching(/^2026-03-20T10:0/),
      jwsSha256: createHash('sha256').update(finalReport).digest('hex'),
    });
    expect(dupont).toMatchObject({ issueDate: '2026-04-02', dueDate: '2026-05-02', vatRatePercent: 20 });
    expect(res.body.warnings.map((w: any) => [w.cabinetId, w.code])).toEqual([
      ['bernard', 'no_usage_report'],
      ['martin', 'no_usage_report'],
    ]);
    expect(res.body.invoices[2].customer).toMatchObject({ address: "8 cours de l'Intendance, 33000 Bordeaux", vatNumber: 'FR25448330480' });
  });

  it('refuses to close the same month twice (409) and issues nothing more', async () => {
    const res = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-03/close');
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('month_already_closed');
    expect(res.body.message).toMatch(/^2026-03 was already closed on 2026-04-02 \(3 invoices, F-2026-000001 to F-2026-000003\)/);
    const months = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/months');
    expect(months.body.months.find((m: any) => m.month === '2026-03')).toMatchObject({
      status: 'closed',
      invoiceCount: 3,
      firstNumber: 'F-2026-000001',
      lastNumber: 'F-2026-000003',
      totalExclVatCents: 122_151,
    });
    expect(months.body.months.find((m: any) => m.month === '2026-04')).toMatchObject({ status: 'open', closable: false });
  });

  it('shows an invoice with the mandatory identities, and never changes it when later usage arrives', async () => {
    expect(
      await upload(
        await appliance.sign(
          appliance.payload({
            month: '2026-03',
            usage: { analysesUsed: 2300, analysesOverage: 300, usersActive: 9, casesOpen: 320, storageBytes: 1 },
          }),
        ),
      ),
    ).toBe(202);
    const res = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000002');
    expect(res.status).toBe(200);
    const invoice = res.body.invoice;
    expect(invoice.vendor).toMatchObject({
      name: 'IAManager SAS',
      siret: '73282932000074',
      vatNumber: 'FR44732829320',
      address: '10 rue de Rivoli, 75004 Paris',
      iban: 'FR7630006000011234567890189',
      paymentTermsDays: 30,
    });
    expect(invoice.customer).toEqual({
      cabinetId: 'dupont',
      name: 'Cabinet Dupont & Associés',
      address: '123 Rue de la Justice, 75001 Paris',
      siret: '12345678901237',
      email: null,
      vatNumber: null,
    });
    expect(invoice.usage).toMatchObject({
      analysesUsed: 2120,
      analysesOverage: 120,
      seq: 2,
      evidence: '/api/v1/billing/invoices/F-2026-000002/evidence',
    });
    expect(invoice.totalExclVatCents).toBe(52_351);
    expect((await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000099')).status).toBe(404);
    expect((await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/2026-1')).body.message).toBe(
      'number: must be an invoice number as F-YYYY-NNNNNN, e.g. F-2026-000001',
    );
  });

  it("serves the signed usage behind the overage, which verifies with the appliance's own key", async () => {
    const res = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000002/evidence');
    expect(res.status).toBe(200);
    const evidence = res.body.evidence;
    expect(evidence).toMatchObject({ invoiceNumber: 'F-2026-000002', applianceId: appliance.applianceId, seq: 2, jws: finalReport });
    expect(createHash('sha256').update(evidence.jws).digest('hex')).toBe(evidence.jwsSha256);
    const verified = await compactVerify(evidence.jws, await importJWK(evidence.publicKey, 'EdDSA'), { algorithms: ['EdDSA'] });
    const payload = JSON.parse(new TextDecoder().decode(verified.payload));
    expect(payload).toMatchObject({ iss: appliance.applianceId, sub: 'dupont', month: '2026-03', seq: 2, usage: { analysesOverage: 120 } });
    // The key the control plane returns is the one the appliance holds.
    await expect(compactVerify(evidence.jws, appliance.key.publicKey, { algorithms: ['EdDSA'] })).resolves.toBeDefined();
    const none = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000001/evidence');
    expect(none.status).toBe(404);
    expect(none.body.error).toBe('no_usage_evidence');
  });

  it('renders the invoice as a French PDF carrying its number and mandatory mentions', async () => {
    const res = await fetch(`${cp!.url}/api/v1/billing/invoices/F-2026-000002/pdf`, {
      headers: { authorization: `Bearer ${tokens.billing}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="facture-F-2026-000002.pdf"');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('(Facture F-2026-000002)'); // the document's Title
    const text = await pdfText(pdf);
    for (const mention of [
      'Facture n° F-2026-000002',
      "Date d'émission : 02/04/2026",
      'SIRET 73282932000074',
      'N° TVA intracommunautaire FR44732829320',
      'Cabinet Dupont & Associés',
      'SIRET 12345678901237',
      '123 Rue de la Justice, 75001 Paris',
      '14/31 mois',
      '299,00 €/mois',
      '135,03 €',
      '328,48 €',
      '60,00 €',
      'Total HT',
      '523,51 €',
      'TVA 20 %',
      '104,70 €',
      'Total TTC',
      '628,21 €',
      'Échéance : 02/05/2026',
      'indemnité forfaitaire pour frais de recouvrement de 40 €',
    ]) {
      expect(text, mention).toContain(mention);
    }
    expect(text).toContain(createHash('sha256').update(finalReport).digest('hex'));
  });
});

describe('credit notes', () => {
  it('credits part of an invoice, VAT computed like an invoice', async () => {
    const res = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/invoices/F-2026-000002/credit-notes', {
      reason: 'overage disputed',
      amountCents: 1_001,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 10.01 € × 20 % = 2.002 → 2.00 €
    expect(res.body.creditNote).toMatchObject({
      number: 'A-2026-000001',
      invoiceNumber: 'F-2026-000002',
      invoiceIssueDate: '2026-04-02',
      full: false,
      totalExclVatCents: 1_001,
      vatCents: 200,
      totalInclVatCents: 1_201,
    });
    expect(res.body.creditNote.lines[0].description).toBe('Avoir partiel sur la facture F-2026-000002 du 02/04/2026 — overage disputed');
  });

  it('refuses more than the invoice still owes, and a credit note without a reason', async () => {
    const over = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/invoices/F-2026-000002/credit-notes', {
      reason: 'too much',
      amountCents: 51_351,
    });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({
      error: 'credit_exceeds_invoice',
      message:
        'amountCents: 51351 is more than the 51350 cents excl. VAT left on F-2026-000002: credit at most 51350, or leave it out to cancel the rest',
    });
    const noReason = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/invoices/F-2026-000002/credit-notes', { amountCents: 5 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toBe('reason: is required');
    const support = await api(cp!.url, tokens.support, 'POST', '/api/v1/billing/invoices/F-2026-000002/credit-notes', {
      reason: 'support tries',
    });
    expect(support.status).toBe(403);
  });

  it('cancels the rest exactly, so credits add up to the invoice, and then refuses more', async () => {
    const rest = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/invoices/F-2026-000002/credit-notes', {
      reason: 'cabinet closed',
    });
    expect(rest.status).toBe(201);
    expect(rest.body.creditNote).toMatchObject({
      number: 'A-2026-000002',
      full: true,
      totalExclVatCents: 51_350,
      vatCents: 10_270,
      totalInclVatCents: 61_620,
    });
    expect(1_201 + 61_620).toBe(62_821);
    const shown = await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/invoices/F-2026-000002');
    expect(shown.body.invoice).toMatchObject({
      totalInclVatCents: 62_821,
      creditNotes: ['A-2026-000001', 'A-2026-000002'],
      balanceInclVatCents: 0,
    });
    const again = await api(cp!.url, tokens.billing, 'POST', '/api/v1/billing/invoices/F-2026-000002/credit-notes', {
      reason: 'once more',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('invoice_fully_credited');
  });

  it('renders a credit note as a PDF that names the invoice it corrects', async () => {
    const res = await fetch(`${cp!.url}/api/v1/billing/credit-notes/A-2026-000001/pdf`, {
      headers: { authorization: `Bearer ${tokens.billing}` },
    });
    const text = await pdfText(Buffer.from(await res.arrayBuffer()));
    expect(text).toContain('Avoir n° A-2026-000001');
    expect(text).toContain('Se rapporte à la facture n° F-2026-000002 du 02/04/2026');
    expect(text).toContain('-12,01 €');
  });
});

describe('the month for the accountant (CSV)', () => {
  it('lists each invoice and credit note on one line, ";"-separated with a BOM, quoted and formula-safe', async () => {
    const res = await fetch(`${cp!.url}/api/v1/billing/months/2026-03/invoices.csv`, {
      headers: { authorization: `Bearer ${tokens.billing}` },
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n')).toEqual([
      'type;numero;date_emission;mois_facture;facture_origine;client_id;client_nom;client_siret;total_ht_eur;taux_tva;tva_eur;total_ttc_eur;echeance;motif',
      'facture;F-2026-000001;2026-04-02;2026-03;;bernard;"Cabinet Bernard; ""Conseil""";55501234000017;599,00;20;119,80;718,80;2026-05-02;',
      'facture;F-2026-000002;2026-04-02;2026-03;;dupont;Cabinet Dupont & Associés;12345678901237;523,51;20;104,70;628,21;2026-05-02;',
      "facture;F-2026-000003;2026-04-02;2026-03;;martin;'=1+1 Martin;44833048000006;99,00;20;19,80;118,80;2026-05-02;",
      'avoir;A-2026-000001;2026-04-02;2026-03;F-2026-000002;dupont;Cabinet Dupont & Associés;12345678901237;-10,01;20;-2,00;-12,01;;overage disputed',
      'avoir;A-2026-000002;2026-04-02;2026-03;F-2026-000002;dupont;Cabinet Dupont & Associés;12345678901237;-513,50;20;-102,70;-616,20;;cabinet closed',
      '',
    ]);
    expect((await api(cp!.url, tokens.billing, 'GET', '/api/v1/billing/months/2026-02/invoices.csv')).status).toBe(404);
  });
});

describe('numbering across years', () => {
  it('continues the series within a year and restarts it at 1 with the year of issue', async () => {
    await serveAt('2026-12-01T09:00:00Z');
    const november = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-11/close');
    expect(november.body.invoices.map((i: any) => i.number)).toEqual(['F-2026-000004', 'F-2026-000005', 'F-2026-000006']);
    // December is invoiced in January: its invoices are the first of 2027.
    await serveAt('2027-01-04T09:00:00Z');
    const december = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/months/2026-12/close');
    expect(december.body.invoices.map((i: any) => [i.number, i.issueDate])).toEqual([
      ['F-2027-000001', '2027-01-04'],
      ['F-2027-000002', '2027-01-04'],
      ['F-2027-000003', '2027-01-04'],
    ]);
    const credit = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/invoices/F-2026-000004/credit-notes', {
      reason: 'late correction',
    });
    expect(credit.body.creditNote.number).toBe('A-2027-000001');
  });

  it('through the CLI and the command socket, prints the SPEC --json shape', async () => {
    const res = await cli('2027-01-04T09:00:00Z', ['billing', 'close', '2026-10']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.invoices.map((i: any) => Object.keys(i))).toEqual(
      res.json.invoices.map(() =>
        expect.arrayContaining(['number', 'cabinetId', 'lines', 'totalExclVatCents', 'vatCents', 'totalInclVatCents']),
      ),
    );
    expect(res.json.invoices.map((i: any) => i.number)).toEqual(['F-2027-000004', 'F-2027-000005', 'F-2027-000006']);
    // Through the server's control socket on the files; on PostgreSQL the CLI runs on the database itself.
    if (!onPostgres()) expect(cp!.service.output()).toContain('"command":"billing close"');
    const twice = await cli('2027-01-04T09:00:00Z', ['billing', 'close', '2026-10']);
    expect(twice.code).toBe(1);
    expect(twice.json.error).toBe('month_already_closed');
  });

  it('refuses to issue a document dated before the last one (clock set back)', async () => {
    await serveAt('2026-12-20T09:00:00Z');
    const res = await api(cp!.url, tokens.admin, 'POST', '/api/v1/billing/invoices/F-2026-000005/credit-notes', { reason: 'clock test' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('clock_behind_last_document');
  });

  it('has issued every number of each series and year once, with no gap', async () => {
    await cp!.stop();
    cp = undefined;
    // No server now: the CLI takes the DATA_DIR lock itself.
    const months = await cli('2027-01-05T09:00:00Z', ['billing', 'months']);
    const numbers: string[] = [];
    for (const m of months.json.months.filter((x: any) => x.status === 'closed')) {
      const listed = await cli('2027-01-05T09:00:00Z', ['billing', 'invoices', '--month', m.month]);
      numbers.push(...listed.json.invoices.map((i: any) => i.number));
    }
    expect(numbers.sort()).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((n) => `F-2026-00000${n}`),
      ...[1, 2, 3, 4, 5, 6].map((n) => `F-2027-00000${n}`),
    ]);
    const notes = await cli('2027-01-05T09:00:00Z', ['billing', 'credit-notes']);
    expect(notes.json.creditNotes.map((c: any) => c.number)).toEqual(['A-2026-000001', 'A-2026-000002', 'A-2027-000001']);
  });

  it('writes PDFs and the CSV where the CLI is told', async () => {
    const out = path.join(root, 'out');
    fs.mkdirSync(out);
    const pdf = await cli('2027-01-05T09:00:00Z', ['billing', 'pdf', 'F-2027-000001', '--out', out]);
    expect(pdf.json).toMatchObject({ number: 'F-2027-000001', file: path.join(out, 'facture-F-2027-000001.pdf') });
    expect(await pdfText(fs.readFileSync(pdf.json.file))).toContain('Période de service : décembre 2026');
    const csv = await cli('2027-01-05T09:00:00Z', ['billing', 'export', '2026-12', '--out', path.join(out, 'decembre.csv')]);
    expect(csv.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'decembre.csv'), 'utf8').split('\r\n')).toHaveLength(5);
  });
});

describe('configuration', () => {
  it('refuses to close a month while billing is not configured', async () => {
    const dir = path.join(root, 'unconfigured');
    fs.mkdirSync(dir);
    const res = await runCli(dir, ['billing', 'close', '2026-01', '--json']);
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({
      error: 'billing_not_configured',
      message: expect.stringContaining('set VENDOR_NAME, VENDOR_ADDRESS, VENDOR_SIRET, VENDOR_VAT_NUMBER'),
    });
  });

  it('checks the vendor identity at start-up, naming each variable', async () => {
    const res = await runCli(path.join(root, 'unconfigured'), ['plan', 'list'], {
      env: {
        VENDOR_NAME: 'IAManager SAS',
        VENDOR_SIRET: '73282932000075',
        VENDOR_VAT_NUMBER: 'FR00732829320',
        VENDOR_IBAN: 'FR76 3000 6000 0112 3456 7890 188',
      },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('VENDOR_ADDRESS: is required to issue invoices once any VENDOR_* variable is set');
    expect(res.stderr).toContain('VENDOR_SIRET: must be 14 digits with a valid checksum');
    expect(res.stderr).toContain('VENDOR_IBAN: must be an IBAN with a valid checksum');
    const vat = await runCli(path.join(root, 'unconfigured'), ['plan', 'list'], {
      env: { ...VENDOR_ENV, VENDOR_VAT_NUMBER: 'FR00732829320' },
    });
    expect(vat.stderr).toContain('VENDOR_VAT_NUMBER: must be the VAT number of SIREN 732829320, i.e. FR44732829320');
  });
});
