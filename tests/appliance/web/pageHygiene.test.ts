/**
 * What every page of the appliance and of the control plane's dashboard owes its reader, checked by
 * crawling them as a signed-in user would: no CSRF token in an address (no GET form carries one,
 * no redirect leads to one), redirect after post for refused forms, no English left in the French
 * pages and no French spacing before a colon in the English ones.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { formsOf, linksOf, visibleText, Visitor } from '../../support/pageCrawl.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let enrollmentCode = '';

/** Addresses a crawl must not follow: they end the session, switch the language, or are downloads. */
const SKIP = /^\/(deconnexion|langue|static\/|calendrier\/.+\.ics)|\.(pdf|ics|zip|gz|csv|docx)(\?|$)|\/pieces\/|\/analyses\/|\/export/;

/** Every page reachable from `start` by same-origin links, at most `limit`, with its HTML. */
async function crawl(v: Visitor, start: string[], limit = 60): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const queue = [...start];
  while (queue.length > 0 && seen.size < limit) {
    const path = queue.shift()!;
    if (seen.has(path) || SKIP.test(path)) continue;
    const res = await v.request('GET', path);
    if (res.status !== 200 || !res.text.startsWith('<!doctype html>')) continue;
    seen.set(path, res.text);
    for (const link of linksOf(res.text)) if (!seen.has(link)) queue.push(link);
  }
  return seen;
}

/**
 * Asserts no GET form of the pages carries `_csrf`, and posts every form that has fields of its
 * own empty (with its token: a refusal, which redirects) to check no redirect puts a token in the
 * address. Forms without fields (buttons: log out, revoke, close the month) are not posted.
 */
async function checkNoCsrfInAddresses(v: Visitor, pages: Map<string, string>): Promise<number> {
  let posted = 0;
  const done = new Set<string>();
  for (const [path, html] of pages) {
    for (const form of formsOf(html)) {
      if (form.method === 'get') expect(form.fields, `GET form ${form.action} on ${path}`).not.toContain('_csrf');
      const own = form.fields.filter((f) => f !== '_csrf');
      if (form.method !== 'post' || own.length === 0 || form.enctype === 'multipart/form-data' || done.has(form.action)) continue;
      done.add(form.action);
      const res = await v.request('POST', form.action || path, { ...(form.csrf ? { _csrf: form.csrf } : {}) });
      expect(res.location, `POST ${form.action} on ${path}`).not.toMatch(/csrf/i);
      posted += 1;
    }
  }
  return posted;
}

