/**
 * Passkeys in Debian's Chromium, with the browser's own virtual authenticator (DevTools protocol
 * `WebAuthn.addVirtualAuthenticator`: CTAP2, built in, with user verification) standing in for a
 * security key, against real processes: a lawyer adds a passkey on « Clés d'accès » through
 * /static/webauthn.js and /static/passkeys.js under the page's CSP, then logs out and logs in with
 * the password and the passkey. The appliance is opened as http://localhost: WebAuthn needs a
 * host name (no IP address) in a secure context, which localhost is. Every page: no console
 * error, no axe-core violation, a screenshot.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { launchBrowser, type TestBrowser, checkPage as checkPageOf, textOf } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let origin: string;
let browser: TestBrowser;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;

async function checkPage(name: string): Promise<void> {
  await checkPageOf(page, name);
  expect(browser.problems).toEqual([]);
}

/** The credentials the virtual authenticator holds, with the signature count it last gave. */
async function credentials(): Promise<Array<{ credentialId: string; signCount: number; rpId: string }>> {
  const { credentials: list } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
    credentials: Array<{ credentialId: string; signCount: number; rpId: string }>;
  };
  return list;
}

async function logInWithPassword(): Promise<void> {
  await page.goto(`${origin}/connexion`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill('avocat@cles.fr');
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

beforeAll(async () => {
  const cpDir = tempDir('passkeys-browser-cp-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'cles', '--name', 'Cabinet Clés', '--plan', 'professional', '--json']);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('passkeys-browser-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'cles' });
  origin = appliance.url.replace('127.0.0.1', 'localhost');
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@cles.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@cles.fr', PASSWORD);
  const lawyer = await setup.call('POST', '/api/users', {
    email: 'avocat@cles.fr',
    name: 'Maître Clé',
    role: 'avocat',
    password: PASSWORD,
  });
  expect(lawyer.status).toBe(201);
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  cdp = await browser.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  ({ authenticatorId } = (await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })) as { authenticatorId: string });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe('passkeys in a browser', () => {
  it('adds a passkey on « Clés d’accès » with the browser’s authenticator', async () => {
    await logInWithPassword();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    await page.goto(`${origin}/compte/cles-d-acces`);
    expect(await textOf(page, '#passkeys-none')).toBe('Aucune clé d’accès pour l’instant.');
    await checkPage('passkeys-01-empty');
    await page.getByLabel('Nom de la clé').fill('Ordinateur du bureau');
    await page.getByRole('button', { name: 'Ajouter une clé d’accès' }).click();
    await page.locator('.flash').waitFor();
    expect(await textOf(page, '.flash')).toContain('La clé d’accès « Ordinateur du bureau » est ajoutée');
    expect(await textOf(page, 'td.passkey-name')).toBe('Ordinateur du bureau');
    const held = await credentials();
    expect(held).toEqual([expect.objectContaining({ rpId: 'localhost' })]);
    await checkPage('passkeys-02-added');
  });

  it('logs out, then logs in with the password and the passkey', async () => {
    const before = (await credentials())[0]?.signCount ?? 0;
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/connexion\?sortie=1$/);
    await logInWithPassword();
    await page.waitForURL(/\/connexion\/verification$/);
    expect(await textOf(page, '.passkey-login p')).toBe('Présentez l’une de vos clés d’accès pour terminer la connexion.');
    // The code form is there for users with an app, hidden for one whose only factor is a passkey.
    expect(await page.locator('form[action="/connexion/verification"]').isVisible()).toBe(false);
    await checkPage('passkeys-03-verification');
    await page.getByRole('button', { name: 'Utiliser une clé d’accès' }).click();
    await page.waitForURL(`${origin}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Tableau de bord');
    // The authenticator signed once more, and the appliance saw it used.
    expect((await credentials())[0]?.signCount).toBeGreaterThan(before);
    await page.goto(`${origin}/compte/cles-d-acces`);
    expect(await textOf(page, 'tbody tr td:nth-child(4)')).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await checkPage('passkeys-04-used');
  });
});
