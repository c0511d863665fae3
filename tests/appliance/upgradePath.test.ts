/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * The cabinet's upgrade path, against the real control plane (docs/appliance.md, docs/protocol.md
 * "Upgrade request"): the license carries the vendor's contact and the plans above; the banner
 * shows from 80 % of a limit and not at 60 %; a refusal for the plan's limit ends on a page with
 * the contact, the price of the plan above and the date the analysis quota starts again; the
 * admin's signed request is queued while the control plane is down, says so, and reaches the
 * vendor's list once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, freePort, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cpDir: string;
let cpPort: number;
let cp: TestControlPlane;
let vendorToken: string;
let appliance: TestAppliance;
let admin: Browser;

const CP_ENV = {
  SALES_CONTACT_NAME: 'IA Manager — service commercial',
  SALES_CONTACT_EMAIL: 'commercial@iamanager.test',
  SALES_CONTACT_PHONE: '+33 1 23 45 67 89',
};

async function page(path: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${appliance.url}${path}`, { headers: { cookie: admin.cookie }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

async function postForm(path: string, fields: Record<string, string>): Promise<{ status: number; html: string; location: string | null }> {
  const res = await fetch(`${appliance.url}${path}`, {
    method: 'POST',
    headers: { 'cookie': admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: admin.csrf, ...fields }),
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

async function addUser(n: number): Promise<{ status: number; body: any }> {
  return admin.call('POST', '/api/users', { email: `avocat${n}@martin.fr`, name: `Avocat ${n}`, role: 'avocat', password: PASSWORD });
}

beforeAll(async () => {
  cpDir = tempDir('cp-upg-');
  cpPort = await freePort();
  cp = await startControlPlane(cpDir, { PORT: String(cpPort), ...CP_ENV });
  vendorToken = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'martin',
    '--name',
    'Cabinet Martin',
    '--plan',
    'professional',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  // Professional allows 10 users; MAX_USERS lowers it to 5 on this appliance (limits may only be lowered).
  appliance = await startAppliance(tempDir('martin-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'martin', MAX_USERS: '5' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@martin.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await admin.login('admin@martin.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the plan page and the banner', () => {
  it('shows the vendor contact, the plan above with its price, and no banner at 60 % of a limit', async () => {
    // Admin + 2 users: 3 of 5 users, 60 %.
    for (const n of [1, 2]) expect((await addUser(n)).status).toBe(201);
    const { status, html } = await page('/admin/formule');
    expect(status).toBe(200);
    expect(html).toContain('IA Manager — service commercial');
    expect(html).toContain('href="mailto:commercial@iamanager.test"');
    expect(html).toContain('+33 1 23 45 67 89');
    // Enterprise: 599,00 € HT a month (the catalog's price, signed in the license).
    expect(html).toMatch(/<th scope="row">Entreprise<\/th>/); // the plan's French name (planLabels.ts)
    expect(html).toContain('599,00');
    expect(html).not.toContain('class="plan-banner"');
  });

  it('shows the banner at 80 % of a limit, on every page', async () => {
    expect((await addUser(3)).status).toBe(201); // 4 of 5 users: 80 %
    for (const path of ['/', '/dossiers', '/admin']) {
      const { html } = await page(path);
      expect(html).toContain('class="plan-banner"');
      expect(html).toContain('Formule Professionnel : Utilisateurs actifs 4 sur 5 (80 %).');
      expect(html).toContain('<a href="/admin/formule">Voir les formules</a>');
    }
  });

  it('ends a refusal for the plan limit on a page with the contact, the price above and the quota reset date', async () => {
    expect((await addUser(4)).status).toBe(201); // 5 of 5
    const refused = await postForm('/admin/utilisateurs', {
      name: 'Avocat 6',
      email: 'avocat6@martin.fr',
      role: 'avocat',
      password: PASSWORD,
    });
    // Like any form the domain refuses, answered 200 with the refusal in the page (flash error).
    expect(refused.status).toBe(200);
    expect(refused.html).toContain('<p class="flash error" role="alert">Votre formule Professionnel permet 5');
    expect(refused.html).toContain('Limite de la formule atteinte');
    expect(refused.html).toContain('Votre formule Professionnel permet 5 utilisateurs actifs et tous sont utilisés.');
    expect(refused.html).toContain('commercial@iamanager.test');
    expect(refused.html).toContain('599,00');
    // The quota starts again on the first day of next month in Paris: computed here from the Paris
    // month of now (year and month as the calendar gives them, December rolling to January).
    const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' })
      .format(new Date())
      .split('-')
      .map(Number) as [number, number];
    const reset = m === 12 ? `01/01/${y + 1}` : `01/${String(m + 1).padStart(2, '0')}/${y}`;
    expect(refused.html).toContain(`Le quota mensuel d’analyses repart à zéro le ${reset} (heure de Paris).`);
    expect(refused.html).toContain('href="/admin/formule#demande"');
  });
});

describe('the upgrade request', () => {
  it('refuses a message over 500 characters, naming the field', async () => {
    const res = await postForm('/admin/formule', { wantedPlan: 'enterprise', message: 'x'.repeat(501) });
    // Redirect after post: the plan page, fetched by the same browser, says the refusal once.
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/formule#demande');
    const { html } = await page('/admin/formule');
    // In French, from the form's shared wording (it used to show the schema's English).
    expect(html).toContain('Message à l’éditeur (facultatif) : 500 caractères au maximum.');
    expect(html).not.toContain('must be at most');
    expect(html).toContain('x'.repeat(501));
    expect((await page('/admin/formule')).html).not.toContain('500 caractères au maximum.');
  });

  it('queues the request while the control plane is down, and says so', async () => {
    await cp.stop();
    const res = await postForm('/admin/formule', { wantedPlan: 'enterprise', message: 'Deux associés arrivent en janvier.' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/formule?demande=queued#demande');
    const { html } = await page('/admin/formule?demande=queued');
    expect(html).toContain('Le service de l’éditeur est injoignable : la demande est enregistrée');
    expect(html).toContain('en attente d’envoi (éditeur injoignable)');
  });

  it('delivers it once the control plane is back, and the vendor sees it to act on', async () => {
    cp = await startControlPlane(cpDir, { PORT: String(cpPort), ...CP_ENV });
    const res = await postForm('/admin/formule/envoyer', {});
    expect(res.location).toBe('/admin/formule?demande=sent#demande');
    expect((await page('/admin/formule')).html).toContain('envoyée le');
    const listed = await api(cp.url, vendorToken, 'GET', '/api/v1/upgrade-requests');
    expect(listed.body.upgradeRequests).toHaveLength(1);
    expect(listed.body.upgradeRequests[0]).toMatchObject({
      cabinetId: 'martin',
      currentPlan: 'professional',
      wantedPlan: 'enterprise',
      limits: { maxUsers: 5 },
      usage: { usersActive: 5 },
      message: 'Deux associés arrivent en janvier.',
      status: 'open',
    });
    // Sent again (as after a lost answer), it is recorded once.
    await postForm('/admin/formule/envoyer', {});
    expect((await api(cp.url, vendorToken, 'GET', '/api/v1/upgrade-requests')).body.upgradeRequests).toHaveLength(1);
  });
});
