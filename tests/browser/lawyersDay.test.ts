/**
 * The lawyers' day in Debian's Chromium (issue 16): a cabinet with 150 open cases — OQTF in
 * liberty (1 month), in rétention (48 hours), refus de séjour (with the optional recours gracieux
 * and hiérarchique), refus de visa (mandatory RAPO) — a third assigned to the lawyer. The dashboard
 * opens on « Mes échéances », keeps the optional remedies apart and folded, stays short (measured
 * in the browser), and neither it nor the dossier list scrolls sideways at 390 px. Every page: no
 * console error, no axe-core violation, a screenshot.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf, textOf } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
const CASES = 150;
/**
 * The dashboard's height at 1280 px with these 150 cases: measured at 2 847 px (groups folded and
 * paged, one line per label). The first version, with the deadlines card in a narrow column and
 * labels wrapping, measured 6 046 px; one without folding or pages would list some 250 deadlines.
 */
const MAX_DASHBOARD_HEIGHT = 3_500;
let cp: TestControlPlane;
let appliance: TestAppliance;
let browser: TestBrowser;
let page: Page;

const checkPage = (name: string) => checkPageOf(page, name);

/** A Paris date `days` before today: the appliance runs on the real clock here. */
function daysAgo(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - days * 86_400_000));
}

/** The page's own widths and height, as the browser lays it out. */
const layout = () => page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));

beforeAll(async () => {
  const cpDir = tempDir('cp-day-');
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
  appliance = await startAppliance(tempDir('garnier-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'garnier' });
  const admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@garnier.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await admin.login('admin@garnier.fr', PASSWORD);
  const lawyer = await admin.call('POST', '/api/users', {
    email: 'avocat@garnier.fr',
    name: 'Maître Garnier',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(lawyer.status).toBe(201);
  const colleague = await admin.call('POST', '/api/users', {
    email: 'paul@garnier.fr',
    name: 'Maître Paul',
    role: 'avocat',
    password: PASSWORD,
  });
  for (let i = 0; i < CASES; i++) {
    const kind = i % 6;
    const body: Record<string, unknown> = {
      client: { lastName: `Client${i}`, firstName: 'Test', nationality: 'DZ', birthDate: '1985-01-01' },
      assignedTo: i % 3 === 0 ? lawyer.body.user.id : colleague.body.user.id,
      // Spread over 40 days: some deadlines passed, some today, most ahead.
      decisionNotifiedAt: daysAgo(i % 40),
      procedure: 'oqtf',
      facts: { libertyStatus: 'free' },
    };
    if (kind === 1) Object.assign(body, { procedure: 'refus_titre_sejour', facts: { oqtfAccompanies: false } });
    if (kind === 2) Object.assign(body, { procedure: 'refus_visa', facts: { visaType: 'long_sejour' } });
    // Rétention: 48 hours from a notification a few hours ago (CESEDA L. 921-2).
    if (kind === 3)
      Object.assign(body, {
        procedure: 'oqtf_retention',
        facts: {},
        decisionNotifiedAt: new Date(Date.now() - (i % 30) * 3_600_000).toISOString(),
      });
    const res = await admin.call('POST', '/api/cases', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe('the lawyers’ day at 150 cases', () => {
  it('opens the dashboard on the lawyer’s own deadlines, with the weekday and what is left', async () => {
    await page.goto(`${appliance.url}/connexion`);
    await page.getByLabel('Adresse e-mail').fill('avocat@garnier.fr');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    const sections = await page.locator('.deadline-section > h3, .deadline-section > summary h3').allTextContents();
    expect(sections.map((s) => s.replace(/\s*\(\d+\)$/, ''))).toEqual([
      'Mes échéances',
      'Les autres dossiers du cabinet',
      'Recours facultatifs (gracieux, hiérarchique)',
    ]);
    const first = await textOf(page, '.deadline-section.mine .deadlines li .when');
    expect(first).toMatch(/^(lun|mar|mer|jeu|ven|sam|dim)\. \d{1,2} \S+ \d{4}(, \d{2}:\d{2})? (il y a|dans|aujourd’hui|demain|hier)/);
    // The optional remedies are folded; the RAPO (mandatory) is not among them.
    expect(await page.locator('details.optional').getAttribute('open')).toBeNull();
    expect(await page.locator('details.optional .deadlines li', { hasText: 'préalable obligatoire' }).count()).toBe(0);
    await checkPage('day-01-dashboard');
  });

  it('keeps the dashboard short at 150 cases, and pages a long group', async () => {
    const { height } = await layout();
    expect(height).toBeLessThan(MAX_DASHBOARD_HEIGHT);
    const next = page.locator('.group-pages a', { hasText: 'Suivantes' }).first();
    await next.click();
    await page.waitForURL(/groupe=.*page=2/);
    await expect(textOf(page, '.group-pages span')).resolves.toMatch(/^11–\d+ sur \d+$/);
    await checkPage('day-02-dashboard-page-2');
  });

  it('does not scroll sideways at 390 px: the dashboard and the dossier list', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${appliance.url}/`);
    expect((await layout()).width).toBeLessThanOrEqual(390);
    await checkPage('day-03-dashboard-390');
    await page.goto(`${appliance.url}/dossiers`);
    expect((await layout()).width).toBeLessThanOrEqual(390);
    // The next deadline first: the first row's is the soonest still open.
    await expect(textOf(page, 'table.cases tbody tr td[data-label="Prochaine échéance"]')).resolves.toMatch(/dans|aujourd’hui|demain/);
    await checkPage('day-04-list-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('filters « mes dossiers » and says a page past the end in French', async () => {
    await page.goto(`${appliance.url}/dossiers`);
    await page.getByLabel('Mes dossiers seulement').check();
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(/mes=1/);
    // Case i is the lawyer's when i % 3 === 0: 50 of 150, two pages of 25.
    await expect(textOf(page, '.pagination span:nth-child(2)')).resolves.toBe('Page 1 sur 2 — 50 dossier(s)');
    await checkPage('day-05-list-mine');
    await page.goto(`${appliance.url}/dossiers?mes=1&page=999`);
    await expect(textOf(page, '.page-empty')).resolves.toBe(
      'Aucun résultat sur cette page : la liste compte 2 page(s). Aller à la dernière page',
    );
    await page.getByRole('link', { name: 'Aller à la dernière page' }).click();
    await expect(page.locator('table.cases tbody tr').count()).resolves.toBe(25);
    expect(browser.problems).toEqual([]);
  });
});
