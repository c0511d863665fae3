/**
 * The vendor admins' second factor in Debian's Chromium, against a real control plane with the
 * product's default policy (role `admin`): enrolment forced at the first login (the QR code
 * drawn, the secret typed into the test's own TOTP), the recovery codes page, then the
 * verification step of the next login and the account page's panel. Every page: no console error,
 * no axe-core violation, a screenshot.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { checkPage as checkPageOf, launchBrowser, type TestBrowser } from '../support/browser.js';
import { totpCode } from '../support/totp.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let dataDir: string;
let browser: TestBrowser;
let page: Page;
let secret = '';
const checkPage = (name: string) => checkPageOf(page, name);

async function password(): Promise<void> {
  await page.goto(`${cp.url}/`);
  await page.getByLabel('Adresse e-mail').fill('admin@vendor.test');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

beforeAll(async () => {
  dataDir = `${tempDir('sf-browser-')}/data`;
  fs.mkdirSync(dataDir);
  const created = await runCli(dataDir, ['admin', 'create', '--email', 'admin@vendor.test', '--role', 'admin'], { input: `${PASSWORD}\n` });
  expect(created.code, created.stderr).toBe(0);
  cp = await startControlPlane(dataDir, { SECOND_FACTOR_REQUIRED_FOR: 'admin' });
  browser = await launchBrowser();
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the second factor in a browser', () => {
  it('enrols at the first login: QR code drawn, secret typed, recovery codes shown once', async () => {
    await password();
    await page.waitForURL(/\/connexion\/double-facteur/);
    const qr = await page.locator('div.qr svg').boundingBox();
    expect(qr?.width).toBeGreaterThan(150);
    await checkPage('vendor-second-factor-enrol');
    secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
    // The server runs on this machine's clock: the code of this instant is in its ±1 step window.
    await page.getByLabel('Code à 6 chiffres').fill(totpCode(secret, new Date()));
    await page.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByRole('heading', { name: 'Vos codes de secours' }).waitFor();
    expect(await page.locator('ul.recovery-codes li').count()).toBe(10);
    await checkPage('vendor-second-factor-recovery-codes');
    await page.getByRole('link', { name: "J'ai noté mes codes : continuer" }).click();
    await page.waitForURL(`${cp.url}/`);
  });

  it('asks for the code at the next login, and shows the factor on the account page', async () => {
    await page.context().clearCookies();
    await password();
    await page.waitForURL(/\/connexion\/verification/);
    await checkPage('vendor-second-factor-verify');
    // The enrolment spent this step's code: the application's next one (30 s on) is in the window too.
    await page.getByLabel(/Code à 6 chiffres/).fill(totpCode(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.waitForURL(`${cp.url}/`);
    await page.goto(`${cp.url}/compte`);
    await expect.poll(() => page.locator('#double-facteur').textContent()).toContain('10 code(s) de secours restant(s)');
    await checkPage('vendor-second-factor-account');
  });
});
