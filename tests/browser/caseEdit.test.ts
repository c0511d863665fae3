/**
 * A lawyer edits a case in Debian's Chromium, at desktop width then on a phone (390 px): from the
 * case page's « Modifier le dossier » to the edit page, a notification hour entered (the analysis
 * asks for it), the change said field by field on the case page with the analysis flagged stale;
 * then, on the phone, closing the case is refused until its outcome is chosen. Every page: no
 * console error, no axe-core violation, no sideways scrolling on the phone, a screenshot.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, textOf, type TestBrowser, checkPage as checkPageOf } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let browser: TestBrowser;
let page: Page;
let caseId = '';

async function checkPage(name: string): Promise<void> {
  await checkPageOf(page, name);
  expect(browser.problems).toEqual([]);
}

beforeAll(async () => {
  const cpDir = tempDir('caseedit-browser-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'lemaire',
    '--name',
    'Cabinet Lemaire',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('caseedit-browser-lemaire-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'lemaire' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@lemaire.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@lemaire.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocate@lemaire.fr', name: 'Maître Lemaire', role: 'avocat', password: PASSWORD }))
      .status,
  ).toBe(201);
  const lawyer = new Browser(appliance.url);
  await lawyer.login('avocate@lemaire.fr', PASSWORD);
  const c = await lawyer.call('POST', '/api/cases', {
    client: { lastName: 'Traoré', firstName: 'Moussa', nationality: 'ML', birthDate: '1989-09-21' },
    procedure: 'oqtf_assignation_residence',
    decisionNotifiedAt: '2026-03-03',
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  caseId = c.body.case.id;
  expect((await lawyer.call('POST', `/api/cases/${caseId}/analyses`, {})).status).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe('a lawyer edits a case', () => {
  it('logs in', async () => {
    await page.goto(`${appliance.url}/connexion`);
    await page.getByLabel('Adresse e-mail', { exact: true }).fill('avocate@lemaire.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
  });

  it('at desktop width, enters the notification hour and sees the change on the case page', async () => {
    await page.goto(`${appliance.url}/dossiers/${caseId}`);
    await page.getByRole('link', { name: 'Modifier le dossier' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Modifier le dossier');
    await expect(page.getByLabel('Nom', { exact: true }).inputValue()).resolves.toBe('Traoré');
    await expect(page.getByLabel('Date de notification', { exact: true }).inputValue()).resolves.toBe('2026-03-03');
    await page.getByLabel('Heure de notification (délais en heures)').fill('16:40');
    await page.getByLabel('Numéro AGDREF').fill('9312345678');
    await checkPage('caseedit-01-desktop-form');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    expect(new URL(page.url()).pathname).toBe(`/dossiers/${caseId}`);
    await expect(page.locator('.flash.ok').first().textContent()).resolves.toBe('Modifications enregistrées.');
    const changes = await textOf(page, 'section[aria-labelledby="case-changes-title"]');
    expect(changes).toContain('Date de notification : 3 mars 2026 → 3 mars 2026 à 16:40');
    expect(changes).toContain('Numéro AGDREF : (vide) → 9312345678');
    expect(changes).toMatch(/par Maître Lemaire, le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await expect(textOf(page, 'p.warning[role="status"]')).resolves.toContain(
      'La date de notification a changé depuis la dernière analyse',
    );
    await checkPage('caseedit-02-desktop-case-page');
  });

  it('on a phone (390 px), closes the case only once its outcome is chosen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${appliance.url}/dossiers/${caseId}/modifier`);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await page.getByLabel('Statut du dossier').selectOption('closed');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await expect(textOf(page, '.error-summary')).resolves.toContain(
      'Issue du dossier : indiquez comment le dossier s’est terminé (annulation, rejet, désistement, non-lieu…) pour le clore ou l’archiver.',
    );
    // The form kept the status chosen.
    await expect(page.getByLabel('Statut du dossier').inputValue()).resolves.toBe('closed');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await checkPage('caseedit-03-phone-outcome-required');
    await page.getByLabel('Issue du dossier').selectOption('lost');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    expect(new URL(page.url()).pathname).toBe(`/dossiers/${caseId}`);
    const changes = await textOf(page, 'section[aria-labelledby="case-changes-title"]');
    expect(changes).toContain('Statut du dossier : Ouvert → Clos');
    expect(changes).toContain('Issue du dossier : (vide) → Rejet');
    // The block fits the phone (the analysis's table further down is wider, and scrolls on its own: not this page's part).
    const block = await page.locator('section[aria-labelledby="case-changes-title"]').boundingBox();
    expect(block!.x + block!.width).toBeLessThanOrEqual(390);
    await checkPage('caseedit-04-phone-case-closed');
  });
});
