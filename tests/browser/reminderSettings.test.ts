/**
 * The reminder settings in Debian's Chromium, against real processes and a real SMTP server in this
 * test: an administrator sets the mail server on /admin/rappels (a bad port said beside its field),
 * sends the test mail, and a lawyer chooses the daily digest on « Mes rappels », reached from
 * « Mes échéances ». Every page: no console error, no axe-core violation, a screenshot.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf, textOf } from '../support/browser.js';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink.js';
import { waitFor } from '../support/waitFor.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let sink: SmtpSink;
let browser: TestBrowser;
let page: Page;

async function checkPage(name: string): Promise<void> {
  await checkPageOf(page, name);
  expect(browser.problems).toEqual([]);
}

async function logIn(email: string): Promise<void> {
  await page.goto(`${appliance.url}/connexion`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
}

beforeAll(async () => {
  sink = await startSmtpSink();
  const cpDir = tempDir('reminders-browser-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'roux', '--name', 'Cabinet Roux', '--plan', 'professional', '--json']);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('reminders-browser-roux-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'roux' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@roux.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@roux.fr', PASSWORD);
  const lawyer = await setup.call('POST', '/api/users', {
    email: 'avocat@roux.fr',
    name: 'Maître Roux',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(lawyer.status).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
  await sink?.close();
});

describe('reminder settings in a browser', () => {
  it('sets the mail server on /admin/rappels, a bad port said beside its field, then sends the test', async () => {
    await logIn('admin@roux.fr');
    await page.goto(`${appliance.url}/admin/rappels`);
    expect(await textOf(page, '#mail-source')).toBe('Aucun serveur de messagerie : les rappels ne sont pas envoyés.');
    await checkPage('reminders-01-admin-empty');
    const port = new URL(sink.url).port;
    await page.getByLabel('Serveur (nom ou adresse)').fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill('0');
    await page.getByLabel('Adresse d’expédition').fill('echeances@roux.fr');
    await page.getByRole('button', { name: 'Enregistrer le serveur' }).click();
    expect(await textOf(page, '#f-port-error')).toBe('Port : Un nombre de 1 à 65535 : 587 pour STARTTLS, 465 pour TLS.');
    await checkPage('reminders-02-admin-bad-port');
    await page.getByLabel('Port', { exact: true }).fill(port);
    await page.getByRole('button', { name: 'Enregistrer le serveur' }).click();
    expect(await textOf(page, '.flash')).toContain(`les rappels partent désormais par 127.0.0.1:${port}`);
    const before = sink.received.length;
    await page.getByRole('button', { name: 'Envoyer un test à mon adresse' }).click();
    expect(await textOf(page, '.flash')).toContain(`Message de test accepté par 127.0.0.1:${port}, envoyé à admin@roux.fr.`);
    await waitFor(
      () => sink.received.slice(before),
      (m) => m.length === 1,
      { what: 'the test mail' },
    );
    await checkPage('reminders-03-admin-saved');
  });

  it('lets the lawyer choose the daily digest on « Mes rappels », reached from « Mes échéances »', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await logIn('avocat@roux.fr');
    await page.getByRole('link', { name: 'Mes échéances' }).click();
    await page.getByRole('link', { name: 'Choisir comment je reçois mes rappels' }).click();
    expect(new URL(page.url()).pathname).toBe('/mes-rappels');
    await checkPage('reminders-04-my-reminders');
    await page.getByLabel(/Un résumé quotidien à 8 h/).check();
    await page.getByLabel('7 jours avant le dernier jour (8 h)').uncheck();
    await page.getByRole('button', { name: 'Enregistrer mes choix' }).click();
    expect(await textOf(page, '.flash')).toBe('Vos préférences de rappel sont enregistrées.');
    await expect(page.getByLabel('7 jours avant le dernier jour (8 h)').isChecked()).resolves.toBe(false);
    await expect(page.getByLabel(/Un résumé quotidien/).isChecked()).resolves.toBe(true);
  });
});
