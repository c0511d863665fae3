/**
 * Single sign-on in Debian's Chromium (docs/single-sign-on.md), against the appliance's real
 * processes and a real OpenID Connect provider in this test (oidc-provider): the administrator sets
 * it up on /admin/connexion-unique on a 390 px phone screen (a missing break-glass account said
 * beside its field), then a lawyer clicks « Se connecter avec Microsoft », signs in on the
 * provider's page and lands on the dashboard, logged in. The appliance's pages: no console error,
 * no axe-core violation, a screenshot; the provider's page (not ours): a screenshot.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser, checkPage as checkPageOf, textOf } from '../support/browser.js';
import { PASSWORD, startSsoCabinet, type SsoCabinet } from '../support/ssoCabinet.js';

let cabinet: SsoCabinet;
let browser: TestBrowser;
let page: Page;

/**
 * The appliance's page: no axe-core violation, and no problem in the browser but the provider's own
 * (oidc-provider's development login page loads a web font from Google, unreachable here, and has
 * no favicon): that page is the test's stand-in for Microsoft's, not the appliance's.
 */
async function checkPage(name: string): Promise<void> {
  await checkPageOf(page, name);
  const providerPage = (p: string) => p.includes(cabinet.idp.issuer) || p.includes('https://fonts.googleapis.com/');
  expect(browser.problems.filter((p) => !providerPage(p))).toEqual([]);
}

beforeAll(async () => {
  cabinet = await startSsoCabinet('leroy', { marie: { email: 'marie.leroy@leroy.fr', email_verified: true, name: 'Marie Leroy' } });
  const lawyer = await cabinet.admin.call('POST', '/api/users', {
    email: 'marie.leroy@leroy.fr',
    name: 'Marie Leroy',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(lawyer.status).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cabinet?.close();
});

describe('single sign-on in a browser', () => {
  it('is set up by the administrator on /admin/connexion-unique at 390 px, each refusal beside its field', async () => {
    const url = cabinet.appliance.url;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/connexion`);
    await page.getByLabel('Adresse e-mail', { exact: true }).fill('admin@leroy.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    await page.goto(`${url}/admin/connexion-unique`);
    expect(await textOf(page, '#sso-redirect-uri')).toBe(`${url}/connexion/oidc/retour`);
    await checkPage('oidc-admin-390-empty');
    // No horizontal scrolling on a phone, the long redirect URI included.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.getByLabel('Émetteur (issuer)').fill(cabinet.idp.issuer);
    await page.getByLabel('ID client (application)').fill(cabinet.idp.clientId);
    await page.getByLabel('Secret client').fill(cabinet.idp.clientSecret);
    await page.getByLabel('Nom affiché sur le bouton').fill('Microsoft');
    await page.getByLabel('Domaines de messagerie autorisés').fill('leroy.fr');
    await page.getByLabel('Désactiver la connexion par mot de passe pour tous, sauf le compte de secours').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await textOf(page, '#f-breakGlassEmail-error')).toContain('Compte de secours : indiquez l’adresse d’un administrateur actif');
    await checkPage('oidc-admin-390-refused');

    // The secret is write-only: typed again after a refusal; password login stays on this time.
    await page.getByLabel('Secret client').fill(cabinet.idp.clientSecret);
    await page.getByLabel('Désactiver la connexion par mot de passe pour tous, sauf le compte de secours').uncheck();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await textOf(page, '.flash')).toContain('Réglages de connexion unique enregistrés.');
    await page.getByRole('button', { name: 'Tester la découverte' }).click();
    expect(await textOf(page, '.flash')).toContain(`Découverte réussie : ${cabinet.idp.issuer} répond`);
    await checkPage('oidc-admin-390-saved');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
  });

  it('lets a lawyer in with « Se connecter avec Microsoft », through the provider’s login, onto the dashboard', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${cabinet.appliance.url}/connexion`);
    const button = page.getByRole('link', { name: 'Se connecter avec Microsoft' });
    await expect(button.isVisible()).resolves.toBe(true);
    await checkPage('oidc-login-page');
    await button.click();
    await page.waitForURL((u) => u.href.startsWith(cabinet.idp.issuer));
    await page.locator('input[name="login"]').fill('marie');
    await page.locator('input[name="password"]').fill('any password at the provider');
    await screenshot(page, 'oidc-provider-login');
    await page.locator('button[type="submit"]').first().click();
    // The callback's page leads on by itself (meta refresh) to where the lawyer was going.
    await page.waitForURL((u) => u.origin === cabinet.appliance.url && u.pathname === '/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    expect(await page.content()).toContain('Marie Leroy');
    await checkPage('oidc-dashboard-after-login');
  });
});
