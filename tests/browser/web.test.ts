/**
 * The cabinet's web UI in Debian's Chromium, against the real control plane and appliance
 * processes: the setup wizard from a fresh DATA_DIR, then a lawyer's day (log in, create a case,
 * upload and download a document, export the deadlines), and an admin adding users until the plan
 * refuses one more. Every page: no console error, no axe-core violation, a screenshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { freePort, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let browser: TestBrowser;
let page: Page;
let code: string;
let caseUrl: string;
let base: string;

/** Yesterday in Paris as YYYY-MM-DD: a notification whose deadlines are still ahead. */
function yesterday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - 86_400_000));
}

/** Screenshot and accessibility check of the page as it is now. */
const checkPage = (name: string) => checkPageOf(page, name);

beforeAll(async () => {
  const cpDir = tempDir('web-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'martin', '--name', 'Cabinet Martin', '--plan', 'starter', '--json']);
  expect(created.code, created.stderr).toBe(0);
  code = created.json.enrollmentCode as string;
  const httpsPort = await freePort();
  appliance = await startAppliance(tempDir('web-martin-'), {
    CONTROL_PLANE_URL: cp.url,
    CLIENT_ID: 'martin',
    CLIENT_NAME: 'Cabinet Martin & Associés',
    CLIENT_COLOR: '#1f4e79',
    CLIENT_SIRET: '73282932000074',
    MAX_ANALYSIS_MONTHLY: '1',
    TLS: 'true',
    TLS_PORT: String(httpsPort),
    TLS_PUBLIC_PORT: String(httpsPort),
  });
  // The cabinet's browsers use HTTPS (plain HTTP redirects there): so does this test.
  base = `https://127.0.0.1:${httpsPort}`;
  browser = await launchBrowser({ ignoreHTTPSErrors: true });
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe('the web UI in a browser', () => {
  it('sends a fresh appliance to the setup wizard, which shows what leaves the cabinet', async () => {
    await page.goto(`${base}/dossiers`);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await expect(page.locator('h1').textContent()).resolves.toBe('Mise en service');
    await expect(page.locator('table').first().textContent()).resolves.toContain('usage.casesOpen');
    // The LAN HTTPS certificate's fingerprint, as the TLS module exposes it.
    await expect(page.locator('aside .fingerprint code').first().textContent()).resolves.toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
    expect(await page.locator('body').textContent()).toContain('Cabinet Martin & Associés');
    await checkPage('01-setup-enroll');
  });

  it('names the field when the enrollment code is missing', async () => {
    await page.getByRole('button', { name: 'Inscrire l’appareil' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Code d’inscription : ce champ est obligatoire.');
    await checkPage('02-setup-enroll-error');
  });

  it('enrolls with the code, then creates the first admin, skips the mail step and opens the dashboard', async () => {
    await page.getByLabel('Code d’inscription').fill(code);
    await page.getByRole('button', { name: 'Inscrire l’appareil' }).click();
    await expect(page.locator('#step-title').textContent()).resolves.toBe('2. Premier administrateur');
    await checkPage('03-setup-admin');
    await page.getByLabel('Nom complet', { exact: true }).fill('Claire Martin');
    await page.getByLabel('Adresse e-mail', { exact: true }).fill('claire@martin.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer l’administrateur' }).click();
    // The optional mail step of the reminders (docs/reminders.md), skipped here.
    expect(new URL(page.url()).pathname).toBe('/setup/messagerie');
    await expect(page.locator('#step-title').textContent()).resolves.toBe('3. Messagerie des rappels (facultatif)');
    await page.getByRole('link', { name: 'Passer cette étape' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    await checkPage('04-dashboard-empty');
  });

  it('adds users until the starter plan refuses one more, naming the plan that allows more', async () => {
    await page.getByRole('link', { name: 'Administration' }).click();
    // The users' page of the administration (docs/administration.md); the account with a password
    // the admin chooses is under its own disclosure, below the invitation form.
    await page.locator('nav.subnav').getByRole('link', { name: 'Utilisateurs' }).click();
    const create = page.locator('#ajouter');
    for (const [name, email, role] of [
      ['Paul Avocat', 'paul@martin.fr', 'avocat'],
      ['Sofia Juriste', 'sofia@martin.fr', 'juriste'],
    ] as const) {
      await create.locator('summary').click();
      await create.getByLabel('Nom complet', { exact: true }).fill(name);
      await create.getByLabel('Adresse e-mail', { exact: true }).fill(email);
      await create.getByLabel('Rôle', { exact: true }).selectOption(role);
      await create.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
      await create.getByRole('button', { name: 'Ajouter l’utilisateur' }).click();
      await expect(page.locator('.flash.ok').textContent()).resolves.toBe('Utilisateur ajouté.');
    }
    await checkPage('05-admin');
    await create.locator('summary').click();
    await create.getByLabel('Nom complet', { exact: true }).fill('Léa Secrétaire');
    await create.getByLabel('Adresse e-mail', { exact: true }).fill('lea@martin.fr');
    await create.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await create.getByRole('button', { name: 'Ajouter l’utilisateur' }).click();
    const refusal = await page.locator('.flash.error').textContent();
    expect(refusal).toContain('Votre formule Starter permet 3 utilisateurs actifs et tous sont utilisés.');
    expect(refusal).toContain('La formule Professionnel en permet davantage');
    await checkPage('06-admin-plan-refusal');
  });

  it('logs out, refuses a wrong password in French, and logs the lawyer in', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page.locator('.flash.ok').textContent()).resolves.toBe('Vous êtes déconnecté·e.');
    await page.getByLabel('Adresse e-mail', { exact: true }).fill('paul@martin.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.locator('.error-summary').textContent()).resolves.toContain('Adresse e-mail ou mot de passe incorrect.');
    await checkPage('07-login-error');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
  });

  it('explains each missing field of the new-case form, then creates the case', async () => {
    await page.getByRole('link', { name: 'Dossiers' }).click();
    await page.getByRole('link', { name: 'Nouveau dossier' }).click();
    await page.getByRole('button', { name: 'Créer le dossier' }).click();
    const summary = await page.locator('.error-summary').textContent();
    expect(summary).toContain('Nom : ce champ est obligatoire.');
    expect(summary).toContain('Date de notification : ce champ est obligatoire.');
    await checkPage('08-new-case-errors');
    await page.getByLabel('Nom', { exact: true }).fill('Diallo');
    await page.getByLabel('Prénom').fill('Aminata');
    // The picker takes the country's French name (a datalist suggests it as one types); the case stores SN.
    await page.getByLabel('Nationalité', { exact: true }).fill('Sénégal');
    await page.getByLabel('Date de naissance').fill('1991-04-12');
    await page.getByLabel('Procédure').selectOption('oqtf');
    await page.getByLabel('Date de notification', { exact: true }).fill(yesterday());
    await page.getByLabel('Notes').fill('<script>alert("x")</script> client joignable le matin');
    await page.getByRole('button', { name: 'Créer le dossier' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/dossiers\/[0-9a-f-]{36}$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('DIALLO Aminata');
    expect(await page.locator('dl.facts').textContent()).toContain('<script>alert("x")</script>');
    await checkPage('09-case');
  });

  it('uploads a document and downloads the same bytes', async () => {
    const file = path.join(tempDir('web-upload-'), 'décision préfecture.pdf');
    const bytes = Buffer.from('%PDF-1.4\n% test document\n%%EOF\n');
    fs.writeFileSync(file, bytes);
    await page.getByLabel('Fichier').setInputFiles(file);
    await page.getByRole('button', { name: 'Ajouter la pièce' }).click();
    const link = page.getByRole('link', { name: 'décision préfecture.pdf' });
    await expect(link.count()).resolves.toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('décision préfecture.pdf');
    expect(fs.readFileSync(await download.path())).toEqual(bytes);
    // The case history in French, newest first.
    await expect(page.locator('section[aria-labelledby=history-title] li').allTextContents()).resolves.toEqual([
      expect.stringMatching(/paul@martin\.fr — Pièce ajoutée$/),
      expect.stringMatching(/paul@martin\.fr — Dossier créé$/),
    ]);
    await checkPage('10-case-with-document');
  });

  it('shows the case’s deadlines and exports them as an ICS calendar', async () => {
    await expect(page.locator('section[aria-labelledby=deadlines-title] .deadlines li').count()).resolves.toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le calendrier (.ics)' }).click(),
    ]);
    const ics = fs.readFileSync(await download.path(), 'utf8');
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).not.toContain('DIALLO');
    expect(download.suggestedFilename()).toMatch(/^echeances-D-\d{4}-\d{4}\.ics$/);
  });

  it('runs the analysis, shows each rule with its article, and exports it as a PDF', async () => {
    caseUrl = page.url().replace(/#.*$/, '');
    await page.getByRole('button', { name: 'Lancer l’analyse' }).click();
    const section = page.locator('section[aria-labelledby=analysis-title]');
    await expect(section.locator('ul.rules li').count()).resolves.toBeGreaterThan(0);
    expect(await section.textContent()).toMatch(/CESEDA|CJA/);
    // The OQTF of a person at liberty, explained in French: one month, délai franc, and the
    // administrative recours that has no délai of its own.
    const rows = section.locator('tbody tr');
    await expect(rows.first().locator('td').first().textContent()).resolves.toBe(
      'Recours en annulation (procédure collégiale spéciale, 1 mois)',
    );
    const steps = await rows.first().locator('td').nth(3).textContent();
    expect(steps).toMatch(
      /^Décision notifiée le (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2}(er)? \S+ \d{4} ; le jour de la notification n’est pas compté\. Délai d’un mois : échéance le /,
    );
    expect(steps).toContain('L’aide juridictionnelle peut être demandée au plus tard lors de l’introduction du recours (L. 911-1 al. 2).');
    await expect(rows.nth(1).locator('td').nth(2).textContent()).resolves.toBe('À déterminer');
    await expect(page.locator('section[aria-labelledby=history-title] li').first().textContent()).resolves.toMatch(
      /— Analyse CESEDA lancée$/,
    );
    await checkPage('11-case-analysis');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter l’analyse (PDF)' }).click(),
    ]);
    const pdf = fs.readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('refuses an analysis over the starter quota with the plan that allows more', async () => {
    await page.goto(caseUrl);
    await page.getByRole('button', { name: 'Lancer l’analyse' }).click();
    const refusal = await page.locator('.flash.error').textContent();
    expect(refusal).toContain('Le quota mensuel d’analyses de votre formule Starter (1) est atteint.');
    expect(refusal).toContain('La formule Professionnel en permet davantage');
    await checkPage('12-analysis-quota-refusal');
  });

  it('shows a French 404 page for an address that does not exist', async () => {
    const url = `${base}/dossiers/nulle-part/rien`;
    const response = await page.goto(url);
    expect(response?.status()).toBe(404);
    // Chromium reports every 404 on its console: this one is expected, any other still fails the run.
    const expected = `console: Failed to load resource: the server responded with a status of 404 (Not Found) (${url})`;
    await expect.poll(() => browser.problems.includes(expected)).toBe(true);
    browser.problems.splice(browser.problems.indexOf(expected), 1);
    await expect(page.locator('h1').textContent()).resolves.toBe('Une erreur est survenue');
    await expect(page.locator('main').textContent()).resolves.toContain('Cette page n’existe pas.');
    await checkPage('12b-not-found');
  });

  it('finds the case from the list with an accent-insensitive search', async () => {
    await page.goto(`${base}/dossiers?q=diallo`);
    await expect(page.locator('table.cases tbody tr').count()).resolves.toBe(1);
    await checkPage('13-case-list');
    await page.goto(`${base}/dossiers?q=personne`);
    await expect(page.locator('main').textContent()).resolves.toContain('Aucun dossier ne correspond.');
  });

  it('shows the open case by procedure on the dashboard, and switches to English', async () => {
    await page.goto(`${base}/`);
    await expect(page.locator('section[aria-labelledby=proc-title]').textContent()).resolves.toContain('OQTF (personne libre)');
    // The case's deadline, under its urgency, links to the case.
    await expect(
      page
        .locator('section[aria-labelledby=dl-title]')
        .getByRole('link', { name: /DIALLO Aminata/ })
        .first()
        .getAttribute('href'),
    ).resolves.toBe(new URL(caseUrl).pathname);
    await checkPage('14-dashboard');
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Dashboard');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await checkPage('15-dashboard-en');
  });

  it('gives the lawyer a calendar subscription URL that revoking stops', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Create a subscription URL' }).click();
    const url = await page.locator('#ics-url').inputValue();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/calendrier\/[A-Za-z0-9_-]{32}\.ics$/);
    await checkPage('16-calendar-feed');
    const feed = await page.request.get(url);
    expect(feed.status()).toBe(200);
    const ics = await feed.text();
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).not.toContain('DIALLO');
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Revoke the URL' }).click();
    expect((await page.request.get(url)).status()).toBe(404);
  });

  it('saw no console error or failed request on any page', () => {
    expect(browser.problems).toEqual([]);
  });
});
