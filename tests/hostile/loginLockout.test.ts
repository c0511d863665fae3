/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * The login lock-out under attack, against the real processes: guesses sent all at once (each
 * used to be hashed before the first failure was counted), a stranger on the LAN locking a lawyer
 * out, guesses spread over many addresses, and a flood of logins that used to queue behind the two
 * hash slots — on the appliance's API, its login page and its password change, and on the vendor
 * dashboard. Addresses are real: the appliance sees each request's source address (127.0.0.x on
 * loopback), the control plane the proxy's X-Forwarded-For (TRUST_PROXY).
 *
 * The figures are the defaults: 5 failures of an account from one address lock it there for a
 * minute, doubling; 20 over every address slow the account by a second, doubling to 60 s.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'wrong password, one more try';
const MAX_FAILURES = 5;
const FORM_TOKEN = 'A'.repeat(24); // the pre-session CSRF double-submit: cookie and field alike
const STRANGER = '127.0.0.66';
const LAWYER = '127.0.0.10';

let cp: TestControlPlane;
let appliance: TestAppliance;

interface Answer {
  status: number;
  body: any;
  text: string;
  retryAfter: number | undefined;
  setCookie: string[];
}

/** One request from `from` (a loopback source address) or, with `forwardedFor`, as the vendor's proxy would pass it. */
function send(
  base: string,
  method: string,
  path: string,
  options: { from?: string; forwardedFor?: string; headers?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  const body =
    options.json !== undefined ? JSON.stringify(options.json) : options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = {
    ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded', 'cookie': `iam_form=${FORM_TOKEN}` } : {}),
    ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        agent: false,
        ...(options.from ? { localAddress: options.from } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            text,
            retryAfter: retryAfter === undefined ? undefined : Number(retryAfter),
            setCookie: res.headers['set-cookie'] ?? [],
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const apiLogin = (from: string, email: string, password: string) =>
  send(appliance.url, 'POST', '/api/auth/login', { from, json: { email, password } });

/** What became of a guess: evaluated (a wrong password), refused by the lock, or refused by the full hashing queue. */
type Fate = 'evaluated' | 'locked' | 'busy';

/**
 * Sends bursts of `size` guesses at once until a whole burst is refused by the lock; returns how
 * many guesses were evaluated in all. Each burst before the lock evaluates at least one guess (the
 * queue is empty when it starts), so the loop ends; the assertion says so.
 */
async function burstUntilLocked(size: number, guess: () => Promise<Answer>, fateOf: (a: Answer) => Fate): Promise<number> {
  let evaluated = 0;
  for (let burst = 1; ; burst++) {
    const fates = (await Promise.all(Array.from({ length: size }, guess))).map(fateOf);
    if (fates.every((f) => f === 'locked')) return evaluated;
    expect(fates).toContain('evaluated');
    evaluated += fates.filter((f) => f === 'evaluated').length;
    expect(burst).toBeLessThanOrEqual(MAX_FAILURES);
  }
}

function apiFate(a: Answer, wrong: { status: number; error: string }): Fate {
  if (a.status === wrong.status && a.body?.error === wrong.error) return 'evaluated';
  expect(a.status, a.text).toBe(429);
  expect(a.retryAfter).toBeGreaterThan(0);
  if (a.body?.error === 'login_busy') return 'busy';
  expect(a.body?.error).toBe('rate_limited');
  return 'locked';
}

/** Resolves once the process has printed a line matching `pattern` (now, or when it comes). */
function logLine(service: { child: ChildProcess; output(): string }, pattern: RegExp): Promise<string> {
  const find = () =>
    service
      .output()
      .split('\n')
      .find((l) => pattern.test(l));
  return new Promise((resolve) => {
    const found = find();
    if (found) return resolve(found);
    const onData = () => {
      const line = find();
      if (!line) return;
      service.child.stdout!.off('data', onData);
      resolve(line);
    };
    service.child.stdout!.on('data', onData);
  });
}

beforeAll(async () => {
  cp = await startControlPlane(tempDir('cp-lockout-'), { TRUST_PROXY: 'true' });
  const created = await runCli(cp.dataDir, [
    'cabinet',
    'create',
    '--id',
    'lockout',
    '--name',
    'Cabinet Lockout',
    '--plan',
    'enterprise',
    '--json',
  ]);
  appliance = await startAppliance(tempDir('lockout-'), { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'lockout' });
  expect((await send(appliance.url, 'POST', '/api/setup/enroll', { json: { code: created.json.enrollmentCode } })).status).toBe(201);
  expect(
    (await send(appliance.url, 'POST', '/api/setup/admin', { json: { email: 'admin@lockout.fr', name: 'Admin', password: PASSWORD } }))
      .status,
  ).toBe(201);
  const admin = await apiLogin('127.0.0.1', 'admin@lockout.fr', PASSWORD);
  const auth = { 'cookie': admin.setCookie.map((c) => c.split(';')[0]).join('; '), 'x-csrf-token': admin.body.csrfToken as string };
  for (const email of ['cible@lockout.fr', 'page@lockout.fr', 'change@lockout.fr', 'flood@lockout.fr']) {
    expect(
      (
        await send(appliance.url, 'POST', '/api/users', {
          from: '127.0.0.1',
          headers: auth,
          json: { email, name: 'Avocat', role: 'avocat', password: PASSWORD },
        })
      ).status,
    ).toBe(201);
  }
  expect(
    (await runCli(cp.dataDir, ['admin', 'create', '--email', 'ops@vendor.test', '--role', 'admin'], { input: `${PASSWORD}\n` })).code,
  ).toBe(0);
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the appliance login', () => {
  it('evaluates 5 of 60 guesses sent at once, then refuses the right password from that address while locked', async () => {
    const evaluated = await burstUntilLocked(
      60,
      () => apiLogin(STRANGER, 'cible@lockout.fr', WRONG),
      (a) => apiFate(a, { status: 401, error: 'unauthorized' }),
    );
    expect(evaluated).toBe(MAX_FAILURES);
    const right = await apiLogin(STRANGER, 'cible@lockout.fr', PASSWORD);
    expect([right.status, right.body.error]).toEqual([429, 'rate_limited']);
    expect(right.retryAfter).toBeGreaterThan(0);
    expect(right.retryAfter).toBeLessThanOrEqual(60); // the first lock: a minute
    // The cabinet's admin sees it in the appliance's log: which account, from which address.
    const line = JSON.parse(await logLine(appliance.service, /login: account locked for this address/));
    expect([line.email, line.ip, line.seconds]).toEqual(['cible@lockout.fr', STRANGER, 60]);
  });

  it('lets the lawyer in from their own address at once, and past guessing spread over many addresses within short delays', async () => {
    expect((await apiLogin(LAWYER, 'cible@lockout.fr', PASSWORD)).status).toBe(200);
    // Strangers at fresh addresses, one guess each, until the account itself is slowed (20 failures, 5 of them above).
    let evaluated = 0;
    let refused: Answer | undefined;
    for (let i = 0; !refused; i++) {
      const guess = await apiLogin(`127.0.1.${i + 1}`, 'cible@lockout.fr', WRONG);
      if (guess.status === 401) evaluated++;
      else refused = guess;
    }
    expect(evaluated).toBeGreaterThanOrEqual(4 * MAX_FAILURES - MAX_FAILURES);
    expect([refused.status, refused.body.error]).toEqual([429, 'rate_limited']);
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
    // The lawyer waits what each answer says — never more than a minute — and gets in.
    for (;;) {
      const login = await apiLogin(LAWYER, 'cible@lockout.fr', PASSWORD);
      if (login.status === 200) break;
      expect([login.status, login.body.error]).toEqual([429, 'rate_limited']);
      expect(login.retryAfter).toBeLessThanOrEqual(60);
      await new Promise((resolve) => setTimeout(resolve, login.retryAfter! * 1000));
    }
  }, 120_000);

  it('refuses a flood of logins past the hashing queue at once (429 login_busy), and has none left queued after it', async () => {
    const flood = Array.from({ length: 40 }, (_, a) =>
      Array.from({ length: 3 }, (_, i) => apiLogin(`127.0.2.${a + 1}`, `nobody${a}-${i}@lockout.fr`, WRONG)),
    ).flat();
    const answers = await Promise.all(flood);
    const fates = answers.map((a) => apiFate(a, { status: 401, error: 'unauthorized' }));
    expect(fates).not.toContain('locked');
    expect(fates).toContain('busy');
    for (const busy of answers.filter((a) => a.body?.error === 'login_busy')) expect(busy.retryAfter).toBe(1);
    expect((await apiLogin(LAWYER, 'flood@lockout.fr', PASSWORD)).status).toBe(200);
  });

  it('guards the login page the same way', async () => {
    // A refused login answers 303 back to the login page, which shows why once to the same browser
    // (its pre-session cookie): each attempt is its own browser, so concurrent ones don't mix.
    const pageLogin = async (from: string, password: string): Promise<Answer> => {
      const token = randomBytes(18).toString('base64url');
      const cookie = `iam_form=${token}`;
      const posted = await send(appliance.url, 'POST', '/connexion', {
        from,
        headers: { cookie },
        form: { _csrf: token, email: 'page@lockout.fr', password },
      });
      if (posted.status !== 303) return posted;
      expect(posted.text).not.toContain('Adresse e-mail');
      const shown = await send(appliance.url, 'GET', '/connexion', { from, headers: { cookie } });
      return { ...shown, setCookie: posted.setCookie };
    };
    const pageFate = (a: Answer): Fate => {
      expect(a.status).toBe(200);
      if (a.text.includes('Adresse e-mail ou mot de passe incorrect.')) return 'evaluated';
      if (a.text.includes('Trop de connexions en cours de vérification')) return 'busy';
      expect(a.text).toContain('Trop de tentatives échouées');
      return 'locked';
    };
    expect(await burstUntilLocked(60, () => pageLogin(STRANGER, WRONG), pageFate)).toBe(MAX_FAILURES);
    const right = await pageLogin(STRANGER, PASSWORD);
    expect(pageFate(right)).toBe('locked');
    expect(right.setCookie.join(';')).not.toMatch(/iam_session=[^;]/);
    const lawyer = await pageLogin(LAWYER, PASSWORD);
    expect([lawyer.status, lawyer.setCookie.join(';')]).toEqual([302, expect.stringMatching(/iam_session=[^;]/)]);
  });

  it('guards the password change: 5 of 60 wrong current passwords are evaluated, then even the right one is refused', async () => {
    const from = '127.0.0.30';
    const login = await apiLogin(from, 'change@lockout.fr', PASSWORD);
    const headers = { 'cookie': login.setCookie.map((c) => c.split(';')[0]).join('; '), 'x-csrf-token': login.body.csrfToken as string };
    const change = (current: string) =>
      send(appliance.url, 'POST', '/api/auth/password', {
        from,
        headers,
        json: { currentPassword: current, newPassword: 'a brand new password' },
      });
    expect(
      await burstUntilLocked(
        60,
        () => change(WRONG),
        (a) => apiFate(a, { status: 400, error: 'invalid_input' }),
      ),
    ).toBe(MAX_FAILURES);
    const right = await change(PASSWORD);
    expect([right.status, right.body.error]).toEqual([429, 'rate_limited']);
  });
});

describe('the vendor dashboard login', () => {
  const dashboardLogin = (forwardedFor: string, password: string) =>
    send(cp.url, 'POST', '/connexion', { forwardedFor, form: { _csrf: FORM_TOKEN, email: 'ops@vendor.test', password } });
  const fate = (a: Answer): Fate => {
    if (a.status === 200 && a.text.includes('Adresse e-mail ou mot de passe incorrect.')) return 'evaluated';
    expect(a.status, a.text).toBe(429);
    expect(a.retryAfter).toBeGreaterThan(0);
    if (a.text.includes('Trop de connexions en cours de vérification')) return 'busy';
    expect(a.text).toContain("Trop d'échecs de connexion");
    return 'locked';
  };

  it('evaluates 5 of 60 guesses sent at once, refuses the right password from that address, and lets the admin in from theirs', async () => {
    expect(await burstUntilLocked(60, () => dashboardLogin('203.0.113.66', WRONG), fate)).toBe(MAX_FAILURES);
    expect(fate(await dashboardLogin('203.0.113.66', PASSWORD))).toBe('locked');
    // A made-up address in front of the one the proxy appended changes nothing: the proxy's is the one counted.
    expect(fate(await dashboardLogin('198.51.100.1, 203.0.113.66', PASSWORD))).toBe('locked');
    const line = JSON.parse(await logLine(cp.service, /dashboard login: account locked for this address/));
    expect([line.email, line.ip]).toEqual(['ops@vendor.test', '203.0.113.66']);
    const admin = await dashboardLogin('203.0.113.10', PASSWORD);
    expect([admin.status, admin.setCookie.join(';')]).toEqual([302, expect.stringMatching(/cp_session=[^;]/)]);
  });
});
