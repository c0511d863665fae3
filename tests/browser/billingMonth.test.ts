/**
 * A month walked from drafts to finalized invoices in the vendor dashboard (issue 18), in Debian's
 * Chromium, with the clock moved to 3 November 2026: October's drafts show Cabinet Bernard's
 * invoice lacking its address and SIRET (art. 242 nonies A annexe II CGI), so the close is not
 * offered; the link leads to the cabinet's details, filled there (a bad SIRET refused in French);
 * the drafts are then ready; a cabinet changed behind the page makes the finalize refuse the
 * drafts it showed; confirmed again, October is closed, its warnings shown. Then a credit note is
 * drafted and confirmed, the payment of what is left owed makes the invoice paid, a plan change
 * with an override is previewed and confirmed with the override dropped, and a bad month in the
 * address is refused in French. Every page: no axe-core violation, a screenshot.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockAt, DUPONT_CABINET } from '../support/billing.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf, textOf as textOfPage } from '../support/browser.js';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';
const NOW = '2026-11-03T09:00:00Z';
let cp: TestControlPlane;
let dataDir: string;
let token: string;
let browser: TestBrowser;
let page: Page;

const checkPage = (name: string) => checkPageOf(page, name);

const textOf = (selector: string) => textOfPage(page, selector);

beforeAll(async () => {
  dataDir = `${tempDir('dash-billing-month-')}/data`;
  fs.mkdirSync(dataDir);
  token = await createAdminToken(dataDir, 'admin@vendor.test', 'admin');
  const at = async (iso: string, args: string[]) => {
    const res = await runCli(dataDir, args, { env: clockAt(iso) });
    expect(res.code, res.stderr).toBe(0);
  };
  // Both from 1 October, on professional; Bernard created without address nor SIRET, and held to 2 users.
  await at('2026-10-01T09:00:00Z', ['cabinet', 'create', ...DUPONT_CABINET]);
  await at('2026-10-01T09:00:00Z', [
    'cabinet',
    'create',
    '--id',
    'bernard',
    '--name',
    'Cabinet Bernard',
    '--plan',
    'professional',
    '--max-users',
    '2',
  ]);
  cp = await startControlPlane(dataDir, clockAt(NOW));
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${cp.url}/`);
  await page.getByLabel('Adresse e-mail').fill('admin@vendor.test');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${cp.url}/`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a month from drafts to finalized invoices', () => {
  it("shows October's drafts, Bernard's lacking its address and SIRET, and offers no close", async () => {
    await page.goto(`${cp.url}/facturation`);
    await page.getByRole('link', { name: 'Voir les brouillons et clôturer (octobre 2026)' }).click();
    await page.waitForURL(/\/facturation\/mois\/2026-10\/brouillons$/);
    expect(await textOf('#synthese')).toMatch(/Factures2Total HT598,00 €Total TTC717,60 €/);
    expect(await textOf('#synthese')).toContain('Clôture impossible : un brouillon est incomplet.');
    const bernard = await textOf('#brouillon-bernard');
    expect(bernard).toContain('Cette facture ne peut pas être émise');
    expect(bernard).toContain('adresse du client manquante — art. 242 nonies A, I-1° annexe II CGI');
    expect(bernard).toContain(
      'SIRET du client manquant (il porte son SIREN) — art. 242 nonies A annexe II CGI, SIREN du client (décret n° 2022-1299)',
    );
    // A whole October at professional: 299,00 € + 59,80 € of VAT.
    expect(bernard).toMatch(/Abonnement Professional — octobre 2026 ?299,00 €.*358,80 €/);
    expect(bernard).toContain("Avertissement : aucun relevé d'usage signé reçu pour ce mois");
    await expect(page.getByRole('button', { name: /Clôturer octobre 2026/ }).count()).resolves.toBe(0);
    await checkPage('billing-drafts-incomplete');
    // Posting the close anyway (with the session's own CSRF token) is refused, in French, naming cabinet and field.
    const csrf = await page.locator('input[name=_csrf]').first().getAttribute('value');
    const refused = await page.evaluate(
      async ({ url, csrf }) => {
        const res = await fetch(`${url}/facturation/mois/2026-10/cloture`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf ?? '', confirmer: '1' }),
        });
        return { status: res.status, text: await res.text() };
      },
      { url: cp.url, csrf },
    );
    expect(refused.status).toBe(422);
    expect(refused.text.replace(/&#39;|&#x27;|&apos;/g, "'").replace(/\s+/g, ' ')).toContain(
      "Rien n'a été émis : des mentions obligatoires manquent sur des factures (art. 242 nonies A annexe II CGI). bernard : adresse, SIRET (il porte le SIREN).",
    );
    expect(
      (await api(cp.url, token, 'GET', '/api/v1/billing/months')).body.months.find((m: { month: string }) => m.month === '2026-10').status,
    ).toBe('open');
  });

  it("fills Bernard's details from the link, refusing a bad SIRET in French", async () => {
    await page.getByRole('link', { name: 'Compléter la fiche de Cabinet Bernard' }).click();
    await page.waitForURL(/\/cabinets\/bernard#coordonnees$/);
    await page.getByLabel('Adresse', { exact: true }).fill('20 cours Pierre Puget, 13006 Marseille');
    await page.getByLabel('SIRET', { exact: true }).fill('55501234000018');
    await page.getByRole('button', { name: 'Enregistrer les coordonnées' }).click();
    expect(await textOf('#coordonnees [role=alert]')).toContain('SIRET : 14 chiffres dont la clé de contrôle est valide');
    await expect(page.getByLabel('Adresse', { exact: true }).inputValue()).resolves.toBe('20 cours Pierre Puget, 13006 Marseille');
    await page.getByLabel('SIRET', { exact: true }).fill('555 012 340 00017');
    // SIREN 555012340: 97 × 5 721 776 = 555 012 272, remainder 68; key (12 + 3 × 68) mod 97 = 216 mod 97 = 22.
    await page.getByLabel('N° de TVA intracommunautaire').fill('FR22555012340');
    await page.getByRole('button', { name: 'Enregistrer les coordonnées' }).click();
    await page.waitForURL(/coordonnees=1/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Coordonnées enregistrées');
    expect(await textOf('#identite')).toMatch(/SIRET55501234000017N° de TVAFR22555012340Adresse20 cours Pierre Puget/);
    await checkPage('billing-cabinet-details');
  });

  it('refuses to finalize drafts that changed since the page showed them, then closes October once confirmed', async () => {
    await page.goto(`${cp.url}/facturation/mois/2026-10/brouillons`);
    await expect(page.locator('#brouillon-bernard .errors').count()).resolves.toBe(0);
    await checkPage('billing-drafts-ready');
    // Dupont's e-mail changes behind the page: the drafts shown are no longer the ones a close would issue.
    expect((await api(cp.url, token, 'PATCH', '/api/v1/cabinets/dupont', { email: 'compta@dupont.fr' })).status).toBe(200);
    await page.getByLabel('Je confirme').check();
    await page.getByRole('button', { name: 'Clôturer octobre 2026 et émettre les factures' }).click();
    expect(await textOf('.flash')).toContain('les brouillons ont changé depuis leur affichage');
    expect(await textOf('#brouillon-dupont')).toContain('Cabinet Dupont & Associés');
    await page.getByLabel('Je confirme').check();
    await page.getByRole('button', { name: 'Clôturer octobre 2026 et émettre les factures' }).click();
    await page.waitForURL(/\/facturation\/mois\/2026-10\?cloture=2&attente=0$/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Mois clôturé : 2 factures émises.');
    expect(await textOf('#factures tbody')).toMatch(/F-2026-000001.*Cabinet Bernard.*358,80 €.*F-2026-000002.*Cabinet Dupont/);
    expect(await textOf('#avertissements')).toMatch(/bernard : aucun relevé d'usage signé.*dupont : aucun relevé d'usage signé/);
    await checkPage('billing-month-finalized');
  });

  it("prints Bernard's details on its invoice, and drafts a credit note before issuing it", async () => {
    await page.getByRole('link', { name: 'F-2026-000001', exact: true }).click();
    await page.waitForURL(/\/facturation\/factures\/F-2026-000001$/);
    expect(await textOf('#client')).toMatch(/SIRET55501234000017Adresse20 cours Pierre Puget, 13006 MarseilleN° de TVAFR22555012340/);
    await page.getByLabel('Motif').fill('Geste commercial');
    await page.getByLabel('Montant HT en euros').fill('10');
    await page.getByRole('button', { name: "Préparer l'avoir" }).click();
    // 10,00 € + 2,00 € of VAT; 358,80 € owed before, 346,80 € after.
    expect(await textOf('#brouillon-avoir')).toMatch(/-10,00 €.*-2,00 €.*-12,00 €.*346,80 € TTC \(aujourd'hui 358,80 €\)/);
    expect((await api(cp.url, token, 'GET', '/api/v1/billing/credit-notes')).body.creditNotes).toEqual([]);
    await checkPage('billing-credit-note-draft');
    await page.getByLabel(/Je confirme : l'avoir reçoit le numéro suivant/).check();
    await page.getByRole('button', { name: "Émettre l'avoir" }).click();
    await page.waitForURL(/\?avoir=A-2026-000001$/);
    expect(await textOf('#avoirs')).toMatch(/A-2026-000001.*-12,00 €.*Geste commercial/);
  });

  it('records the payment of what Bernard owes once credited: the invoice is paid', async () => {
    await page.goto(`${cp.url}/facturation/factures/F-2026-000001`);
    // 358,80 € invoiced, 12,00 € credited: 346,80 € owed, paid by transfer today.
    await page.getByLabel('Montant reçu TTC en euros').fill('346,80');
    await page.getByLabel('Date de réception').fill(NOW.slice(0, 10));
    await page.getByLabel('Référence (virement, chèque…)').fill('VIR-BERNARD-OCTOBRE');
    await page.getByRole('button', { name: 'Enregistrer le paiement' }).click();
    await page.waitForURL(`${cp.url}/facturation/factures/F-2026-000001#paiements`);
    const block = await textOf('#paiements');
    expect(block).toContain('Payée');
    expect(block).toContain('VIR-BERNARD-OCTOBRE');
    expect((await api(cp.url, token, 'GET', '/api/v1/billing/invoices/F-2026-000001')).body.invoice).toMatchObject({
      status: 'paid',
      balanceDueCents: 0,
    });
    await checkPage('billing-month-invoice-paid');
  });

  it("previews Bernard's plan change, asks what becomes of its override, and makes it once confirmed", async () => {
    await page.goto(`${cp.url}/cabinets/bernard`);
    await page.getByRole('combobox', { name: 'Formule' }).selectOption('enterprise');
    await page.getByRole('button', { name: 'Enregistrer la formule' }).click();
    const preview = await textOf('#apercu-formule');
    expect(preview).toMatch(/Aperçu : professional → enterprise \(299,00 € → 599,00 € HT par mois\)/);
    expect(preview).toContain('Dérogation Utilisateurs max = 2 : à décider');
    // 3 November: 2 days professional (29 900 × 2 / 30 = 1 993) + 28 days enterprise (59 900 × 28 / 30 = 55 907) = 57 900.
    expect(preview).toMatch(/Prochaine facture \(novembre 2026\).*total 579,00 € HT \(\+280,00 € par rapport à la formule actuelle\)/);
    await checkPage('billing-plan-change-preview');
    await page.getByLabel("les supprimer : les limites de la nouvelle formule s'appliquent").check();
    await page.getByRole('button', { name: 'Confirmer le changement de formule' }).click();
    await page.waitForURL(/modifie=1/);
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/bernard')).body.cabinet).toMatchObject({ plan: 'enterprise', overrides: {} });
  });

  it('refuses a month that is not one in French', async () => {
    const res = await page.goto(`${cp.url}/facturation/mois/2026-13/brouillons`);
    expect(res?.status()).toBe(400);
    expect(await textOf('main')).toContain("Mois « 2026-13 » : un mois s'écrit AAAA-MM, par exemple 2026-03.");
    expect(await textOf('main')).not.toContain('must be');
  });

  it('logged no console error and no failed request but the refusals it provoked', () => {
    expect(
      browser.problems.filter((p) => !p.includes('status of 400') && !p.includes('status of 409') && !p.includes('status of 422')),
    ).toEqual([]);
  });
});
