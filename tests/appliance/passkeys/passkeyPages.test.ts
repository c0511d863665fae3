/**
 * « Clés d'accès » over HTTP against a real appliance process, a software authenticator playing
 * the browser's part (tests/support/softAuthenticator.ts): the options as JSON, a passkey added
 * by the form, listed, renamed, removed, each audited; and the refusals a network peer can
 * provoke — an answer with no challenge, the same answer replayed, another origin, the appliance
 * opened by its IP address — each said on the page in French.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { SoftAuthenticator } from '../../support/softAuthenticator.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
/** The appliance by name: WebAuthn takes no IP address as RP ID, and `localhost` is one of the appliance's names. */
let origin: string;
let user: Browser;

async function post(route: string, fields: Record<string, string>, base = origin) {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'cookie': user.cookie, 'content-type': 'application/x-www-form-urlencoded', 'accept': 'application/json' },
    body: new URLSearchParams({ _csrf: user.csrf, ...fields }),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

async function page(route = '/compte/cles-d-acces', base = origin): Promise<string> {
  const res = await fetch(`${base}${route}`, { headers: { cookie: user.cookie }, redirect: 'manual' });
  expect(res.status).toBe(200);
  return res.text();
}

async function options(): Promise<{ challenge: string; rp: { id: string } }> {
  const res = await post('/compte/cles-d-acces/options', {});
  expect(res.status, res.text).toBe(200);
  return (JSON.parse(res.text) as { options: { challenge: string; rp: { id: string } } }).options;
}

/** Posts the add form; a 303 back to the page, which then says what came of it. */
async function add(answer: unknown, name: string): Promise<string> {
  const res = await post('/compte/cles-d-acces', { name, response: JSON.stringify(answer) });
  expect(res.status).toBe(303);
  return page(res.location ?? '');
}

/** The audit log's page, where each action is shown by its French label (web/actionLabels.ts). */
const auditPage = () => page('/admin/journal');

beforeAll(async () => {
  const cpDir = tempDir('cp-passkeys-');
  cp = await startControlPlane(cpDir);
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'cles', '--name', 'Cabinet Clés', '--plan', 'professional', '--json']);
  expect(created.code, created.stderr).toBe(0);
  appliance = await startAppliance(tempDir('passkeys-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'cles' });
  origin = appliance.url.replace('127.0.0.1', 'localhost');
  user = new Browser(origin);
  expect((await user.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await user.call('POST', '/api/setup/admin', { email: 'admin@cles.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await user.login('admin@cles.fr', PASSWORD)).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('« Clés d’accès »', () => {
  const key = () => new SoftAuthenticator(origin);
  let office: SoftAuthenticator;

  it('starts empty, says on which address the keys will work, and serves its two scripts', async () => {
    const html = await page();
    expect(html).toContain('Aucune clé d’accès pour l’instant.');
    expect(html).toContain('Les clés ajoutées ici fonctionneront à l’adresse localhost.');
    expect(html).toContain('<script src="/static/webauthn.js" defer></script>');
    for (const script of ['/static/webauthn.js', '/static/passkeys.js']) {
      const res = await fetch(`${origin}${script}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    }
    expect(await (await fetch(`${origin}/static/webauthn.js`)).text()).toContain('SimpleWebAuthnBrowser');
  });

  it('adds a passkey from the form, lists it with its name, and audits it', async () => {
    office = key();
    const opts = await options();
    expect(opts.rp.id).toBe('localhost');
    const html = await add(office.register(opts), 'Clé USB du bureau');
    expect(html).toContain('La clé d’accès « Clé USB du bureau » est ajoutée');
    expect(html).toContain('<td class="passkey-name">Clé USB du bureau</td>');
    expect(await auditPage()).toContain('Ajout d’une clé d’accès');
  });

  it('refuses an answer to no challenge, and the same answer replayed', async () => {
    const stray = key().register({ challenge: 'bm9uZQ', rp: { id: 'localhost' } });
    expect(await add(stray, 'Sans défi')).toContain('Aucune demande de clé d’accès en cours');
    const spare = key();
    const answer = spare.register(await options());
    expect(await add(answer, 'Clé de secours')).toContain('« Clé de secours » est ajoutée');
    expect(await add(answer, 'Clé de secours')).toContain('Aucune demande de clé d’accès en cours');
  });

  it('refuses an answer signed for another origin', async () => {
    const answer = key().register(await options(), { origin: 'https://cles-cabinet.example' });
    const html = await add(answer, 'Hameçon');
    expect(html).toContain('La clé d’accès a été refusée');
    expect(html).not.toContain('<td class="passkey-name">Hameçon</td>');
  });

  it('names the field when the name is missing, keeping nothing', async () => {
    const html = await add(key().register(await options()), '   ');
    expect(html).toContain('Nom de la clé : donnez-lui un nom que vous reconnaîtrez');
    expect(html).toMatch(/id="f-name-error"/);
  });

  it('refuses to start when the appliance was opened by its IP address, saying which name to use', async () => {
    const res = await post('/compte/cles-d-acces/options', {}, appliance.url);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: 'passkey_host_unsupported',
        message: expect.stringContaining('ouverte par son adresse IP (127.0.0.1) : ouvrez-la par son nom ('),
      },
    });
    expect(await page('/compte/cles-d-acces', appliance.url)).toContain(
      'Les clés d’accès ne fonctionnent pas quand l’appliance est ouverte par son adresse IP',
    );
  });

  it('renames and removes a passkey, each audited', async () => {
    const renamed = await post(`/compte/cles-d-acces/${office.id}/nom`, { name: 'Clé bleue' });
    expect(renamed.status).toBe(303);
    expect(await page(renamed.location ?? '')).toContain('La clé d’accès est renommée « Clé bleue ».');
    const removed = await post(`/compte/cles-d-acces/${office.id}/suppression`, {});
    const html = await page(removed.location ?? '');
    expect(html).toContain('La clé d’accès « Clé bleue » est supprimée.');
    expect(html).not.toContain('<td class="passkey-name">Clé bleue</td>');
    expect(html).toContain('<td class="passkey-name">Clé de secours</td>');
    const audit = await auditPage();
    expect(audit).toContain('Clé d’accès renommée');
    expect(audit).toContain('Suppression d’une clé d’accès');
  });
});
