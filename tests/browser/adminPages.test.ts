/**
 * The administration pages in Debian's Chromium (docs/administration.md): each page is short at
 * 1280 px wide (the single page they replace was 7 200 px tall) and has no horizontal overflow at
 * 390 px (a phone), a long backup folder path included; no axe-core violation; a screenshot each.
 * Then an invitation by temporary password, in the browser: the first login ends on the password
 * page, and nothing else opens until the password is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { checkPage, launchBrowser, type TestBrowser } from '../support/browser.js';

const PASSWORD = 'correct horse battery staple';
const PAGES = [
  ['/admin', 'overview'],
  ['/admin/utilisateurs', 'users'],
  ['/admin/licence', 'license'],
  ['/admin/connexion-editeur', 'heartbeat'],
  ['/admin/sauvegardes', 'backups'],
  ['/admin/messagerie', 'mail'],
  ['/admin/identite', 'identity'],
  ['/admin/journal', 'audit'],
  ['/admin/assistance', 'support'],
] as const;
/** What "short" means: under two screens of a laptop, where the old single page needed eight. */
const MAX_HEIGHT = 2_500;

let cp: TestControlPlane;
let appliance: TestAppliance;
let browser: TestBrowser;
let page: Page;

async function login(email: string, password: string): Promise<void> {
  await page.goto(`${appliance.url}/connexion`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname !== '/connexion');
}

beforeAll(async () => {
  const cpDir = tempDir('cp-admbr-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'faure',
    '--name',
    'Cabinet Faure',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  // A backup folder with a long path, as a NAS mount often has: it must wrap in its card.
  const backupDir = path.join(
    tempDir('admbr-'),
    'mnt',
    'nas-du-cabinet-faure-et-associes',
    'sauvegardes-quotidiennes-chiffrees-de-l-appliance',
  );
  fs.mkdirSync(backupDir, { recursive: true });
  appliance = await startAppliance(tempDir('faure-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'faure', BACKUP_DIR: backupDir });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@faure.fr', name: 'Hélène Faure', password: PASSWORD })).status).toBe(
    201,
  );
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await login('admin@faure.fr', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await appliance?.stop();
  await cp?.stop();
});

describe('the administration pages', () => {
  it.each(PAGES)('%s is short at 1280 px and marks itself in the sub-navigation', async (href, name) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${appliance.url}${href}`);
    expect(await page.locator('nav.subnav a[aria-current="page"]').getAttribute('href')).toBe(href);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height, `${href} is ${height} px tall`).toBeLessThan(MAX_HEIGHT);
    await checkPage(page, `admin-${name}-1280`);
  });

  it.each(PAGES)('%s has no horizontal overflow at 390 px', async (href, name) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${appliance.url}${href}`);
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(scroll, `${href}: ${scroll} px of content in ${client} px`).toBeLessThanOrEqual(client);
    await checkPage(page, `admin-${name}-390`);
  });
});

describe('an invitation with a temporary password, in the browser', () => {
  it('shows the password once, then the invitee’s first login reaches only the password page', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${appliance.url}/admin/utilisateurs`);
    const form = page.locator('#inviter');
    await form.getByLabel('Nom complet', { exact: true }).fill('Marc Juriste');
    await form.getByLabel('Adresse e-mail', { exact: true }).fill('marc@faure.fr');
    await form.getByLabel('Rôle', { exact: true }).selectOption('juriste');
    await form.getByLabel('Mode d’invitation', { exact: true }).selectOption('mot-de-passe-provisoire');
    await form.getByRole('button', { name: 'Inviter' }).click();
    await expect(page.locator('.flash.ok').textContent()).resolves.toBe('Invitation créée pour marc@faure.fr.');
    expect(new URL(page.url()).pathname).toBe('/admin/utilisateurs');
    const temporary = (await page.locator('#shown-password').textContent())!;
    await checkPage(page, 'admin-users-invited');
    await page.reload();
    expect(await page.locator('#shown-password').count()).toBe(0);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await login('marc@faure.fr', temporary);
    expect(new URL(page.url()).pathname).toBe('/mot-de-passe');
    await expect(page.locator('.flash.error').textContent()).resolves.toContain('choisissez le vôtre pour continuer');
    await page.goto(`${appliance.url}/dossiers`);
    expect(new URL(page.url()).pathname).toBe('/mot-de-passe');
    await page.getByLabel('Mot de passe actuel', { exact: true }).fill(temporary);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.goto(`${appliance.url}/dossiers`);
    expect(new URL(page.url()).pathname).toBe('/dossiers');
  });
});
