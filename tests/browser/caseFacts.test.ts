/**
 * A lawyer opens a refusal of a titre that came with an OQTF through the new questions of the
 * new-case form, in Debian's Chromium: the letter's dates show only for "lettre recommandée", the
 * case opens as the OQTF with the reason said, and its analysis page is short — the summary card
 * names the one-month OQTF deadline (CESEDA L. 911-1), routes and rules are collapsed — where it
 * used to run to 8 200–8 700 pixels. Then the questionnaire. Every page: no console error, no
 * axe-core violation, a screenshot.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let browser: TestBrowser;
let page: Page;

/** Yesterday in Paris as YYYY-MM-DD: a notification whose one-month deadline is still ahead. */
function yesterday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - 86_400_000));
}

async function checkPage(name: string): Promise<void> {
  await checkPageOf(page, name);
  expect(browser.problems).toEqual([]);
}

beforeAll(async () => {
  const cpDir = tempDir('facts-browser-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'garnier',
    '--name',
    'Cabinet Garnier',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('facts-browser-garnier-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'garnier' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@garnier.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@garnier.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocate@garnier.fr', name: 'Maître Garnier', role: 'avocat', password: PASSWORD }))
      .status,
  ).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe('a refusal with an OQTF, from the new questions to a short analysis', () => {
  it('logs the lawyer in', async () => {
    await page.goto(`${appliance.url}/connexion`);
    await page.getByLabel('Adresse e-mail', { exact: true }).fill('avocate@garnier.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
  });

  it('asks the facts that set the deadline, the letter’s dates only for a registered letter', async () => {
    await page.goto(`${appliance.url}/dossiers/nouveau`);
    await page.getByLabel('Nom', { exact: true }).fill('Mansouri');
    await page.getByLabel('Prénom').fill('Yacine');
    await page.getByLabel('Nationalité', { exact: true }).fill('Maroc');
    await page.getByLabel('Date de naissance').fill('1992-07-03');
    await page.getByLabel('Procédure').selectOption('refus_titre_sejour');
    await expect(page.getByLabel('Procédure').locator('option:checked').textContent()).resolves.toBe('Refus de titre de séjour sans OQTF');
    await page.getByRole('group', { name: 'La décision est-elle assortie d’une OQTF ?' }).getByLabel('Oui').check();
    await page.getByLabel('Situation de la personne aujourd’hui').selectOption('free');
    await page.getByLabel('Territoire où la décision a été prise').selectOption('metropole');
    await page.getByLabel('Tribunal compétent (indiqué dans les « voies et délais »)').fill('TA de Lyon');
    const letter = page.getByRole('group', { name: 'Lettre recommandée' });
    await expect(letter.isVisible()).resolves.toBe(false);
    await page.getByLabel('Mode de notification').selectOption('registered_letter');
    await expect(letter.isVisible()).resolves.toBe(true);
    await checkPage('facts-01-new-case-letter');
    await page.getByLabel('Mode de notification').selectOption('in_person');
    await expect(letter.isVisible()).resolves.toBe(false);
    await page.getByLabel('Date de notification', { exact: true }).fill(yesterday());
    await page.getByLabel('Heure de notification (délais en heures)').fill('10:30');
    await page.getByRole('button', { name: 'Créer le dossier' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/dossiers\/[0-9a-f-]{36}$/);
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain(
      'est assorti d’une OQTF : le dossier est ouvert en « OQTF (personne libre) »',
    );
    await expect(page.locator('dl.facts').first().textContent()).resolves.toContain('OQTF (personne libre)');
    await checkPage('facts-02-case-derived');
  });

  it('shows a short analysis that opens with the one-month OQTF deadline', async () => {
    await page.getByRole('button', { name: 'Lancer l’analyse' }).click();
    const card = page.locator('.summary-card');
    await expect(card.count()).resolves.toBe(1);
    const text = await card.textContent();
    expect(text).toContain('Recours en annulation (procédure collégiale spéciale, 1 mois)');
    expect(text).toContain('CESEDA L. 911-1');
    expect(text).toMatch(/\(reste \d+ jour\(s\)\)/);
    expect(text).toContain('L’avocat vérifie chaque échéance calculée au regard de l’acte de notification lui-même');
    // The routes the facts do not support, and the rules, are folded away.
    await expect(page.locator('details.other-routes').getAttribute('open')).resolves.toBeNull();
    await expect(page.locator('details.rules-applied').getAttribute('open')).resolves.toBeNull();
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    // At 1280 px wide the old page was 8 200–8 700 px tall with no facts; with the estimate's
    // caveats, source and unknown facts shown (issue 15) it measures about 3 100 px.
    expect(height).toBeLessThan(3_500);
    await checkPage('facts-03-short-analysis');
  });

  it('fills the questionnaire, whose answers are kept', async () => {
    await page.getByRole('link', { name: 'Compléter les faits (questionnaire)' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Questionnaire : les faits du dossier');
    await page.getByRole('group', { name: 'Parent d’un enfant français' }).getByLabel('Oui').check();
    await page.getByLabel('Nombre d’enfants en France').fill('1');
    await checkPage('facts-04-questionnaire');
    await page.getByRole('button', { name: 'Enregistrer les faits' }).click();
    await expect(page.locator('.flash.ok').textContent()).resolves.toBe('Faits enregistrés. Relancez l’analyse pour en tenir compte.');
    await page.getByRole('link', { name: 'Compléter les faits (questionnaire)' }).click();
    await expect(page.getByRole('group', { name: 'Parent d’un enfant français' }).getByLabel('Oui').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Nombre d’enfants en France').inputValue()).resolves.toBe('1');
  });
});
