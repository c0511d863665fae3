/**
 * A lawyer acknowledges and closes a deadline in Debian's Chromium, at desktop (1280 px) and
 * phone (390 px) widths (docs/deadlines.md): « Pris en charge » on the case page, the closing form
 * refusing a filing date in the future by field, then « recours déposé » with its Télérecours
 * number; the cabinet asks a second person, so the closing waits, the lawyer has no « Confirmer »,
 * a juriste confirms, and the deadline leaves « Mes échéances ». Every page: no console error, no
 * axe-core violation, a screenshot; at 390 px nothing scrolls sideways.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, textOf, type TestBrowser, checkPage as checkPageOf } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyerBrowser: TestBrowser;
let juristeBrowser: TestBrowser;
const caseIds: Record<string, string> = {};

/** A Paris civil day, `days` from now, as YYYY-MM-DD: notified yesterday, filed today, "tomorrow" is refused. */
const parisDay = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + days * 86_400_000));

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function login(page: Page, email: string): Promise<void> {
  await page.goto(`${appliance.url}/connexion`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${appliance.url}/`);
}

beforeAll(async () => {
  const cpDir = tempDir('signoff-browser-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'lefevre',
    '--name',
    'Cabinet Lefèvre',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('signoff-browser-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'lefevre' });
  const admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@lefevre.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@lefevre.fr', PASSWORD);
  const lawyer = await admin.call('POST', '/api/users', {
    email: 'avocate@lefevre.fr',
    name: 'Maître Lefèvre',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(lawyer.status).toBe(201);
  const second = { email: 'juriste@lefevre.fr', name: 'Juriste Lefèvre', role: 'juriste', password: PASSWORD };
  expect((await admin.call('POST', '/api/users', second)).status).toBe(201);
  expect((await admin.call('PUT', '/api/deadline-rules', { secondConfirmation: true })).status).toBe(200);
  for (const { name } of WIDTHS) {
    const made = await admin.call('POST', '/api/cases', {
      client: { lastName: name === 'phone' ? 'Haddad' : 'Traoré', firstName: 'Awa', nationality: 'ML', birthDate: '1990-03-04' },
      procedure: 'oqtf',
      decisionNotifiedAt: parisDay(-1),
      assignedTo: lawyer.body.user.id,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    caseIds[name] = made.body.case.id;
  }
  lawyerBrowser = await launchBrowser();
  juristeBrowser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await lawyerBrowser?.close();
  await juristeBrowser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe.each(WIDTHS)('a lawyer acknowledges and closes a deadline ($name, $width px)', ({ name, width, height }) => {
  let page: Page;
  let other: Page;
  const check = async (p: Page, browser: TestBrowser, shot: string) => {
    await checkPageOf(p, `signoff-${name}-${shot}`);
    expect(browser.problems).toEqual([]);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  };
  const firstDeadline = (p: Page) => p.locator('#deadline-actions li.deadline-action').first();
  let label = '';
  /** The rows of « Mes échéances » for this case's first deadline (its label, in a row linking to the case). */
  const myRows = async () => {
    await page.goto(`${appliance.url}/mes-echeances`);
    return page
      .locator('#my-deadlines tbody tr')
      .filter({ has: page.locator(`a[href="/dossiers/${caseIds[name]}"]`) })
      .filter({ hasText: label })
      .count();
  };

  it('acknowledges it on the case page', async () => {
    page = await lawyerBrowser.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize({ width, height });
    // One session per browser: the phone run reuses the desktop run's.
    if (name === 'desktop') await login(page, 'avocate@lefevre.fr');
    await page.goto(`${appliance.url}/dossiers/${caseIds[name]}`);
    await expect(textOf(page, '#deadline-actions li.deadline-action .deadline-status')).resolves.toBe('Pas encore prise en charge');
    await check(page, lawyerBrowser, '01-case');
    await firstDeadline(page).getByRole('button', { name: 'Pris en charge' }).click();
    await expect(textOf(page, '#deadline-actions li.deadline-action .deadline-status')).resolves.toMatch(
      /^Prise en charge par avocate@lefevre\.fr le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/,
    );
    label = (await firstDeadline(page).locator('strong').textContent()) ?? '';
    expect(label).not.toBe('');
    expect(await myRows()).toBe(1);
    await page.goto(`${appliance.url}/dossiers/${caseIds[name]}`);
  });

  it('refuses a filing date in the future, naming the field, then asks to close as filed', async () => {
    await firstDeadline(page).getByRole('link', { name: 'Clôturer' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Clôturer l’échéance');
    await check(page, lawyerBrowser, '02-close-form');
    await page.getByLabel('Recours déposé').check();
    // Two days ahead, and filed the notification's day: both hold if the run crosses Paris midnight.
    await page.getByLabel('Date de dépôt du recours').fill(parisDay(2));
    await page.getByLabel('N° d’enregistrement Télérecours').fill('2612345');
    await page.getByRole('button', { name: 'Clôturer l’échéance' }).click();
    await expect(textOf(page, '.error-summary')).resolves.toContain('Date de dépôt du recours : la date de dépôt');
    await expect(textOf(page, '#f-filedOn-error')).resolves.toContain('est dans le futur');
    await expect(page.getByLabel('N° d’enregistrement Télérecours').inputValue()).resolves.toBe('2612345');
    await check(page, lawyerBrowser, '03-close-refused');
    await page.getByLabel('Date de dépôt du recours').fill(parisDay(-1));
    await page.getByRole('button', { name: 'Clôturer l’échéance' }).click();
    expect(new URL(page.url()).pathname).toBe(`/dossiers/${caseIds[name]}`);
    await expect(textOf(page, '#deadline-actions li.deadline-action.is-pending .deadline-status')).resolves.toContain(
      'en attente de la confirmation d’une autre personne',
    );
    // Her own request: no « Confirmer » for her.
    await expect(page.locator('#deadline-actions li.is-pending').getByRole('button', { name: 'Confirmer' }).count()).resolves.toBe(0);
    await check(page, lawyerBrowser, '04-pending');
  });

  it('is confirmed by a juriste, and leaves « Mes échéances »', async () => {
    other = await juristeBrowser.newPage();
    other.setDefaultTimeout(10_000);
    await other.setViewportSize({ width, height });
    if (name === 'desktop') await login(other, 'juriste@lefevre.fr');
    await other.goto(`${appliance.url}/dossiers/${caseIds[name]}`);
    const pending = other.locator('#deadline-actions li.is-pending');
    const remedy = await pending.getAttribute('data-remedy');
    await pending.getByRole('button', { name: 'Confirmer' }).click();
    const closed = other.locator(`#deadline-actions li.is-closed[data-remedy="${remedy}"] .deadline-status`);
    await expect(closed.textContent()).resolves.toMatch(
      /^Recours déposé le \d{2}\/\d{2}\/\d{4}, n° Télérecours 2612345 — clôturée par avocate@lefevre\.fr/,
    );
    await expect(closed.textContent()).resolves.toContain('confirmée par juriste@lefevre.fr');
    await check(other, juristeBrowser, '05-confirmed');

    expect(await myRows()).toBe(0);
    await check(page, lawyerBrowser, '06-my-deadlines');
  });
});
