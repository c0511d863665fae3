/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Sessions under attack: login brute force (per account and per address), session fixation,
 * a copied cookie after logout, cross-site requests (CSRF, CORS), and the security headers and
 * cookie flags every response carries — over plain HTTP and over the appliance's HTTPS (HSTS,
 * Secure cookies).
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { waitFor } from '../support/waitFor.js';

const PASSWORD = 'correct horse battery staple';
const LOCK_SECONDS = 4;
let cp: TestControlPlane;
let appliance: TestAppliance;
let admin: Browser;
let caseId: string;

async function setUp(id: string, env: Record<string, string>): Promise<TestAppliance> {
  const created = await runCli(cp.dataDir, ['cabinet', 'create', '--id', id, '--name', `Cabinet ${id}`, '--plan', 'enterprise', '--json']);
  const started = await startAppliance(tempDir(`${id}-`), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: id, ...env });
  return Object.assign(started, { enrollmentCode: created.json.enrollmentCode as string });
}

beforeAll(async () => {
  cp = await startControlPlane(tempDir('cp-sessions-'));
  appliance = await setUp('sessions', { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: String(LOCK_SECONDS) });
  admin = new Browser(appliance.url);
  await admin.call('POST', '/api/setup/enroll', { code: (appliance as any).enrollmentCode });
  await admin.call('POST', '/api/setup/admin', { email: 'admin@sessions.fr', name: 'Admin', password: PASSWORD });
  await admin.login('admin@sessions.fr', PASSWORD);
  for (const email of ['avocat@sessions.fr', 'cible@sessions.fr', 'victime@sessions.fr'])
    expect((await admin.call('POST', '/api/users', { email, name: 'X', role: 'avocat', password: PASSWORD })).status).toBe(201);
  caseId = (
    await admin.call('POST', '/api/cases', {
      client: { lastName: 'Session', firstName: 'Test', nationality: 'FR', birthDate: '1990-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
    })
  ).body.case.id;
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Logs in once the lock has ended, waiting what each refusal's Retry-After says (never a guess of ours). */
function loginOnceUnlocked(email: string): Promise<Awaited<ReturnType<Browser['login']>>> {
  return waitFor(
    async () => {
      const attempt = await new Browser(appliance.url).login(email, PASSWORD);
      if (attempt.status === 429) await sleep(Number(attempt.headers.get('retry-after')) * 1000);
      return attempt;
    },
    (attempt) => attempt.status !== 429,
    { what: `the lock on ${email} to end` },
  );
}

describe('login brute force', () => {
  it('locks an account after 3 wrong passwords — even the right one is refused — until the lock ends', async () => {
    const b = new Browser(appliance.url);
    // One after another: guesses sent at once are also refused past the first few (loginLockout.test.ts).
    for (let i = 0; i < 3; i++)
      expect((await new Browser(appliance.url).login('cible@sessions.fr', 'wrong password, try again')).status).toBe(401);
    const locked = await b.login('cible@sessions.fr', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The address is not locked: another account still logs in.
    expect((await new Browser(appliance.url).login('avocat@sessions.fr', PASSWORD)).status).toBe(200);
    expect((await loginOnceUnlocked('cible@sessions.fr')).status).toBe(200);
  });

  it('counts wrong current passwords on the password change as failed logins, so a stolen session cannot guess', async () => {
    const b = new Browser(appliance.url);
    expect((await b.login('cible@sessions.fr', PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect(
        (await b.call('POST', '/api/auth/password', { currentPassword: `guess number ${i}`, newPassword: 'a brand new password' })).body
          .error,
      ).toBe('invalid_input');
    const locked = await b.call('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new password' });
    expect([locked.status, locked.body.error]).toEqual([429, 'rate_limited']);
    expect((await new Browser(appliance.url).login('cible@sessions.fr', PASSWORD)).status).toBe(429);
    expect((await loginOnceUnlocked('cible@sessions.fr')).status).toBe(200);
  });

  it('locks the address after failures spread over many accounts, on the API and the login page alike', async () => {
    // An appliance of its own: its address lock (two minutes) would lock out the tests below.
    const brute = await setUp('brute', { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '120' });
    try {
      const b = new Browser(brute.url);
      await b.call('POST', '/api/setup/enroll', { code: (brute as any).enrollmentCode });
      await b.call('POST', '/api/setup/admin', { email: 'admin@brute.fr', name: 'Admin', password: PASSWORD });
      // 4 × LOGIN_MAX_FAILURES failures from one address, never twice on the same account.
      for (let i = 0; i < 12; i++)
        expect((await new Browser(brute.url).login(`nobody${i}@brute.fr`, 'guess guess guess')).status).toBe(401);
      const api = await new Browser(brute.url).login('admin@brute.fr', PASSWORD);
      expect(api.status).toBe(429);
      expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(60);
      const page = await fetch(`${brute.url}/connexion`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'cookie': `iam_form=${'A'.repeat(24)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${'A'.repeat(24)}&email=admin%40brute.fr&password=${encodeURIComponent(PASSWORD)}`,
      });
      // Back to the login page (redirect after post), which says how long to wait: no session.
      expect([page.status, page.headers.get('location')]).toEqual([303, '/connexion']);
      expect(page.headers.get('set-cookie') ?? '').not.toMatch(/iam_session=[^;]/);
      const shown = await fetch(`${brute.url}/connexion`, { headers: { cookie: `iam_form=${'A'.repeat(24)}` } });
      expect(await shown.text()).toMatch(/minute/);
      // Shown once: a reload is a fresh login page.
      const reloaded = await fetch(`${brute.url}/connexion`, { headers: { cookie: `iam_form=${'A'.repeat(24)}` } });
      expect(await reloaded.text()).not.toMatch(/minute/);
    } finally {
      await brute.stop();
    }
  });
});

describe('session fixation', () => {
  it('issues a new session at login and never accepts a cookie planted before it', async () => {
    const planted = 'iam_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.planted';
    const b = new Browser(appliance.url);
    b.cookie = planted;
    expect((await b.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await b.login('avocat@sessions.fr', PASSWORD)).status).toBe(200);
    expect(b.cookie).toMatch(/^iam_session=/);
    expect(b.cookie).not.toBe(planted);
    expect((await b.call('GET', '/api/auth/me')).body.user.email).toBe('avocat@sessions.fr');
    const stale = new Browser(appliance.url);
    stale.cookie = planted;
    expect((await stale.call('GET', '/api/auth/me')).status).toBe(401);
  });

  it("replaces the session of whoever was logged in before, and the login form's pre-session token grants nothing", async () => {
    const b = new Browser(appliance.url);
    await b.login('avocat@sessions.fr', PASSWORD);
    const before = b.cookie;
    const page = await fetch(`${appliance.url}/connexion`);
    const preSession = /iam_form=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
    expect((await fetch(`${appliance.url}/api/auth/me`, { headers: { cookie: `iam_form=${preSession}` } })).status).toBe(401);
    const login = await fetch(`${appliance.url}/connexion`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'cookie': `${before}; iam_form=${preSession}`,
        'content-type': 'application/x-www-form-urlencoded',
        'x-csrf-token': b.csrf,
      },
      body: `_csrf=${preSession}&email=admin%40sessions.fr&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(login.status).toBe(302);
    const after = /iam_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    expect(after).not.toBe(before);
    expect(((await fetch(`${appliance.url}/api/auth/me`, { headers: { cookie: after } }).then((r) => r.json())) as any).user.email).toBe(
      'admin@sessions.fr',
    );
  });

  it('ends every session of a user whose password changes, except the one that changed it', async () => {
    const laptop = new Browser(appliance.url);
    const desktop = new Browser(appliance.url);
    await laptop.login('victime@sessions.fr', PASSWORD);
    await desktop.login('victime@sessions.fr', PASSWORD);
    expect((await laptop.call('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` })).status).toBe(200);
    expect((await desktop.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await laptop.call('GET', '/api/auth/me')).status).toBe(200);
  });
});

describe('logout', () => {
  const ENV = { CONTROL_PLANE_URL: '', CLIENT_ID: 'logout' };
  let app: TestAppliance;
  /** What a browser without any session is answered, on the API and on a page. */
  const asStranger = async (url: string, cookie?: string) => {
    const headers: Record<string, string> = cookie ? { cookie } : {};
    const api = await fetch(`${url}/api/auth/me`, { headers });
    const page = await fetch(`${url}/dossiers`, { headers, redirect: 'manual' });
    return { api: [api.status, await api.json()], page: [page.status, page.headers.get('location')] };
  };
  const restart = async () => {
    await app.stop();
    app = await startAppliance(app.dataDir, ENV);
  };

  beforeAll(async () => {
    ENV.CONTROL_PLANE_URL = cp.url;
    app = await setUp('logout', {});
    const b = new Browser(app.url);
    await b.call('POST', '/api/setup/enroll', { code: (app as any).enrollmentCode });
    expect((await b.call('POST', '/api/setup/admin', { email: 'admin@logout.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('ends the session on the server: a copy of the cookie is refused like no session, after a restart too, while another session of the same user goes on', async () => {
    const laptop = new Browser(app.url);
    const desktop = new Browser(app.url);
    await laptop.login('admin@logout.fr', PASSWORD);
    await desktop.login('admin@logout.fr', PASSWORD);
    const copy = laptop.cookie;
    const stranger = await asStranger(app.url);
    expect(stranger).toEqual({
      api: [401, expect.objectContaining({ error: 'unauthorized' })],
      page: [302, '/connexion?next=%2Fdossiers'],
    });

    expect((await laptop.call('POST', '/api/auth/logout')).status).toBe(200);
    expect(await asStranger(app.url, copy)).toEqual(stranger);
    expect((await desktop.call('GET', '/api/auth/me')).body.user.email).toBe('admin@logout.fr');

    await restart();
    laptop.url = desktop.url = app.url;
    expect(await asStranger(app.url, copy)).toEqual(await asStranger(app.url));
    expect((await desktop.call('GET', '/api/auth/me')).status).toBe(200);
    // A second logout from the copy changes nothing and is no error.
    expect((await fetch(`${app.url}/api/auth/logout`, { method: 'POST', headers: { cookie: copy } })).status).toBe(200);
  }, 60_000);

  it("ends the session from the page's logout button too", async () => {
    const b = new Browser(app.url);
    await b.login('admin@logout.fr', PASSWORD);
    const copy = b.cookie;
    const out = await fetch(`${app.url}/deconnexion`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': copy, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${b.csrf}`,
    });
    expect([out.status, out.headers.get('location')]).toEqual([302, '/connexion?sortie=1']);
    expect(out.headers.get('set-cookie') ?? '').toMatch(/^iam_session=;/);
    expect(await asStranger(app.url, copy)).toEqual(await asStranger(app.url));
    // Only the sessions logged out are kept, each until its token expires (SESSION_HOURS, 12).
    const kept = JSON.parse(fs.readFileSync(path.join(app.dataDir, 'revoked-sessions.json'), 'utf8')).sessions as Array<{
      jti: string;
      until: string;
    }>;
    expect(kept).toHaveLength(2);
    for (const entry of kept) expect(Date.parse(entry.until) - Date.now()).toBeGreaterThan(11.9 * 3_600_000);
  });

  it('ends every session of the user, this one included, with "Fermer toutes mes sessions" on the password page (a POST with CSRF)', async () => {
    const laptop = new Browser(app.url);
    const desktop = new Browser(app.url);
    await laptop.login('admin@logout.fr', PASSWORD);
    await desktop.login('admin@logout.fr', PASSWORD);
    const page = await fetch(`${app.url}/mot-de-passe`, { headers: { cookie: laptop.cookie } });
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/mot-de-passe/sessions">');
    expect(html).toContain('Fermer toutes mes sessions');
    const post = (csrf: string) =>
      fetch(`${app.url}/mot-de-passe/sessions`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'cookie': laptop.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${csrf}`,
      });
    // A wrong token of the right length ends nothing.
    expect((await post('x'.repeat(laptop.csrf.length))).status).toBe(403);
    expect((await desktop.call('GET', '/api/auth/me')).status).toBe(200);
    const out = await post(laptop.csrf);
    expect([out.status, out.headers.get('location')]).toEqual([302, '/connexion?sessions=0']);
    expect(out.headers.get('set-cookie') ?? '').toMatch(/^iam_session=;/);
    expect(await (await fetch(`${app.url}/connexion?sessions=0`)).text()).toContain('Toutes vos sessions sont fermées.');
    expect(await asStranger(app.url, laptop.cookie)).toEqual(await asStranger(app.url));
    expect((await desktop.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await new Browser(app.url).login('admin@logout.fr', PASSWORD)).status).toBe(200);
  });

  it('ends every session of the user when the revocation list is full, and lets the file grow no further', async () => {
    await app.stop();
    const until = new Date(Date.now() + 10 * 3_600_000).toISOString();
    const full = { sessions: Array.from({ length: 1000 }, (_, i) => ({ jti: `filler-${i}`, until })) };
    fs.writeFileSync(path.join(app.dataDir, 'revoked-sessions.json'), JSON.stringify(full));
    app = await startAppliance(app.dataDir, ENV);
    const laptop = new Browser(app.url);
    const desktop = new Browser(app.url);
    await laptop.login('admin@logout.fr', PASSWORD);
    await desktop.login('admin@logout.fr', PASSWORD);
    const copy = laptop.cookie;
    expect((await laptop.call('POST', '/api/auth/logout')).status).toBe(200);
    expect(await asStranger(app.url, copy)).toEqual(await asStranger(app.url));
    expect((await desktop.call('GET', '/api/auth/me')).status).toBe(401);
    expect(JSON.parse(fs.readFileSync(path.join(app.dataDir, 'revoked-sessions.json'), 'utf8'))).toEqual(full);
    expect(app.service.output()).toMatch(/the revocation list is full; logout ended every session of the user/);
    expect((await new Browser(app.url).login('admin@logout.fr', PASSWORD)).status).toBe(200);
  }, 60_000);
});

describe('cross-site requests', () => {
  it('refuses a login form posted without the pre-session token (login CSRF), and setup forms once set up', async () => {
    const form = {
      method: 'POST',
      redirect: 'manual' as const,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'origin': 'https://evil.example' },
      body: `email=admin%40sessions.fr&password=${encodeURIComponent(PASSWORD)}`,
    };
    const login = await fetch(`${appliance.url}/connexion`, form);
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie') ?? '').not.toMatch(/iam_session=[^;]/);
    // Setup is done: the wizard sends everyone home before reading anything.
    const setup = await fetch(`${appliance.url}/setup/admin`, form);
    expect([setup.status, setup.headers.get('location')]).toEqual([302, '/']);
  });

  it('refuses JSON smuggled in a form-compatible content type, which a cross-site page could send with cookies', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${appliance.url}/api/tokens`, {
        method: 'POST',
        headers: { 'cookie': admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': type },
        body: '{"label":"evil"}',
      });
      expect(res.status, type).toBe(415);
    }
  });

  it('grants no cross-origin reads: no CORS header, whatever the Origin', async () => {
    for (const [method, route] of [
      ['GET', '/api/auth/me'],
      ['OPTIONS', '/api/cases'],
      ['GET', `/api/cases/${caseId}`],
    ] as const) {
      const res = await fetch(`${appliance.url}${route}`, {
        method,
        headers: { 'cookie': admin.cookie, 'origin': 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(res.headers.get('access-control-allow-origin'), route).toBeNull();
      expect(res.headers.get('access-control-allow-credentials'), route).toBeNull();
    }
  });
});

/** A few responses of every kind: JSON, HTML page, error page, static file, download, redirect. */
function responsesToCheck(): Array<[string, string, RequestInit?]> {
  const auth = { headers: { cookie: admin.cookie } };
  return [
    ['JSON', '/api/auth/me', auth],
    ['JSON error', '/api/nope'],
    ['health', '/healthz'],
    ['page', '/dossiers', auth],
    ['error page', `/dossiers/00000000-0000-4000-8000-000000000000`, auth],
    ['login page', '/connexion'],
    ['stylesheet', '/static/app.css'],
    ['download', `/dossiers/${caseId}/echeances.ics`, auth],
    ['redirect', '/', { redirect: 'manual' }],
  ];
}

describe('security headers', () => {
  it('sends nosniff, no framing, a referrer policy and a CSP on every kind of response, and no X-Powered-By', async () => {
    const missing: string[] = [];
    for (const [kind, route, init] of responsesToCheck()) {
      const res = await fetch(`${appliance.url}${route}`, init);
      await res.arrayBuffer();
      const h = (name: string) => res.headers.get(name) ?? '';
      if (h('x-content-type-options') !== 'nosniff') missing.push(`${kind}: X-Content-Type-Options`);
      if (h('x-frame-options') !== 'DENY') missing.push(`${kind}: X-Frame-Options`);
      if (!/frame-ancestors 'none'/.test(h('content-security-policy'))) missing.push(`${kind}: CSP frame-ancestors`);
      if (!['no-referrer', 'same-origin'].includes(h('referrer-policy'))) missing.push(`${kind}: Referrer-Policy`);
      if (res.headers.has('x-powered-by') || res.headers.has('server')) missing.push(`${kind}: X-Powered-By or Server`);
      if (res.headers.has('strict-transport-security')) missing.push(`${kind}: HSTS over plain HTTP`);
    }
    for (const route of ['/healthz', '/metrics', '/v1/keys', '/api/v1/cabinets', '/nope']) {
      const res = await fetch(`${cp.url}${route}`);
      await res.arrayBuffer();
      if (
        res.headers.get('x-content-type-options') !== 'nosniff' ||
        !/frame-ancestors 'none'/.test(res.headers.get('content-security-policy') ?? '') ||
        res.headers.has('x-powered-by')
      )
        missing.push(`control plane ${route}`);
    }
    expect(missing).toEqual([]);
  });

  it('forbids inline script and style in pages (CSP), so injected markup cannot run', async () => {
    const csp = (await fetch(`${appliance.url}/connexion`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/base-uri 'none'/);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, for the whole site, and clears it at logout', async () => {
    const res = await fetch(`${appliance.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@sessions.fr', password: PASSWORD }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^iam_session=[^;]+;/);
    expect(cookie).toMatch(/; path=\//i);
    expect(cookie).toMatch(/; httponly/i);
    expect(cookie).toMatch(/; samesite=strict/i);
    expect(cookie).not.toMatch(/; secure/i); // plain HTTP here; see the HTTPS test below
    const pre = (await fetch(`${appliance.url}/connexion`)).headers.get('set-cookie') ?? '';
    expect(pre).toMatch(/^iam_form=[^;]+;.*httponly/i);
    expect(pre).toMatch(/samesite=strict/i);
    const b = new Browser(appliance.url);
    await b.login('admin@sessions.fr', PASSWORD);
    const out = await b.call('POST', '/api/auth/logout');
    expect(out.headers.get('set-cookie') ?? '').toMatch(/^iam_session=;.*expires=Thu, 01 Jan 1970/i);
  });
});

describe('over HTTPS', () => {
  let tlsAppliance: TestAppliance;
  let base: { port: number; ca: string };

  function request(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: base.port,
          method,
          path: route,
          ca: base.ca,
          headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }

  beforeAll(async () => {
    tlsAppliance = await setUp('sessions-tls', { TLS: 'true', TLS_PORT: '0' });
    const line = tlsAppliance.service
      .output()
      .split('\n')
      .find((l) => l.includes('"listening"'))!;
    base = { port: JSON.parse(line).httpsPort, ca: await (await fetch(`${tlsAppliance.url}/ca.crt`)).text() };
    expect((await request('POST', '/api/setup/enroll', { code: (tlsAppliance as any).enrollmentCode })).status).toBe(201);
    expect((await request('POST', '/api/setup/admin', { email: 'admin@tls.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await tlsAppliance?.stop();
  });

  it('sends HSTS and marks the session cookie Secure', async () => {
    const res = await request('POST', '/api/auth/login', { email: 'admin@tls.fr', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/iam_session=[^;]+;.*; secure/i);
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
    const page = await request('GET', '/connexion');
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(String(page.headers['set-cookie'])).toMatch(/iam_form=[^;]+;.*; secure/i);
  });

  it('sends nothing but a redirect to HTTPS on plain HTTP (no cookie, no page)', async () => {
    const res = await fetch(`${tlsAppliance.url}/connexion`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
