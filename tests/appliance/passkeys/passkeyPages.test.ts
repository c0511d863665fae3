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
  // Each refused passkey counts as a failed login (as a wrong code does): room for the refusals tried here.
  const dataDir = tempDir('passkeys-');
  appliance = await startAppliance(dataDir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'cles', LOGIN_MAX_FAILURES: '20' });
  origin = appliance.url.replace('127.0.0.1', 'localhost');
  user = new Browser(origin);
  expect((await user.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await user.call('POST', '/api/setup/admin', { email: 'admin@cles.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await user.login('admin@cles.fr', PASSWORD)).status).toBe(200);
  const lawyer = await user.call('POST', '/api/users', { email: 'avocat@cles.fr', name: 'Maître Clé', role: 'avocat', password: PASSWORD });
  expect(lawyer.status).toBe(201);
  // The cabinet requires a second factor of its lawyers (/admin/securite): the lawyer's first
  // login is held until they set one up, which a passkey does.
  const policy = await post('/admin/securite', { required: 'roles', roles: 'avocat' });
  expect(policy.status).toBe(303);
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

const key = () => new SoftAuthenticator(origin);
let office: SoftAuthenticator;
/** The passkey left after the first describe: the admin's only second factor. */
let spare: SoftAuthenticator;

describe('« Clés d’accès »', () => {
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
    spare = key();
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
      ok: false,
      error: 'passkey_host_unsupported',
      message: expect.stringContaining('ouverte par son adresse IP (127.0.0.1) : ouvrez-la par son nom ('),
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

/** A browser logging in from scratch: its cookies (pre-session token, pending login, then session) kept as sent. */
class LoginBrowser {
  private readonly jar = new Map<string, string>();
  csrf = '';

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(route: string, init: RequestInit = {}): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(`${origin}${route}`, { ...init, headers: { ...init.headers, cookie: this.cookie }, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=') as [string, string];
      if (value) this.jar.set(name, value);
      else this.jar.delete(name);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  post(route: string, fields: Record<string, string>) {
    return this.fetch(route, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }),
    });
  }

  /** The login page, then the password: lands on the verification step (or `expected`). */
  async password(email = 'admin@cles.fr', expected = '/connexion/verification'): Promise<string> {
    const login = await this.fetch('/connexion');
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] ?? '';
    const res = await this.post('/connexion', { email, password: PASSWORD });
    expect(res.location).toBe(expected);
    return (await this.fetch(expected)).text;
  }

  async options(): Promise<{ challenge: string; rpId: string; allowCredentials: Array<{ id: string }> }> {
    const res = await this.post('/connexion/verification/cle-d-acces/options', {});
    expect(res.status, res.text).toBe(200);
    return (JSON.parse(res.text) as { options: { challenge: string; rpId: string; allowCredentials: Array<{ id: string }> } }).options;
  }

  /** Posts the passkey's answer: where it leads, and the verification page when it comes back there. */
  async answer(answer: unknown): Promise<{ location: string | null; page: string }> {
    const res = await this.post('/connexion/verification/cle-d-acces', { response: JSON.stringify(answer) });
    expect(res.status).toBe(303);
    const page = res.location === '/connexion/verification' ? (await this.fetch(res.location)).text : '';
    return { location: res.location, page };
  }
}

describe('the login’s second step with a passkey', () => {
  it('asks for the passkey alone when it is the only second factor, and the passkey starts the session', async () => {
    const b = new LoginBrowser();
    const html = await b.password();
    expect(html).toContain('Présentez l’une de vos clés d’accès pour terminer la connexion.');
    expect(html).toContain('Utiliser une clé d’accès');
    expect(html).toMatch(/<form method="post" action="\/connexion\/verification" novalidate hidden/);
    const opts = await b.options();
    expect(opts.allowCredentials.map((c) => c.id)).toEqual([spare.id]);
    const done = await b.answer(spare.authenticate(opts));
    expect(done.location).toBe('/');
    const home = await b.fetch('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Tableau de bord');
    expect(await page()).toMatch(
      /<td class="passkey-name">Clé de secours<\/td><td>localhost<\/td><td>[^<]+<\/td><td>\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}<\/td>/,
    );
  });

  it('refuses a replayed answer, an unknown key and another origin, each said on the verification page', async () => {
    const b = new LoginBrowser();
    await b.password();
    const first = await b.options();
    const answer = spare.authenticate(first, { origin: 'https://cles-cabinet.example' });
    expect((await b.answer(answer)).page).toContain('La clé d’accès a été refusée');
    expect((await b.answer(answer)).page).toContain('Aucune demande de clé d’accès en cours');
    expect((await b.answer(key().authenticate(await b.options()))).page).toContain('n’est pas l’une des vôtres');
    // Still not logged in: the pending login is all this browser holds.
    expect((await b.fetch('/')).location).toBe('/connexion?next=%2F');
  });

  it('refuses a key whose counter went back (a clone), naming it, and the audit log says so', async () => {
    const b = new LoginBrowser();
    await b.password();
    // The last accepted signature (the login above) carried count 1: a copy of the key answers with 1 again.
    const { page: refused } = await b.answer(spare.authenticate(await b.options(), { counter: 1 }));
    expect(refused).toContain('La clé « Clé de secours » a répondu avec un compteur qui n’avance pas : elle a peut-être été copiée.');
    expect(await auditPage()).toContain('Clé d’accès refusée : compteur en recul (clé peut-être copiée)');
  });

  it('refuses the API login of an account whose only second factor is a passkey, saying why', async () => {
    const res = await new Browser(origin).login('admin@cles.fr', PASSWORD);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'second_factor_required', message: expect.stringContaining('passkey, which needs a browser') });
  });

  it('refuses the options to a browser with no pending login', async () => {
    const b = new LoginBrowser();
    b.csrf = /name="_csrf" value="([^"]+)"/.exec((await b.fetch('/connexion')).text)?.[1] ?? '';
    const res = await b.post('/connexion/verification/cle-d-acces/options', {});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: 'unauthorized' });
  });

  it('lets a lawyer the cabinet’s rule holds set up a passkey as their second factor, which finishes the login', async () => {
    const b = new LoginBrowser();
    const enrolment = await b.password('avocat@cles.fr', '/compte/double-facteur');
    expect(enrolment).toContain('<a href="/compte/cles-d-acces">Ou utiliser une clé d’accès comme second facteur');
    const held = await b.fetch('/compte/cles-d-acces');
    expect(held.status).toBe(200);
    expect(held.text).toContain(
      'Le cabinet exige un second facteur pour votre compte : ajoutez une clé d’accès pour terminer votre connexion.',
    );
    expect((await b.fetch('/')).location).toBe('/connexion?next=%2F');
    const res = await b.post('/compte/cles-d-acces/options', {});
    expect(res.status, res.text).toBe(200);
    const lawyerKey = key();
    const added = await b.post('/compte/cles-d-acces', {
      name: 'Clé de Maître Clé',
      response: JSON.stringify(
        lawyerKey.register((JSON.parse(res.text) as { options: { challenge: string; rp: { id: string } } }).options),
      ),
    });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/');
    const home = await b.fetch('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Maître Clé');
    // From now on the passkey is asked at each login.
    expect(await new LoginBrowser().password('avocat@cles.fr')).toContain('Utiliser une clé d’accès');
  });
});
