/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * The second factor against a real appliance (docs/second-factor.md): setup from the page with a
 * code computed here from the secret the page shows (tests/support/totp.ts, written from RFC 6238),
 * the login's second step, a used code refused as replayed, wrong codes locking the account like
 * wrong passwords, a recovery code working once, the admin policy leading a user to set one up
 * before anything else, the API login's `code`, and the resets (admin page and CLI), audited.
 *
 * Codes and time: the appliance accepts the codes of the current 30-second step and of one step
 * either side, and never a step at or before the last one accepted. So each user's n-th code is
 * computed for the current step or the step after the previous one (`nextCode`): never a past step,
 * so a step boundary passed between computing and checking keeps it in the window; it stays within
 * the window as long as a user makes no more than two uses per 30 seconds of real time, which the
 * tests keep to (each user enrols, then logs in once with the app's code; further logins use
 * recovery codes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../../support/appliance.js';
import { WebVisitor, decodeHtml } from '../../support/webVisitor.js';
import { totpCode } from '../../support/totp.js';

const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let dir: string;
let appliance: TestAppliance;
let admin: Browser;

/** Each user's secret and the last step the test spent, to compute the next unused code. */
const secrets = new Map<string, { secret: string; step: number }>();
const stepNow = () => Math.floor(Date.now() / 30_000);
function nextCode(email: string): string {
  const s = secrets.get(email)!;
  s.step = Math.max(s.step + 1, stepNow());
  return totpCode(s.secret, s.step * 30);
}
/** A 6-digit code that is none of the window's, for the user's secret (a wrong code by construction). */
function wrongCode(email: string): string {
  const { secret } = secrets.get(email)!;
  const now = stepNow();
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpCode(secret, (now + d) * 30)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

async function addUser(email: string, role: string): Promise<void> {
  expect((await admin.call('POST', '/api/users', { email, name: email.split('@')[0], role, password: PASSWORD })).status).toBe(201);
}

/** Sets up the app from the account page as a logged-in user would; returns the recovery codes shown. */
async function enrol(v: WebVisitor, email: string): Promise<string[]> {
  const page = await v.get('/compte/double-facteur');
  expect(page.status).toBe(200);
  expect((await v.post('/compte/double-facteur/debut', {})).location).toBe('/compte/double-facteur');
  const setup = await v.get('/compte/double-facteur');
  expect(setup.html).toMatch(/<div class="qr-code" role="img"[^>]*><svg /);
  const secret = /<code class="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(setup.html)![1]!.replace(/ /g, '');
  secrets.set(email, { secret, step: stepNow() - 2 });
  const done = await v.post('/compte/double-facteur/activation', { code: nextCode(email) });
  expect(done.status).toBe(200);
  const codes = [...done.html.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
  expect(codes).toHaveLength(10);
  // The download carries the same codes, built in the page.
  expect(decodeURIComponent(/href="data:text\/plain;charset=utf-8,([^"]+)"/.exec(done.html)![1]!)).toContain(codes[9]);
  return codes;
}

const auditActions = () =>
  fs
    .readdirSync(path.join(dir, 'audit'))
    .filter((f) => f.endsWith('.log'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, 'audit', f), 'utf8')
        .trim()
        .split('\n'),
    )
    .map((l) => JSON.parse(l) as { actor: string; action: string; detail?: string });

beforeAll(async () => {
  cp = await startControlPlane(tempDir('cp-2fa-'));
  const created = await runCli(cp.dataDir, [
    'cabinet',
    'create',
    '--id',
    'mfa',
    '--name',
    'Cabinet Martin',
    '--plan',
    'enterprise',
    '--json',
  ]);
  dir = tempDir('mfa-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'mfa', LOGIN_MAX_FAILURES: '3' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@mfa.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await admin.login('admin@mfa.fr', PASSWORD)).status).toBe(200);
  await addUser('avocat@mfa.fr', 'avocat');
  await addUser('secretariat@mfa.fr', 'secretariat');
  await addUser('juriste@mfa.fr', 'juriste');
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('the second factor', () => {
  let recovery: string[] = [];

  it('is set up with a code computed from the secret the page shows, then asked at login; a used code is replayed', async () => {
    const v = new WebVisitor(appliance.url);
    expect(await v.logIn('avocat@mfa.fr', PASSWORD)).toBe('/');
    recovery = await enrol(v, 'avocat@mfa.fr');
    // The secret is kept in users.json (mode 0600), the recovery codes as hashes only.
    const usersJson = fs.readFileSync(path.join(dir, 'users.json'), 'utf8');
    expect(usersJson).toContain(secrets.get('avocat@mfa.fr')!.secret);
    for (const c of recovery) expect(usersJson).not.toContain(c);
    expect(fs.statSync(path.join(dir, 'users.json')).mode & 0o777).toBe(0o600);

    const b = new WebVisitor(appliance.url);
    expect(await b.logIn('avocat@mfa.fr', PASSWORD)).toBe('/connexion/verification');
    // No session yet: a page asks for the login again.
    expect(b.cookies.has('iam_session')).toBe(false);
    expect((await b.get('/dossiers')).location).toMatch(/^\/connexion/);
    const form = await b.get('/connexion/verification');
    expect(form.html).toContain('Vérification en deux étapes');
    expect(form.html).toContain('Utiliser un code de secours');
    const code = nextCode('avocat@mfa.fr');
    const ok = await b.post('/connexion/verification', { method: 'totp', code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect([ok.status, ok.location]).toEqual([303, '/']);
    expect(b.cookies.has('iam_session')).toBe(true);
    expect(b.cookies.has('iam_pending_login')).toBe(false);
    expect((await b.get('/dossiers')).status).toBe(200);

    // The same code, in another login within its window: refused as replayed.
    const c = new WebVisitor(appliance.url);
    expect(await c.logIn('avocat@mfa.fr', PASSWORD)).toBe('/connexion/verification');
    await c.get('/connexion/verification');
    const again = await c.post('/connexion/verification', { method: 'totp', code });
    expect(again.location).toBe('/connexion/verification');
    expect(decodeHtml((await c.get('/connexion/verification')).html)).toContain('Ce code a déjà servi');
    expect(c.cookies.has('iam_session')).toBe(false);
  });

  it('takes a recovery code once, says how many remain, and takes it on the API login too', async () => {
    const v = new WebVisitor(appliance.url);
    expect(await v.logIn('avocat@mfa.fr', PASSWORD)).toBe('/connexion/verification');
    await v.get('/connexion/verification?secours=1');
    const used = await v.post('/connexion/verification', { method: 'recovery', code: recovery[0]!.toUpperCase() });
    expect([used.status, used.location]).toEqual([303, '/compte/double-facteur?restants=9']);
    expect(decodeHtml((await v.get(used.location!)).html)).toContain('il vous en reste 9');

    const w = new WebVisitor(appliance.url);
    expect(await w.logIn('avocat@mfa.fr', PASSWORD)).toBe('/connexion/verification');
    await w.get('/connexion/verification?secours=1');
    expect((await w.post('/connexion/verification', { method: 'recovery', code: recovery[0]! })).location).toBe('/connexion/verification');
    expect(decodeHtml((await w.get('/connexion/verification')).html)).toContain('Ce code de secours est inconnu ou a déjà servi.');

    const api = new Browser(appliance.url);
    const missing = await api.login('avocat@mfa.fr', PASSWORD);
    expect([missing.status, missing.body.error]).toEqual([401, 'second_factor_required']);
    expect(missing.body.message).toContain('code: is required');
    expect(api.cookie).toBe('');
    const withCode = await api.call('POST', '/api/auth/login', { email: 'avocat@mfa.fr', password: PASSWORD, code: recovery[1] });
    expect(withCode.status).toBe(200);
    expect((await api.call('GET', '/api/auth/me')).status).toBe(200);
    const reused = await new Browser(appliance.url).call('POST', '/api/auth/login', {
      email: 'avocat@mfa.fr',
      password: PASSWORD,
      code: recovery[1],
    });
    expect([reused.status, reused.body.error]).toEqual([401, 'second_factor_invalid']);
    expect(auditActions().filter((e) => e.action === 'user.recovery_code_used')).toHaveLength(2);
  });

  it('locks the account after LOGIN_MAX_FAILURES wrong codes, like wrong passwords, even for the right code then', async () => {
    const v = new WebVisitor(appliance.url);
    await v.logIn('secretariat@mfa.fr', PASSWORD);
    await enrol(v, 'secretariat@mfa.fr');
    const b = new WebVisitor(appliance.url);
    expect(await b.logIn('secretariat@mfa.fr', PASSWORD)).toBe('/connexion/verification');
    await b.get('/connexion/verification');
    // LOGIN_MAX_FAILURES=3 for this appliance: three wrong codes, then the lock.
    for (let i = 0; i < 3; i++) {
      expect((await b.post('/connexion/verification', { method: 'totp', code: wrongCode('secretariat@mfa.fr') })).location).toBe(
        '/connexion/verification',
      );
      const shown = decodeHtml((await b.get('/connexion/verification')).html);
      expect(shown).toContain('Ce code n’est pas celui qu’affiche votre application');
    }
    // The next attempt is refused before the code is looked at, the right code included.
    await b.post('/connexion/verification', { method: 'totp', code: nextCode('secretariat@mfa.fr') });
    expect(decodeHtml((await b.get('/connexion/verification')).html)).toContain('Trop de tentatives échouées');
    expect(b.cookies.has('iam_session')).toBe(false);
    // The password step is locked too (same account, same address).
    expect(await new WebVisitor(appliance.url).logIn('secretariat@mfa.fr', PASSWORD)).toBe('/connexion');
  });

  it('leads a user the policy covers to set one up before anything else, and keeps them from removing it', async () => {
    const a = new WebVisitor(appliance.url);
    a.cookies.set('iam_session', admin.cookie.split('=')[1]!);
    await a.get('/admin/securite');
    const refused = await a.post('/admin/securite', { required: 'roles' });
    expect(refused.location).toBe('/admin/securite');
    expect(decodeHtml((await a.get('/admin/securite')).html)).toContain('Cochez au moins un rôle');
    expect((await a.post('/admin/securite', { required: 'roles', roles: 'juriste' })).location).toBe('/admin/securite');
    expect(decodeHtml((await a.get('/admin/securite')).html)).toContain('La règle de double authentification est enregistrée.');
    expect(auditActions().some((e) => e.action === 'security.second_factor_policy' && e.detail === 'roles: juriste')).toBe(true);

    // The API cannot show a QR code: it says where to go.
    const api = await new Browser(appliance.url).login('juriste@mfa.fr', PASSWORD);
    expect([api.status, api.body.error]).toEqual([403, 'second_factor_setup_required']);

    const j = new WebVisitor(appliance.url);
    expect(await j.logIn('juriste@mfa.fr', PASSWORD)).toBe('/compte/double-facteur');
    expect(j.cookies.has('iam_session')).toBe(false);
    expect((await j.get('/dossiers')).location).toMatch(/^\/connexion/);
    const held = await j.get('/compte/double-facteur');
    expect(decodeHtml(held.html)).toContain('Le cabinet exige un second facteur pour votre compte');
    expect((await j.post('/compte/double-facteur/debut', {})).location).toBe('/compte/double-facteur');
    const setup = await j.get('/compte/double-facteur');
    const secret = /<code class="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(setup.html)![1]!.replace(/ /g, '');
    secrets.set('juriste@mfa.fr', { secret, step: stepNow() - 2 });
    const done = await j.post('/compte/double-facteur/activation', { code: nextCode('juriste@mfa.fr') });
    expect(done.html).toContain('Vos codes de secours');
    expect(j.cookies.has('iam_session')).toBe(true);
    expect((await j.get('/dossiers')).status).toBe(200);
    const account = decodeHtml((await j.get('/compte/double-facteur')).html);
    expect(account).toContain('Le cabinet exige un second facteur pour votre compte : il ne peut pas être désactivé.');
    expect(account).not.toContain('/compte/double-facteur/suppression');
  });

  it('is reset by an admin (page) and from the CLI: sessions end, the audit log says who and whom', async () => {
    const lawyer = new Browser(appliance.url);
    const codes = (await admin.call('GET', '/api/users')).body.users as any[];
    const avocat = codes.find((u) => u.email === 'avocat@mfa.fr');
    // A session of the lawyer, opened with a recovery code.
    expect((await lawyer.call('POST', '/api/auth/login', { email: 'avocat@mfa.fr', password: PASSWORD, code: recovery[2] })).status).toBe(
      200,
    );
    const a = new WebVisitor(appliance.url);
    a.cookies.set('iam_session', admin.cookie.split('=')[1]!);
    const users = await a.get('/admin/utilisateurs');
    expect(users.html).toContain(`/admin/utilisateurs/${avocat.id}/double-facteur`);
    expect((await a.post(`/admin/utilisateurs/${avocat.id}/double-facteur`, {})).location).toBe('/admin/utilisateurs');
    expect(decodeHtml((await a.get('/admin/utilisateurs')).html)).toContain(
      'La double authentification de avocat@mfa.fr est réinitialisée : ses sessions sont fermées.',
    );
    expect((await lawyer.call('GET', '/api/auth/me')).status).toBe(401);
    expect(await new WebVisitor(appliance.url).logIn('avocat@mfa.fr', PASSWORD)).toBe('/');
    expect(auditActions()).toContainEqual(
      expect.objectContaining({ actor: 'admin@mfa.fr', action: 'user.second_factor_reset', detail: 'avocat@mfa.fr' }),
    );

    // The last admin locked out: the shell of the host resets it (through the running server).
    const cli = await runApplianceCli(dir, ['users', 'reset-second-factor', 'juriste@mfa.fr', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ email: 'juriste@mfa.fr', reset: true });
    expect(auditActions()).toContainEqual(
      expect.objectContaining({ actor: 'cli', action: 'user.second_factor_reset', detail: 'juriste@mfa.fr' }),
    );
    // Still covered by the policy: the next login leads to the setup again.
    expect(await new WebVisitor(appliance.url).logIn('juriste@mfa.fr', PASSWORD)).toBe('/compte/double-facteur');
    const unknown = await runApplianceCli(dir, ['users', 'reset-second-factor', 'personne@mfa.fr']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('EMAIL: no user personne@mfa.fr');
  });
});
