/**
 * Billing and revenue in the vendor dashboard, in Debian's Chromium, against a real control plane
 * whose clock is moved to November 2026: the months page, closing October with its confirmation,
 * the month's invoices, an invoice with its signed usage and a credit note (refused above what is
 * owed, then issued), PDF and CSV downloads, the cabinet page's invoices, the revenue page with its
 * SVG charts, and support staff seeing none of it. Every page: no axe-core violation, a screenshot.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockAt, DUPONT_CABINET } from '../support/billing.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf } from '../support/browser.js';
import {
  FakeAppliance,
  api,
  createAdminToken,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';
import { pdfText } from '../support/pdfText.js';

const PASSWORD = 'correct horse battery staple';
const NOW = '2026-11-03T09:00:00Z';
let cp: TestControlPlane;
let dataDir: string;
let browser: TestBrowser;
let page: Page;

const checkPage = (name: string) => checkPageOf(page, name);

const textOf = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s/g, ' ');

async function login(email: string): Promise<void> {
  await page.goto(`${cp.url}/`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${cp.url}/`);
}

beforeAll(async () => {
  dataDir = `${tempDir('dash-billing-')}/data`;
  fs.mkdirSync(dataDir);
  const admin = await createAdminToken(dataDir, 'admin@vendor.test', 'admin');
  for (const role of ['billing', 'support']) {
    const r = await runCli(dataDir, ['admin', 'create', '--email', `${role}@vendor.test`, '--role', role], { input: `${PASSWORD}\n` });
    expect(r.code, r.stderr).toBe(0);
  }
  // September: three cabinets; October: dupont upgrades on the 15th, lefebvre arrives; November: bernard leaves.
  const at = async (iso: string, args: string[]) => expect((await runCli(dataDir, args, { env: clockAt(iso) })).code).toBe(0);
  await at('2026-09-05T09:00:00Z', ['cabinet', 'create', ...DUPONT_CABINET]);
  await at('2026-09-05T09:00:00Z', [
    'cabinet',
    'create',
    '--id',
    'martin',
    '--name',
    'Cabinet Martin',
    '--plan',
    'starter',
    '--siret',
    '84219567300012',
    '--address',
    '8 quai Saint-Vincent, 69001 Lyon',
  ]);
  await at('2026-09-05T09:00:00Z', [
    'cabinet',
    'create',
    '--id',
    'bernard',
    '--name',
    'Cabinet Bernard',
    '--plan',
    'enterprise',
    '--siret',
    '55501234000017',
    '--address',
    '20 cours Pierre Puget, 13006 Marseille',
  ]);
  await at('2026-10-15T09:00:00Z', ['cabinet', 'update', 'dupont', '--plan', 'enterprise']);
  await at('2026-10-20T09:00:00Z', [
    'cabinet',
    'create',
    '--id',
    'lefebvre',
    '--name',
    'Cabinet Lefebvre',
    '--plan',
    'professional',
    '--siret',
    '73282932000074',
    '--address',
    '2 rue Nationale, 59000 Lille',
  ]);
  await at('2026-11-02T09:00:00Z', ['cabinet', 'update', 'bernard', '--status', 'cancelled']);

  cp = await startControlPlane(dataDir, clockAt(NOW));
  const code = await api(cp.url, admin, 'POST', '/api/v1/cabinets/dupont/enrollment-codes');
  const appliance = new FakeAppliance(cp.url);
  expect((await appliance.enroll(code.body.enrollmentCode)).status).toBe(201);
  const report = await appliance.sign(
    appliance.payload({
      month: '2026-10',
      usage: { analysesUsed: 2_150, analysesOverage: 150, usersActive: 9, casesOpen: 400, storageBytes: 1 },
    }),
  );
  expect(
    (await fetch(`${cp.url}/v1/usage-reports`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: report })).status,
  ).toBe(202);

  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('billing in the dashboard', () => {
  it('lists the months, October to close and November still running', async () => {
    await login('billing@vendor.test');
    await expect(page.getByRole('navigation', { name: 'Navigation principale' }).textContent()).resolves.toBe(
      'ParcCabinetsAlertesDemandesFacturationRevenus',
    );
    await page.getByRole('link', { name: 'Facturation' }).click();
    await page.waitForURL(`${cp.url}/facturation`);
    const rows = page.locator('tbody tr');
    await expect(rows.nth(0).textContent()).resolves.toMatch(/novembre 2026.*en cours/);
    await expect(rows.nth(1).textContent()).resolves.toMatch(/octobre 2026.*à clôturer/);
    await expect(page.getByRole('button', { name: 'Clôturer novembre 2026' }).count()).resolves.toBe(0);
    await checkPage('billing-months');
  });

  // Issue 18: the close goes through the month's drafts (tests/browser/billingMonth.test.ts walks them in detail).
  it('closes October from its drafts once confirmed, and shows its invoices', async () => {
    await page.getByRole('link', { name: 'Voir les brouillons et clôturer (octobre 2026)' }).click();
    await page.waitForURL(/\/facturation\/mois\/2026-10\/brouillons$/);
    await page.getByLabel('Je confirme').check();
    await page.getByRole('button', { name: 'Clôturer octobre 2026' }).click();
    await page.waitForURL(/\/facturation\/mois\/2026-10\?cloture=4/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Mois clôturé : 4 factures émises.');
    const invoices = page.locator('#factures tbody tr');
    await expect(invoices.count()).resolves.toBe(4);
    // dupont: 14 days professional (29 900 × 14 / 31 = 13 503) + 17 days enterprise (59 900 × 17 / 31 = 32 848)
    // + 150 analyses × 0.50 € = 53 851 excl. VAT; VAT 10 770; 646,21 € incl. VAT.
    expect((await invoices.nth(1).textContent())?.replace(/\s/g, ' ')).toMatch(
      /F-2026-000002.*Cabinet Dupont & Associés.*octobre 2026.*538,51 €.*107,70 €.*646,21 €/,
    );
    // lefebvre, from 20 October: 29 900 × 12 / 31 = 11 574.
    expect((await invoices.nth(2).textContent())?.replace(/\s/g, ' ')).toMatch(/F-2026-000003.*Cabinet Lefebvre.*115,74 €/);
    await checkPage('billing-month');
  });

  it('downloads the month as CSV for the accountant', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le CSV pour le comptable' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('factures-2026-10.csv');
    const csv = fs.readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8').split('\r\n')[2]).toBe(
      'facture;F-2026-000002;2026-11-03;2026-10;;dupont;Cabinet Dupont & Associés;12345678901237;538,51;20;107,70;646,21;2026-12-03;',
    );
  });

  it('shows an invoice with its lines and the signed usage behind the overage', async () => {
    await page.getByRole('link', { name: 'F-2026-000002', exact: true }).click();
    await page.waitForURL(/\/facturation\/factures\/F-2026-000002$/);
    expect(await textOf('#lignes')).toMatch(
      /Abonnement Professional — du 1er au 14 octobre 2026.*14\/31 mois.*135,03 €.*Analyses au-delà du quota.*150.*0,50 €.*75,00 €.*Total TTC.*646,21 €/,
    );
    expect(await textOf('#preuve')).toMatch(/2150 analyses en octobre 2026, dont 150 au-delà du quota — relevé n° 1/);
    const [proof] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Télécharger la preuve signée/ }).click(),
    ]);
    const evidence = JSON.parse(fs.readFileSync((await proof.path())!, 'utf8'));
    expect(evidence).toMatchObject({
      invoiceNumber: 'F-2026-000002',
      seq: 1,
      payload: { usage: { analysesOverage: 150 } },
      publicKey: { kty: 'OKP', crv: 'Ed25519' },
    });
    await checkPage('billing-invoice');
  });

  it('refuses a credit note above what is owed, in French, then drafts one and issues it once confirmed', async () => {
    await page.getByLabel('Motif').fill('Dépassement contesté');
    await page.getByLabel('Montant HT en euros').fill('900');
    await page.getByRole('button', { name: "Préparer l'avoir" }).click();
    expect(await textOf('[role=alert]')).toContain('Montant : au plus 538,51 € HT restent à créditer sur cette facture.');
    await expect(page.getByLabel('Motif').inputValue()).resolves.toBe('Dépassement contesté');
    await page.getByLabel('Montant HT en euros').fill('75,00');
    await page.getByRole('button', { name: "Préparer l'avoir" }).click();
    // Issue 18: the draft first (75,00 € + 15,00 € VAT), issued only once confirmed.
    expect(await textOf('#brouillon-avoir')).toMatch(/rien n'est encore émis.*-75,00 €.*-15,00 €.*-90,00 €/);
    await page.getByLabel(/Je confirme : l'avoir reçoit le numéro suivant/).check();
    await page.getByRole('button', { name: "Émettre l'avoir" }).click();
    await page.waitForURL(/\?avoir=A-2026-000001/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Avoir A-2026-000001 émis.');
    expect(await textOf('#avoirs')).toMatch(/A-2026-000001.*-90,00 €.*Dépassement contesté/);
    await checkPage('billing-credit-note');
  });

  it('downloads the invoice PDF, which carries its number and mentions', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger le PDF' }).click()]);
    expect(download.suggestedFilename()).toBe('facture-F-2026-000002.pdf');
    const pdf = fs.readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain('Facture n° F-2026-000002');
    expect(text).toContain('646,21 €');
  });

  it("lists the cabinet's invoices on its page", async () => {
    await page.goto(`${cp.url}/cabinets/dupont`);
    expect(await textOf('#factures')).toMatch(/F-2026-000002.*octobre 2026.*646,21 €.*556,21 €.*avoir : A-2026-000001/);
    await checkPage('billing-cabinet');
  });

  it('shows revenue with MRR by plan and new and churned cabinets as SVG charts', async () => {
    await page.getByRole('link', { name: 'Revenus' }).click();
    await page.waitForURL(`${cp.url}/revenus`);
    // Active now: dupont enterprise 599 + martin starter 99 + lefebvre professional 299 = 997 €/month.
    expect(await textOf('#recurrent')).toMatch(/MRR \(mensuel, HT\)997,00 €.*ARR \(annuel, HT\)11 964,00 €/);
    await expect(page.locator('figure.chart svg[role=img]').count()).resolves.toBe(2);
    expect(await textOf('#mrr-formule-desc')).toBe('11/26 — Starter : 99 € ; Professional : 299 € ; Enterprise : 599 €.');
    expect(await textOf('#nouveaux-resilies-desc')).toBe('11/26 — Nouveaux : 0 ; Résiliés : 1.');
    expect(await page.locator('#mrr-formule-caption + svg rect').count()).toBeGreaterThan(5);
    expect(await textOf('#evolution tbody')).toMatch(
      /septembre 2026.*997,00 €.*3.*0.*octobre 2026.*1 596,00 €.*1.*0.*novembre 2026.*997,00 €.*0.*1/,
    );
    await checkPage('billing-revenue');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/connexion/);
  });

  it('shows support staff no billing, no revenue and no invoices', async () => {
    await login('support@vendor.test');
    await expect(page.getByRole('navigation', { name: 'Navigation principale' }).textContent()).resolves.toBe(
      'ParcCabinetsAlertesDemandes',
    );
    const refused = await page.goto(`${cp.url}/facturation`);
    expect(refused?.status()).toBe(403);
    await expect(page.locator('main').textContent()).resolves.toContain('Votre rôle ne permet pas cette action.');
    expect((await page.goto(`${cp.url}/revenus`))?.status()).toBe(403);
    expect((await page.goto(`${cp.url}/facturation/factures/F-2026-000002/pdf`))?.status()).toBe(403);
    await page.goto(`${cp.url}/cabinets/dupont`);
    await expect(page.locator('#factures').count()).resolves.toBe(0);
    expect((await page.locator('main').textContent()) ?? '').not.toContain('€');
  });

  it('logged no console error and no failed request', () => {
    // The 403s (support) and the 409 (the credit note above what is owed) are answers, not failures.
    expect(browser.problems.filter((p) => !p.includes('status of 403') && !p.includes('status of 409'))).toEqual([]);
  });
});
