/**
 * The dashboard over plain HTTP (no browser): security headers, the session cookie's attributes,
 * CSRF on every form and on session-authenticated API writes, login rate limiting, logout ending
 * this session (and "Fermer toutes mes sessions" every one), and the fleet filters working from
 * the query string alone.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAppliance,
  api,
  createAdminToken,
  databaseRows,
  onPostgres,
  runCli,
  startControlPlane,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';

/** A cookie jar of one: enough for one session at a time. */
class Visitor {
  cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(
    method: string,
    path: string,
    options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), setCookie: res.headers.getSetCookie() };
  }

  /** The CSRF token of the first form on a page. */
  async csrf(path: string): Promise<string> {
    const page = await this.request('GET', path);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return match[1]!;
  }

  async login(email: string, password = PASSWORD) {
    const token = await this.csrf('/connexion');
    return this.request('POST', '/connexion?next=%2Fcabinets', { form: { _csrf: token, email, password } });
  }
}

describe('dashboard over HTTP', () => {
  const dataDir = `${tempDir('cp-dash-')}/data`;
  let cp: TestControlPlane;
  let token: string;

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    token = await createAdminToken(dataDir, 'admin@vendor.test');
    for (const [email, role] of [
      ['support@vendor.test', 'support'],
      ['billing@vendor.test', 'billing'],
      ['forgetful@vendor.test', 'support'],
    ]) {
      expect((await runCli(dataDir, ['admin', 'create', '--email', email!, '--role', role!], { input: `${PASSWORD}\n` })).code).toBe(0);
    }
    cp = await startControlPlane(dataDir, { LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'true' });
    for (const [id, plan, disk] of [
      ['dupont', 'professional', 0.5],
      ['martin', 'starter', 0.1],
    ] as const) {
      const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan });
      const appliance = new FakeAppliance(cp.url);
      await appliance.enroll(created.body.enrollmentCode);
      const payload = appliance.payload();
      expect((await appliance.send(await appliance.sign({ ...payload, health: { ...payload.health, diskFreeRatio: disk } }))).status).toBe(
        202,
      );
    }
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends visitors without a session to the login page, keeping where they were going', async () => {
    const res = await new Visitor(cp.url).request('GET', '/cabinets/dupont?x=1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/connexion?next=%2Fcabinets%2Fdupont%3Fx%3D1');
  });

  it('serves pages with a strict CSP, no framing, no sniffing and no caching', async () => {
    const res = await new Visitor(cp.url).request('GET', '/connexion');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).not.toMatch(/<script|style=/);
  });

  it('refuses a login form without its CSRF token', async () => {
    const v = new Visitor(cp.url);
    await v.request('GET', '/connexion');
    const res = await v.request('POST', '/connexion', { form: { email: 'admin@vendor.test', password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Le formulaire a expiré');
    expect(v.cookies.has('cp_session')).toBe(false);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie, Secure when the proxy says the request came over TLS', async () => {
    const v = new Visitor(cp.url);
    const res = await v.login('admin@vendor.test');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/cabinets');
    const cookie = res.setCookie.find((c) => c.startsWith('cp_session='))!;
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    expect(cookie.toLowerCase()).not.toContain('secure');

    const tls = new Visitor(cp.url);
    const csrf = await tls.csrf('/connexion');
    const behindProxy = await tls.request('POST', '/connexion', {
      form: { _csrf: csrf, email: 'admin@vendor.test', password: PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(behindProxy.setCookie.find((c) => c.startsWith('cp_session='))!.toLowerCase()).toContain('secure');
  });

  it('accepts the session on /api/v1, but only with the CSRF token for writes', async () => {
    const v = new Visitor(cp.url);
    await v.login('admin@vendor.test');
    const fleet = await v.request('GET', '/api/v1/fleet');
    expect(fleet.status).toBe(200);
    expect(JSON.parse(fleet.text).total).toBe(2);

    const body = { id: 'nouveau', name: 'Cabinet Nouveau', plan: 'starter' };
    const refused = await v.request('POST', '/api/v1/cabinets', { json: body });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'csrf_failed' });
    const csrf = await v.csrf('/');
    const created = await v.request('POST', '/api/v1/cabinets', { json: body, headers: { 'x-csrf-token': csrf } });
    expect(created.status).toBe(201);
  });

  it('refuses a dashboard form posted with the session but without its CSRF token', async () => {
    const v = new Visitor(cp.url);
    await v.login('admin@vendor.test');
    const res = await v.request('POST', '/cabinets/dupont/code', { form: {} });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Le formulaire a expiré');
  });

  it('ends this session at logout: the old cookie no longer opens the API or the pages, while another session of the admin goes on', async () => {
    const v = new Visitor(cp.url);
    const other = new Visitor(cp.url);
    await v.login('support@vendor.test');
    await other.login('support@vendor.test');
    const old = v.cookies.get('cp_session')!;
    const csrf = await v.csrf('/');
    const out = await v.request('POST', '/deconnexion', { form: { _csrf: csrf } });
    expect(out.headers.get('location')).toBe('/connexion?sortie=1');
    expect(out.setCookie.join('\n')).toMatch(/^cp_session=;/m);
    const replay = new Visitor(cp.url);
    replay.cookies.set('cp_session', old);
    expect((await replay.request('GET', '/api/v1/fleet')).status).toBe(401);
    expect((await replay.request('GET', '/')).status).toBe(302);
    expect((await other.request('GET', '/api/v1/fleet')).status).toBe(200);
    expect((await other.request('GET', '/compte')).status).toBe(200);
    // Kept where every node reads it: DATA_DIR's list, or the table.
    if (onPostgres()) expect(await databaseRows(dataDir, 'SELECT jti FROM revoked_sessions')).toHaveLength(1);
    else expect(fs.readFileSync(`${dataDir}/dashboard-revoked-sessions.json`, 'utf8')).toContain('"jti"');
  });

  it('ends every session of the admin with "Fermer toutes mes sessions" (a POST with CSRF from the account page)', async () => {
    const v = new Visitor(cp.url);
    const other = new Visitor(cp.url);
    await v.login('billing@vendor.test');
    await other.login('billing@vendor.test');
    const page = await v.request('GET', '/compte');
    expect(page.text).toContain('<form method="post" action="/compte/sessions">');
    expect(page.text).toContain('Fermer toutes mes sessions');
    // Without the session's CSRF token (or with a wrong one), nothing ends.
    expect((await v.request('POST', '/compte/sessions', { form: {} })).status).toBe(403);
    expect((await v.request('POST', '/compte/sessions', { form: { _csrf: 'x'.repeat(24) } })).status).toBe(403);
    expect((await other.request('GET', '/api/v1/fleet')).status).toBe(200);
    const out = await v.request('POST', '/compte/sessions', { form: { _csrf: await v.csrf('/compte') } });
    expect([out.status, out.headers.get('location')]).toEqual([302, '/connexion?sessions=0']);
    expect((await v.request('GET', '/connexion?sessions=0')).text).toContain('Toutes vos sessions sont fermées.');
    expect((await other.request('GET', '/api/v1/fleet')).status).toBe(401);
    expect((await other.request('GET', '/compte')).headers.get('location')).toBe('/connexion?next=%2Fcompte');
    // A new login works as before.
    expect((await v.login('billing@vendor.test')).status).toBe(302);
    expect((await v.request('GET', '/compte')).status).toBe(200);
  });

  it('ignores a forged session cookie', async () => {
    const v = new Visitor(cp.url);
    v.cookies.set('cp_session', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA');
    expect((await v.request('GET', '/')).status).toBe(302);
    expect((await v.request('GET', '/api/v1/fleet')).status).toBe(401);
  });

  it('locks an account after too many failed logins, even for the right password', async () => {
    const v = new Visitor(cp.url);
    for (let i = 0; i < 3; i++)
      expect((await v.login('forgetful@vendor.test', 'wrong password here')).text).toContain('Adresse e-mail ou mot de passe incorrect.');
    const locked = await v.login('forgetful@vendor.test');
    expect(locked.status).toBe(429);
    // The first lock of an account for an address is a minute; it doubles with each further failure.
    expect(locked.text).toContain("Trop d'échecs de connexion : réessayez dans 1 min.");
    expect(v.cookies.has('cp_session')).toBe(false);
  });

  it('filters the fleet page from the query string alone (no script needed)', async () => {
    const v = new Visitor(cp.url);
    await v.login('admin@vendor.test');
    const warning = await v.request('GET', '/?status=warning');
    expect(warning.text).toContain('Cabinet martin');
    expect(warning.text).not.toContain('Cabinet dupont');
    expect(warning.text).toContain('Disque libre 10 % (seuil 15 %)');
    const byPlan = await v.request('GET', '/?plan=professional&sort=cabinet');
    expect(byPlan.text).toContain('Cabinet dupont');
    expect(byPlan.text).not.toContain('Cabinet martin');
    const bad = await v.request('GET', '/?status=green');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('query.status: must be one of healthy, pending, warning, critical, stale, offline');
  });

  it('shows prices to billing but not to support, and lets neither change a plan', async () => {
    const billing = new Visitor(cp.url);
    await billing.login('billing@vendor.test');
    const billed = await billing.request('GET', '/cabinets/dupont');
    expect(billed.text.replace(/\s/g, ' ')).toContain('299,00 €');
    expect(billed.text).not.toContain('Changer de formule');
    const support = new Visitor(cp.url);
    await support.login('support@vendor.test');
    const page = await support.request('GET', '/cabinets/dupont');
    expect(page.text).toContain('Professional (professional)');
    expect(page.text).not.toContain('€');
    expect(page.text).not.toContain('Changer de formule');
    const csrf = await support.csrf('/cabinets/dupont');
    const refused = await support.request('POST', '/cabinets/dupont/formule', { form: { _csrf: csrf, plan: 'enterprise' } });
    expect(refused.status).toBe(403);
    const api403 = await support.request('PATCH', '/api/v1/cabinets/dupont', {
      json: { plan: 'enterprise' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(api403.status).toBe(403);
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/dupont')).body.cabinet.plan).toBe('professional');
  });

  it('says a refused plan change in French beside the form, from the API schema whose English the API still answers', async () => {
    const admin = new Visitor(cp.url);
    expect((await admin.login('admin@vendor.test')).status).toBe(302);
    const csrf = await admin.csrf('/cabinets/martin');
    const refused = await admin.request('POST', '/cabinets/martin/formule', {
      form: { _csrf: csrf, plan: 'platinum', maxUsers: '', maxCases: '-1', maxAnalysesMonthly: '2.5' },
    });
    const text = refused.text.replace(/&#39;|&#x27;|&apos;/g, "'");
    expect(text).toContain("Formule : choisissez l'une de");
    expect(text).toContain('Nombre de dossiers : un nombre entier de 0 à');
    expect(text).toContain("Nombre d'analyses par mois : un nombre entier de 0 à");
    expect(text).not.toContain("Nombre d'utilisateurs : un nombre entier");
    expect(text).not.toContain('must not be negative');
    const viaApi = await api(cp.url, token, 'PATCH', '/api/v1/cabinets/martin', { overrides: { maxCases: -1, maxAnalysesMonthly: 2.5 } });
    expect(viaApi.status).toBe(400);
    expect(viaApi.body.issues).toEqual([
      'overrides.maxCases: must not be negative',
      'overrides.maxAnalysesMonthly: must be a whole number, e.g. 10',
    ]);
    expect((await api(cp.url, token, 'GET', '/api/v1/cabinets/martin')).body.cabinet.plan).toBe('starter');
  });
});
