/**
 * Getting paid in the vendor dashboard, in Debian's Chromium, against a real control plane whose
 * clock is moved: March's invoice for Cabinet Dupont (358,80 € incl. VAT, issued 2 April, due
 * 2 May — see tests/control-plane/billing/payments.test.ts) is 8 days past due on 10 May. It shows
 * on the billing page and the cabinet's page with the grace period explained; on the invoice page
 * an overpayment is refused in French, then the payment is recorded and the invoice is paid.
 * Every page: no axe-core violation, a screenshot.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockAt, DUPONT_CABINET } from '../support/billing.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf, textOf as textOfPage } from '../support/browser.js';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let dataDir: string;
let browser: TestBrowser;
let page: Page;

const checkPage = (name: string) => checkPageOf(page, name);

const textOf = (selector: string) => textOfPage(page, selector);

beforeAll(async () => {
  dataDir = `${tempDir('dash-payment-')}/data`;
  fs.mkdirSync(dataDir);
  const created = await runCli(dataDir, ['admin', 'create', '--email', 'billing@vendor.test', '--role', 'billing'], {
    input: `${PASSWORD}\n`,
  });
  expect(created.code, created.stderr).toBe(0);
  const at = async (iso: string, args: string[]) => expect((await runCli(dataDir, args, { env: clockAt(iso) })).code).toBe(0);
  await at('2026-03-01T09:00:00Z', ['cabinet', 'create', ...DUPONT_CABINET]);
  await at('2026-04-02T08:00:00Z', ['billing', 'close', '2026-03']);
  cp = await startControlPlane(dataDir, clockAt('2026-05-10T09:00:00Z'));
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('payments in the dashboard', () => {
  it('shows the past-due invoice on the billing page, with the grace period explained', async () => {
    await page.goto(`${cp.url}/`);
    await page.getByLabel('Adresse e-mail').fill('billing@vendor.test');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${cp.url}/`);
    await page.goto(`${cp.url}/facturation`);
    const panel = await textOf('#impayes');
    // Due 2 May, 10 May is 8 days later.
    expect(panel).toContain('1 facture échue, 358,80 € TTC restant dus');
    const cells = (await page.locator('#impayes tbody td').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(cells).toEqual(['F-2026-000001', 'Cabinet Dupont & Associés', '02/05/2026', '8', '358,80 €']);
    expect(panel).toContain('délai de grâce de 14 jours');
    await checkPage('billing-payment-past-due');
  });

  it("flags it on the cabinet's page", async () => {
    await page.goto(`${cp.url}/cabinets/dupont`);
    expect(await textOf('#impayes')).toContain("Suspendre un cabinet pour impayé reste une décision d'administrateur");
    await checkPage('billing-payment-cabinet');
  });

  it('refuses an overpayment in French, then records the payment: the invoice is paid', async () => {
    await page.goto(`${cp.url}/facturation/factures/F-2026-000001`);
    expect(await textOf('#paiements')).toContain('Échue, impayée depuis 8 jours');
    await page.getByLabel('Montant reçu TTC en euros').fill('400');
    await page.getByLabel('Date de réception').fill('2026-05-09');
    await page.getByRole('button', { name: 'Enregistrer le paiement' }).click();
    expect(await textOf('#paiements [role=alert]')).toContain('il reste 358,80 € TTC à payer');
    await checkPage('billing-payment-refused');
    await page.getByLabel('Montant reçu TTC en euros').fill('358,80');
    await page.getByLabel('Référence (virement, chèque…)').fill('VIR-0509-DUPONT');
    await page.getByRole('button', { name: 'Enregistrer le paiement' }).click();
    await page.waitForURL(`${cp.url}/facturation/factures/F-2026-000001#paiements`);
    const block = await textOf('#paiements');
    expect(block).toContain('Payée');
    expect(block).toContain('VIR-0509-DUPONT');
    expect(block).not.toContain('Enregistrer un paiement');
    await checkPage('billing-payment-paid');
    await page.goto(`${cp.url}/facturation`);
    expect(await textOf('#impayes')).toContain('Aucune facture échue impayée');
  });
});
