/**
 * The nationality picker and the birth-date rule through the real pages and API: a country chosen
 * by its French name is stored as its ISO code and shown by name on the case page; an unknown one
 * is refused by the form (redirect after post, the message once) and by the API, naming the field;
 * a birth date after the notification is refused by both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let lawyer: Browser;

async function postForm(path: string, fields: Record<string, string>) {
  const res = await fetch(`${appliance.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': lawyer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: lawyer.csrf, ...fields }),
  });
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

async function page(path: string): Promise<string> {
  const res = await fetch(`${appliance.url}${path}`, { headers: { cookie: lawyer.cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

// A fixed notification date in the past: no deadline arithmetic is checked here, only the form.
const NOTIFIED = '2026-01-15';
const person = (nationality: string, birthDate = '1988-03-14') => ({
  lastName: 'Haddad',
  firstName: 'Nadia',
  nationality,
  birthDate,
  procedure: 'oqtf',
  libertyStatus: 'free',
  notificationMode: 'in_person',
  notificationDate: NOTIFIED,
  // One client several times on purpose (one case per nationality typed): not a duplicate to warn about.
  confirmDuplicate: '1',
});

beforeAll(async () => {
  const cpDir = tempDir('cp-nationality-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'nat', '--name', 'Cabinet Nat', '--plan', 'professional', '--json']);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('nat-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'nat' });
  const setup = new Browser(appliance.url);
  expect((await setup.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await setup.call('POST', '/api/setup/admin', { email: 'admin@nat.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  await setup.login('admin@nat.fr', PASSWORD);
  expect(
    (await setup.call('POST', '/api/users', { email: 'avocat@nat.fr', name: 'Maître Nat', role: 'avocat', password: PASSWORD })).status,
  ).toBe(201);
  lawyer = new Browser(appliance.url);
  expect((await lawyer.login('avocat@nat.fr', PASSWORD)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the nationality picker', () => {
  it('offers the French names in a datalist tied to the input (no script needed)', async () => {
    const html = await page('/dossiers/nouveau');
    expect(html).toMatch(/<input id="f-nationality" name="nationality" type="text" list="nationality-choices"/);
    expect(html).toContain('<datalist id="nationality-choices">');
    expect(html).toContain('<option value="Algérie" label="DZ"></option>');
    expect(html).toContain('<option value="Apatride" label="XXA"></option>');
    expect(html).toContain('<option value="Nationalité inconnue" label="XXX"></option>');
  });

  it.each([
    ['Algérie', 'DZ', 'Algérie'],
    ['tunisie', 'TN', 'Tunisie'],
    ['MAR', 'MA', 'Maroc'],
    ['Apatride', 'XXA', 'Apatride'],
  ])('stores « %s » as %s and shows « %s » on the case page', async (typed, code, shown) => {
    const res = await postForm('/dossiers/nouveau', person(typed));
    expect(res.status).toBe(303);
    const id = /^\/dossiers\/([0-9a-f-]{36})$/.exec(res.location)?.[1];
    expect(id, res.location).toBeDefined();
    expect((await lawyer.call('GET', `/api/cases/${id}`)).body.case.client.nationality).toBe(code);
    const html = await page(res.location);
    expect(html).toMatch(new RegExp(`<dt>Nationalité</dt>\\s*<dd>${shown}</dd>`));
  });

  it('refuses an unknown country on the form, naming the field, with what was typed kept, once', async () => {
    const res = await postForm('/dossiers/nouveau', person('Narnia'));
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dossiers/nouveau');
    const html = await page(res.location);
    expect(html).toContain(
      '<a href="#f-nationality">Nationalité : « Narnia » n’est pas un pays connu. Choisissez le pays dans la liste (nom français, par exemple Algérie, Sénégal) ou tapez son code ISO (DZ, SN) ; « Apatride » ou « Nationalité inconnue » si besoin.</a>',
    );
    expect(html).toContain('value="Narnia"');
    expect(html).toContain('value="Haddad"');
    // A reload is a fresh form: the refusal was said once.
    expect(await page('/dossiers/nouveau')).not.toContain('Narnia');
  });

  it('refuses an unknown code through the API, naming client.nationality', async () => {
    const res = await lawyer.call('POST', '/api/cases', {
      client: { lastName: 'Haddad', firstName: 'Nadia', nationality: 'ZZ', birthDate: '1988-03-14' },
      procedure: 'oqtf',
      decisionNotifiedAt: NOTIFIED,
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      'client.nationality: (ZZ) is not a known code: must be an ISO 3166-1 country code (alpha-2 such as DZ, SN, AF, or alpha-3 such as DZA), XXA for a stateless person or XXX for an unknown nationality (ICAO 9303)',
    ]);
  });
});

describe('the birth date', () => {
  it('refuses on the form a birth date after the notification, naming the field', async () => {
    // Born 2026-01-16, notified 2026-01-15 (NOTIFIED): one day after the notification.
    const res = await postForm('/dossiers/nouveau', person('SN', '2026-01-16'));
    expect(res.status).toBe(303);
    expect(res.location).toBe('/dossiers/nouveau');
    expect(await page(res.location)).toContain(
      '<a href="#f-birthDate">Date de naissance : elle tombe après la date de notification de la décision (2026-01-15). Vérifiez la date de naissance.</a>',
    );
  });

  it('refuses it through the API, naming client.birthDate', async () => {
    const res = await lawyer.call('POST', '/api/cases', {
      client: { lastName: 'Haddad', firstName: 'Nadia', nationality: 'SN', birthDate: '2026-01-16' },
      procedure: 'oqtf',
      decisionNotifiedAt: NOTIFIED,
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      'client.birthDate: (2026-01-16) is after the notification of the decision (2026-01-15): check the date of birth (YYYY-MM-DD)',
    ]);
  });
});
