/**
 * The second factor in Debian's Chromium (docs/second-factor.md): a lawyer sets up an
 * authenticator app from « Double authentification » (QR code and key), confirms it with a code
 * computed here from the key the page shows (tests/support/totp.ts), keeps the recovery codes (the
 * .txt download holds them), then logs in again through the verification step. Each page at 1280
 * and 390 px: a screenshot, no axe-core violation, no horizontal overflow, no console error.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf, textOf } from '../support/browser.js';
import { totpCode } from '../support/totp.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let browser: TestBrowser;
let page: Page;
let secret = '';
/** The last step whose code was spent: the next code is for the step after (one code, one use). */
let lastStep = 0;

function nextCode(): string {
  lastStep = Math.max(lastStep + 1, Math.floor(Date.now() / 30_000));
  return totpCode(secret, lastStep * 30);
}

/** The page at both widths: a screenshot each, no axe-core violation, nothing wider than a phone. */
async function checkBothWidths(name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll, `${name}: ${scroll} px of content in ${client} px`).toBeLessThanOrEqual(client);
    await checkPageOf(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(browser.problems).toEqual([]);
}

async function enterPassword(email: string): Promise<void> {
  await page.goto(`${appliance.url}/connexion`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

beforeAll(async () => {
  const cpDir = tempDir('mfa-browser-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'morel',
    '--name',
    'Cabinet Morel',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('mfa-browser-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'morel' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@morel.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@morel.fr', PASSWORD);
  const lawyer = await setup.call('POST', '/api/users', {
    email: 'avocat@morel.fr',
    name: 'Maître Morel',
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
});

describe('the second factor in a browser', () => {
  it('is set up from the account page with the QR code’s key, and gives recovery codes once, downloadable', async () => {
    await enterPassword('avocat@morel.fr');
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    await page.goto(`${appliance.url}/mot-de-passe`);
    await page.getByRole('link', { name: /Configurer le second facteur de connexion/ }).click();
    expect(await textOf(page, 'h1')).toBe('Double authentification');
    await page.getByRole('button', { name: 'Configurer une application d’authentification' }).click();
    await expect(page.locator('.qr-code svg').count()).resolves.toBe(1);
    secret = (await textOf(page, 'code.totp-secret')).replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await checkBothWidths('second-factor-01-qr');

    // A code none of the window's steps has: wrong by construction.
    const near = new Set([-2, -1, 0, 1, 2].map((d) => totpCode(secret, (Math.floor(Date.now() / 30_000) + d) * 30)));
    const wrong = ['000000', '111111', '222222', '333333', '444444', '555555'].find((c) => !near.has(c))!;
    await page.getByLabel('Code de vérification').fill(wrong);
    await page.getByRole('button', { name: 'Activer' }).click();
    expect(await textOf(page, '.error-summary')).toContain('Ce code n’est pas celui qu’affiche votre application');
    await checkBothWidths('second-factor-02-wrong-code');

    await page.getByLabel('Code de vérification').fill(nextCode());
    await page.getByRole('button', { name: 'Activer' }).click();
    expect(await textOf(page, 'h1')).toBe('Vos codes de secours');
    const codes = await page.locator('ol.recovery-codes code').allTextContents();
    expect(codes).toHaveLength(10);
    await checkBothWidths('second-factor-03-recovery-codes');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger (.txt)' }).click()]);
    expect(download.suggestedFilename()).toBe('codes-de-secours.txt');
    const file = fs.readFileSync((await download.path())!, 'utf8');
    for (const c of codes) expect(file).toContain(c);
    expect(file).toContain('avocat@morel.fr');

    await page.getByRole('link', { name: 'Continuer' }).click();
    expect(await textOf(page, 'main')).toContain('Activée depuis le');
    expect(await textOf(page, 'main')).toContain('Codes de secours restants : 10.');
    await checkBothWidths('second-factor-04-account-on');
  });

  it('asks for the app’s code after the password, and offers a recovery code instead', async () => {
    await browser.context.clearCookies();
    await enterPassword('avocat@morel.fr');
    expect(await textOf(page, 'h1')).toBe('Vérification en deux étapes');
    await checkBothWidths('second-factor-05-verification');
    await page.getByRole('link', { name: 'Utiliser un code de secours' }).click();
    await expect(page.getByLabel('Code de secours').count()).resolves.toBe(1);
    await checkBothWidths('second-factor-06-verification-recovery');
    await page.getByRole('link', { name: 'Utiliser le code de l’application' }).click();
    await page.getByLabel('Code de vérification').fill(nextCode());
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
  });
});
