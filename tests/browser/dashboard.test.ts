/**
 * The vendor dashboard in Debian's Chromium, against a real control plane with three enrolled
 * (simulated) appliances whose signed heartbeats — and air-gapped usage reports for the weeks
 * before — fill the history: login, the fleet filtered by status, a cabinet with its charts, a
 * plan change and a new enrollment code as admin, and the support role (no prices, no plan
 * change). Every page: no console error, no axe-core violation, a screenshot.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAppliance,
  api,
  createAdminToken,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf } from '../support/browser.js';
import { parisMonth, previousMonth } from '../../control-plane/src/domain/billing/calendar.js';

const PASSWORD = 'correct horse battery staple';
const HOUR = 3600;
let cp: TestControlPlane;
let dataDir: string;
let token: string;
let browser: TestBrowser;
let page: Page;

/** Text with every kind of space as a plain one (French number formats use narrow no-break spaces). */
async function textOf(selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s/g, ' ');
}

const checkPage = (name: string) => checkPageOf(page, name);

async function login(email: string): Promise<void> {
  await page.goto(`${cp.url}/`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${cp.url}/`);
}

/** A month of history: a usage report a day for 29 days, then a heartbeat an hour for the last 12 hours. */
async function fillHistory(appliance: FakeAppliance, health: Record<string, unknown>, growth: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  // Only the current month and the one before are accepted (month_out_of_range): on March 1st, 29 days back is still January.
  const oldest = previousMonth(parisMonth(new Date(now * 1000)));
  const monthOf = (iat: number) => [oldest, new Date(iat * 1000).toISOString().slice(0, 7)].sort().at(-1)!;
  const send = async (iat: number, route: string, step: number) => {
    const base = appliance.payload({ iat, month: monthOf(iat) });
    const payload = {
      ...base,
      usage: { ...base.usage, usersActive: 1 + Math.floor(step / 20), casesOpen: 100 + step * growth, analysesUsed: step * 2 },
      health: {
        ...base.health,
        version: '1.2.0',
        cpuLoad: 0.2 + 0.3 * Math.abs(Math.sin(step / 3)),
        memoryUsedRatio: 0.45 + step / 200,
        diskFreeRatio: Math.max(0.02, 0.6 - step / 100),
        lastBackupAt: new Date((iat - HOUR) * 1000).toISOString(),
        ...health,
      },
    };
    const jws = await appliance.sign(payload);
    const res = await fetch(`${cp.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
    expect(res.status).toBe(202);
  };
  for (let d = 29; d >= 1; d--) await send(now - d * 24 * HOUR, '/v1/usage-reports', 29 - d);
  for (let h = 11; h >= 0; h--) await send(now - h * HOUR, '/v1/heartbeats', 30 + (11 - h));
}

beforeAll(async () => {
  dataDir = `${tempDir('dash-cp-')}/data`;
  fs.mkdirSync(dataDir);
  token = await createAdminToken(dataDir, 'admin@vendor.test', 'admin');
  for (const role of ['support', 'billing']) {
    const r = await runCli(dataDir, ['admin', 'create', '--email', `${role}@vendor.test`, '--role', role], { input: `${PASSWORD}\n` });
    expect(r.code, r.stderr).toBe(0);
  }
  // A heartbeat an hour for the last 12 hours needs the clock check widened for this test.
  cp = await startControlPlane(dataDir, {
    MAX_CLOCK_SKEW_SECONDS: String(13 * HOUR),
    FLEET_CHECK_INTERVAL_SECONDS: '1',
    LATEST_APPLIANCE_VERSION: '1.2.0',
  });
  const fleet = [
    { id: 'dupont', name: 'Cabinet Dupont & Associés', plan: 'professional', health: {}, growth: 20 },
    { id: 'martin', name: 'Cabinet Martin', plan: 'starter', health: { diskFreeRatio: 0.03 }, growth: 8 },
    { id: 'bernard', name: 'Cabinet Bernard', plan: 'enterprise', health: { version: '1.1.0' }, growth: 60 },
  ];
  for (const c of fleet) {
    const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', {
      id: c.id,
      name: c.name,
      plan: c.plan,
      siret: '73282932000074',
      email: `contact@${c.id}.fr`,
    });
    expect(created.status).toBe(201);
    const appliance = new FakeAppliance(cp.url);
    expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
    await fillHistory(appliance, c.health, c.growth);
  }
  // A cabinet not enrolled yet.
  expect((await api(cp.url, token, 'POST', '/api/v1/cabinets', { id: 'petit', name: 'Cabinet Petit', plan: 'starter' })).status).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the vendor dashboard in a browser', () => {
  it('asks for a login, refuses a wrong password without saying which part was wrong', async () => {
    await page.goto(`${cp.url}/cabinets/dupont`);
    expect(new URL(page.url()).pathname).toBe('/connexion');
    await checkPage('dashboard-login');
    await page.getByLabel('Adresse e-mail').fill('admin@vendor.test');
    await page.getByLabel('Mot de passe').fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Adresse e-mail ou mot de passe incorrect.');
  });

  it('shows the fleet to an admin and filters it by status on the server, without script', async () => {
    await login('admin@vendor.test');
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await expect(page.getByRole('navigation', { name: 'Navigation principale' }).textContent()).resolves.toBe(
      'ParcCabinetsAlertesDemandesFacturationRevenusAdministrateurs',
    );
    await page.getByLabel('Statut', { exact: true }).selectOption('critical');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.waitForURL(/status=critical/);
    const rows = page.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toMatch(/Cabinet Martin.*Critique.*Disque libre 3 %/);
    await checkPage('dashboard-fleet-filtered');
    await page.getByRole('link', { name: 'Avertissement : 1' }).click();
    await expect(page.locator('tbody tr').first().textContent()).resolves.toMatch(
      /Cabinet Bernard.*Version 1\.1\.0, la dernière est 1\.2\.0/,
    );
  });

  it('shows a cabinet with its prices, appliance and usage and health charts', async () => {
    await page.goto(`${cp.url}/cabinets/dupont`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Cabinet Dupont & Associés');
    expect(await textOf('#formule')).toContain('299,00 €');
    await expect(page.locator('figure.chart svg[role=img]').count()).resolves.toBe(4);
    // 12 hourly points and 30 daily ones drawn, not an empty frame.
    await expect(page.locator('#ressources-30j-desc').textContent()).resolves.toMatch(/Disque libre \(minimum\) : \d+ %/);
    const dailyPath = await page.locator('figure.chart').nth(1).locator('path').first().getAttribute('d');
    expect(dailyPath?.split(/[ML]/).filter((s) => s.trim()).length).toBeGreaterThanOrEqual(29);
    await checkPage('dashboard-cabinet');
  });

  it('lets an admin change the plan and overrides, and issue a new enrollment code', async () => {
    await page.getByRole('combobox', { name: 'Formule' }).selectOption('enterprise');
    await page.getByLabel('Utilisateurs max').fill('abc');
    await page.getByRole('button', { name: 'Enregistrer la formule' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain("Nombre d'utilisateurs : un nombre entier");
    await page.getByLabel('Utilisateurs max').fill('75');
    await page.getByRole('button', { name: 'Enregistrer la formule' }).click();
    // Issue 18: a plan change is previewed first (limits, overrides, proration), then confirmed.
    await expect(page.locator('#apercu-formule').textContent()).resolves.toMatch(/professional → enterprise.*Utilisateurs max.*75/);
    await page.getByRole('button', { name: 'Confirmer le changement de formule' }).click();
    await page.waitForURL(/modifie=1/);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Formule enregistrée');
    expect(await textOf('#formule')).toMatch(/enterprise.*599,00 €.*75 \(dérogation ; formule : 50\)/);
    const cabinet = (await api(cp.url, token, 'GET', '/api/v1/cabinets/dupont')).body.cabinet;
    expect(cabinet).toMatchObject({
      plan: 'enterprise',
      overrides: { maxUsers: 75 },
      planHistory: [{ plan: 'professional' }, { plan: 'enterprise', by: 'admin@vendor.test' }],
    });
    await checkPage('dashboard-plan-change');

    await page.getByRole('button', { name: 'Émettre un nouveau code' }).click();
    const code = await page.locator('code.secret').textContent();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect((await new FakeAppliance(cp.url).enroll(code!)).status).toBe(201);
  });

  it("shows an admin the admins and their tokens, and their own account's password form", async () => {
    await page.goto(`${cp.url}/administrateurs`);
    await expect(page.getByRole('button', { name: 'Désactiver support@vendor.test' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Désactiver admin@vendor.test' }).count()).resolves.toBe(0);
    await expect(page.locator('#jetons tbody tr').count()).resolves.toBeGreaterThan(0);
    await checkPage('dashboard-admins');
    await page.getByRole('link', { name: 'admin@vendor.test' }).click();
    await page.waitForURL(`${cp.url}/compte`);
    await expect(page.getByLabel('Nouveau mot de passe (12 caractères au moins)').count()).resolves.toBe(1);
    await checkPage('dashboard-account');
  });

  it('lists the alerts the fleet check recorded', async () => {
    await page.goto(`${cp.url}/alertes`);
    await expect(page.locator('tbody').textContent()).resolves.toMatch(/Cabinet Martin.*Critique.*disque presque plein/);
    await checkPage('dashboard-alerts');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/connexion\?sortie=1/);
  });

  it('shows support staff the health but no price, and no way to change a plan', async () => {
    await login('support@vendor.test');
    await page.goto(`${cp.url}/cabinets/martin`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('€');
    expect(text).toContain('Disque libre 3 %');
    await expect(page.getByRole('button', { name: 'Enregistrer la formule' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Émettre un nouveau code' }).count()).resolves.toBe(0);
    await checkPage('dashboard-support');
    // Posting the form anyway (with the session's own CSRF token) is refused.
    const csrf = await page.locator('input[name=_csrf]').first().getAttribute('value');
    const refused = await page.evaluate(
      async ({ url, csrf }) => {
        const res = await fetch(`${url}/cabinets/martin/formule`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf ?? '', plan: 'enterprise' }),
        });
        return { status: res.status, text: await res.text() };
      },
      { url: cp.url, csrf },
    );
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Votre rôle ne permet pas cette action.');
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/martin')).body.cabinet.plan).toBe('starter');
  });

  it('logged no console error and no failed request on any page', () => {
    // The 403 above is an answer, not a failure; anything else would show here.
    expect(browser.problems.filter((p) => !p.includes('403'))).toEqual([]);
  });
});