beforeAll(async () => {
  const cpDir = tempDir('cp-hygiene-');
  fs.mkdirSync(`${cpDir}/data`);
  await createAdminToken(`${cpDir}/data`, 'admin@vendor.test');
  cp = await startControlPlane(`${cpDir}/data`);
  const created = await runCli(cp.dataDir, [
    'cabinet',
    'create',
    '--id',
    'hyg',
    '--name',
    'Cabinet Hyg',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  enrollmentCode = created.json.enrollmentCode;
  appliance = await startAppliance(tempDir('hyg-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'hyg' });
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the setup wizard', () => {
  it('sends a refused enrollment back to the wizard (303), which says why once', async () => {
    const v = new Visitor(appliance.url);
    const wizard = await v.request('GET', '/setup');
    expect(wizard.status).toBe(200);
    const form = formsOf(wizard.text).find((f) => f.action === '/setup/enroll');
    expect(form?.csrf).toBeDefined();
    const refused = await v.request('POST', '/setup/enroll', { _csrf: form!.csrf!, code: 'pas-un-code' });
    expect(refused.status).toBe(303);
    expect(refused.location).toBe('/setup');
    const again = await v.request('GET', '/setup');
    expect(again.text).toContain('href="#f-code"');
    expect(again.text).toContain('value="pas-un-code"');
    expect((await v.request('GET', '/setup')).text).not.toContain('href="#f-code"');
  });

  it('enrolls and creates the first admin through the API, for the crawls below', async () => {
    const setup = new Browser(appliance.url);
    expect((await setup.call('POST', '/api/setup/enroll', { code: enrollmentCode })).status).toBe(201);
    expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@hyg.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
    await setup.login('admin@hyg.fr', PASSWORD);
    const created = await setup.call('POST', '/api/cases', {
      client: { lastName: 'Diallo', firstName: 'Aminata', nationality: 'SN', birthDate: '1991-04-12' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-01-15',
    });
    expect(created.status).toBe(201);
  });
});

/** A signed-in admin of the appliance, in `locale`. */
async function applianceAdmin(locale: 'fr' | 'en'): Promise<Visitor> {
  const v = new Visitor(appliance.url);
  const login = await v.request('GET', '/connexion');
  const csrf = formsOf(login.text).find((f) => f.action.startsWith('/connexion'))!.csrf!;
  const res = await v.request('POST', '/connexion', { _csrf: csrf, email: 'admin@hyg.fr', password: PASSWORD });
  expect(res.status).toBe(302);
  v.cookies.set('iam_lang', locale);
  return v;
}

const START = ['/', '/dossiers', '/dossiers/nouveau', '/mes-echeances', '/admin', '/admin/formule', '/admin/support', '/mot-de-passe'];

describe('no CSRF token in an address', () => {
  it('appliance: no GET form carries one, no refused form redirects to one, nor the language switch', async () => {
    const v = await applianceAdmin('fr');
    const pages = await crawl(v, START);
    expect(pages.size).toBeGreaterThan(8);
    expect(await checkNoCsrfInAddresses(v, pages)).toBeGreaterThan(2);
    const lang = await v.request('GET', '/langue?l=en&next=%2Fdossiers');
    expect(lang.location).toBe('/dossiers');
  });

  it('control plane: the same on the dashboard', async () => {
    expect(
      (await runCli(cp.dataDir, ['admin', 'create', '--email', 'crawl@vendor.test', '--role', 'admin'], { input: `${PASSWORD}\n` })).code,
    ).toBe(0);
    const v = new Visitor(cp.url);
    const login = await v.request('GET', '/connexion');
    const form = formsOf(login.text).find((f) => f.action.startsWith('/connexion'))!;
    const res = await v.request('POST', form.action, { _csrf: form.csrf!, email: 'crawl@vendor.test', password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.location).not.toMatch(/csrf/i);
    const pages = await crawl(v, ['/', '/cabinets', '/cabinets/hyg', '/demandes', '/alertes', '/compte']);
    expect(pages.size).toBeGreaterThan(5);
    expect(await checkNoCsrfInAddresses(v, pages)).toBeGreaterThan(1);
  });
});

/**
 * The administration page (/admin) is being split into one page per subject by another change
 * (issue 16, ADMIN) that owns its texts and its audit log, whose details are the domain's English
 * ("1 results"): it is left out of the language checks until then, and only it.
 */
const LANGUAGE_SKIP = new Set<string>([]);

describe('each language on its own pages', () => {
  it('English pages: no space before a colon (French typography) in what the reader sees', async () => {
    const v = await applianceAdmin('en');
    const pages = await crawl(v, START);
    expect(pages.size).toBeGreaterThan(8);
    const found: string[] = [];
    for (const [path, html] of pages) {
      if (LANGUAGE_SKIP.has(path)) continue;
      expect(html, path).toContain('<html lang="en"');
      for (const line of visibleText(html).split('\n')) if (/\S[ \u00a0\u202f]:(\s|$)/.test(line)) found.push(`${path}: ${line.trim()}`);
    }
    expect(found).toEqual([]);
  });

  it('French pages: none of the English words that used to leak (results, of, status, plan ids)', async () => {
    const v = await applianceAdmin('fr');
    const pages = await crawl(v, START);
    // Whole words, case-insensitive: « Page 1 sur 2 » is French, « of » and « results » are not;
    // the plan ids are the license's (starter, professional, enterprise), never shown raw: the pages
    // say the plan's name (« Starter » is the catalogue's name in both languages, as on the invoices,
    // so the ids are matched in lower case and the English names Professional/Enterprise anywhere).
    // A word inside an identifier (the model ceseda-enterprise-v1) is a name, not English prose.
    const ENGLISH = /(?<![-\w])((?:[Rr]esults?|of|[Ss]tatus|[Tt]eam|starter|[Pp]rofessional|[Ee]nterprise))(?![-\w])/;
    const found: string[] = [];
    for (const [path, html] of pages) {
      if (LANGUAGE_SKIP.has(path)) continue;
      expect(html, path).toContain('<html lang="fr"');
      for (const line of visibleText(html).split('\n')) if (ENGLISH.test(line)) found.push(`${path}: ${line.trim()}`);
    }
    expect(found).toEqual([]);
  });
});
