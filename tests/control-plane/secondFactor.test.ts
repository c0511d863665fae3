/**
 * The vendor admins' second factor on the dashboard, end to end over HTTP with the control plane's
 * clock in the test's hands: the default policy (role `admin`) forcing enrolment at login, codes
 * computed from the secret the page shows (tests/support/totp.ts, written from the RFCs), the
 * verification step, a replayed code refused, recovery codes single use, wrong codes in the login
 * lock-out, enrolment from the account page for a role that may choose, and API tokens untouched.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, storedText, tempDir } from '../support/controlPlane.js';
import {
  Visitor,
  openDashboardInProcess,
  recoveryCodesOnPage,
  secretOnPage,
  type InProcessDashboard,
} from '../support/dashboardInProcess.js';
import { totpCode } from '../support/totp.js';

const PASSWORD = 'correct horse battery staple';
/** Mid-step on purpose: 09:00:10 is 10 s into its 30-second step, so "30 s later" is the next step. */
const START = new Date('2026-12-07T09:00:10.000Z');
const later = (seconds: number) => new Date(START.getTime() + seconds * 1000);

describe('second factor of the vendor admins', () => {
  const dataDir = `${tempDir('cp-2fa-')}/data`;
  let d: InProcessDashboard;
  /** The admin's secret, read off the enrolment page. */
  let secret = '';
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    // No SECOND_FACTOR_REQUIRED_FOR: the product's default (role `admin`) is what is tested.
    d = await openDashboardInProcess(dataDir, { LOGIN_MAX_FAILURES: '3' }, START);
    for (const [email, role] of [
      ['admin@vendor.test', 'admin'],
      ['guesser@vendor.test', 'admin'],
      ['support@vendor.test', 'support'],
    ] as const)
      await d.cp.admins.createAdmin({ email, role, password: PASSWORD }, START);
  });
  afterAll(async () => {
    await d?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leads an admin without one to enrol, and nowhere else, until a code from the secret is confirmed', async () => {
    const v = new Visitor(d.url);
    const login = await v.login('admin@vendor.test', PASSWORD);
    expect([login.status, login.location]).toEqual([303, '/connexion/double-facteur?next=%2Fcabinets']);
    expect(v.cookies.has('cp_session')).toBe(false);
    expect(v.cookies.has('cp_pending')).toBe(true);
    // The pending cookie is no session: no page, no API call.
    expect((await v.request('GET', '/cabinets')).location).toBe('/connexion?next=%2Fcabinets');
    expect((await v.request('GET', '/api/v1/cabinets')).status).toBe(401);

    const page = await v.request('GET', '/connexion/double-facteur?next=%2Fcabinets');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Votre rôle exige un second facteur');
    expect(page.text).toMatch(/<div class="qr"[^>]*><svg /);
    secret = secretOnPage(page.text);

    const wrong = await v.post('/connexion/double-facteur?next=%2Fcabinets', { code: '000000' }, '/connexion/double-facteur');
    expect(wrong.text).toContain('Code : incorrect.');
    expect(v.cookies.has('cp_session')).toBe(false);

    const confirmed = await v.post(
      '/connexion/double-facteur?next=%2Fcabinets',
      { code: totpCode(secret, START) },
      '/connexion/double-facteur',
    );
    expect(confirmed.status).toBe(200);
    recoveryCodes = recoveryCodesOnPage(confirmed.text);
    expect(recoveryCodes).toHaveLength(10);
    expect(confirmed.text).toContain('ils ne seront plus jamais affichés');
    expect(v.cookies.has('cp_session')).toBe(true);
    expect(v.cookies.has('cp_pending')).toBe(false);
    expect((await v.request('GET', '/cabinets')).status).toBe(200);
    // Shown once: the account page has the count, never the codes.
    const account = await v.request('GET', '/compte');
    expect(account.text).toContain('10 code(s) de secours restant(s)');
    expect(recoveryCodesOnPage(account.text)).toEqual([]);
    // Kept sealed: neither the secret nor a recovery code is stored (admins.json, or the database).
    const stored = await storedText(dataDir);
    expect(stored).not.toContain(secret);
    for (const code of recoveryCodes) expect(stored).not.toContain(code);
  });

  it('asks for the code after the password, and refuses the code that was already used', async () => {
    const v = new Visitor(d.url);
    const login = await v.login('admin@vendor.test', PASSWORD);
    expect([login.status, login.location]).toEqual([303, '/connexion/verification?next=%2Fcabinets']);
    expect(v.cookies.has('cp_session')).toBe(false);
    // The code of START's step confirmed the enrolment: spent.
    const replayed = await v.post('/connexion/verification?next=%2Fcabinets', { code: totpCode(secret, START) }, '/connexion/verification');
    expect(replayed.text).toContain('Code : il a déjà servi.');
    expect(v.cookies.has('cp_session')).toBe(false);

    // 30 s later the application shows the next step's code (START is 10 s into its step: later(30) is 10 s into the next).
    d.at(later(30));
    const ok = await v.post('/connexion/verification?next=%2Fcabinets', { code: totpCode(secret, later(30)) }, '/connexion/verification');
    expect([ok.status, ok.location]).toEqual([303, '/cabinets']);
    expect(v.cookies.has('cp_session')).toBe(true);

    // The same code again, in another browser within the same step: a replay.
    const other = new Visitor(d.url);
    await other.login('admin@vendor.test', PASSWORD);
    const again = await other.post('/connexion/verification', { code: totpCode(secret, later(30)) }, '/connexion/verification');
    expect(again.text).toContain('Code : il a déjà servi.');
    expect(other.cookies.has('cp_session')).toBe(false);
  });

  it('takes each recovery code once', async () => {
    const v = new Visitor(d.url);
    await v.login('admin@vendor.test', PASSWORD);
    // Typed by hand: upper case, spaces instead of dashes.
    const typed = recoveryCodes[0]!.toUpperCase().replace(/-/g, ' ');
    const used = await v.post('/connexion/verification', { code: typed }, '/connexion/verification');
    expect([used.status, used.location]).toEqual([303, '/compte?fait=code-de-secours']);
    expect((await v.request('GET', '/compte?fait=code-de-secours')).text).toContain('il vous en reste 9');

    const w = new Visitor(d.url);
    await w.login('admin@vendor.test', PASSWORD);
    const twice = await w.post('/connexion/verification', { code: recoveryCodes[0]! }, '/connexion/verification');
    expect(twice.text).toContain('Code : incorrect.');
    expect(w.cookies.has('cp_session')).toBe(false);
    const next = await w.post('/connexion/verification', { code: recoveryCodes[1]! }, '/connexion/verification');
    expect(next.status).toBe(303);
    expect(w.cookies.has('cp_session')).toBe(true);
  });

  it('counts wrong codes in the login lock-out, and giving the password again does not clear them', async () => {
    const v = new Visitor(d.url);
    await v.login('guesser@vendor.test', PASSWORD);
    const enrol = await v.request('GET', '/connexion/double-facteur');
    const guesserSecret = secretOnPage(enrol.text);
    await v.post('/connexion/double-facteur', { code: totpCode(guesserSecret, d.now()) });
    expect(v.cookies.has('cp_session')).toBe(true);

    // Someone with the password, not the phone. LOGIN_MAX_FAILURES=3 for an account and address.
    const thief = new Visitor(d.url);
    expect((await thief.login('guesser@vendor.test', PASSWORD)).location).toMatch(/^\/connexion\/verification/);
    for (const code of ['111111', '222222']) {
      expect((await thief.post('/connexion/verification', { code }, '/connexion/verification')).text).toContain('Code : incorrect.');
    }
    // The password again: it must not reset the count.
    expect((await thief.login('guesser@vendor.test', PASSWORD)).location).toMatch(/^\/connexion\/verification/);
    expect((await thief.post('/connexion/verification', { code: '333333' }, '/connexion/verification')).text).toContain(
      'Code : incorrect.',
    );
    // Three failures: locked, even with the right code (the next step's, not yet used).
    const locked = await thief.post(
      '/connexion/verification',
      { code: totpCode(guesserSecret, new Date(d.now().getTime() + 30_000)) },
      '/connexion/verification',
    );
    expect(locked.status).toBe(429);
    expect(locked.text).toContain("Trop d'échecs de connexion");
    expect(locked.headers.get('retry-after')).toBe('60');
    expect(thief.cookies.has('cp_session')).toBe(false);
    // And the password step is locked as well.
    expect((await thief.login('guesser@vendor.test', PASSWORD)).status).toBe(429);
  });

  it('lets a role the policy does not cover sign in with its password, and enrol from the account page', async () => {
    const v = new Visitor(d.url);
    const login = await v.login('support@vendor.test', PASSWORD);
    expect([login.status, login.location]).toEqual([302, '/cabinets']);
    expect((await v.request('GET', '/compte')).text).toContain('Facultative pour votre rôle');

    const start = await v.post('/compte/double-facteur', {}, '/compte');
    expect([start.status, start.location]).toEqual([303, '/compte/double-facteur']);
    const page = await v.request('GET', '/compte/double-facteur');
    const supportSecret = secretOnPage(page.text);
    const wrong = await v.post('/compte/double-facteur/confirmer', { code: '123456' }, '/compte/double-facteur');
    expect(wrong.location).toBe('/compte/double-facteur');
    expect((await v.request('GET', '/compte/double-facteur')).text).toContain('Code : incorrect.');
    const confirmed = await v.post(
      '/compte/double-facteur/confirmer',
      { code: totpCode(supportSecret, d.now()) },
      '/compte/double-facteur',
    );
    const first = recoveryCodesOnPage(confirmed.text);
    expect(first).toHaveLength(10);

    // New recovery codes need a current code; the old ones stop working.
    const refused = await v.post('/compte/double-facteur/codes', { code: '' }, '/compte');
    expect(refused.location).toBe('/compte');
    expect((await v.request('GET', '/compte')).text).toContain('Code : saisissez les 6 chiffres');
    const regenerated = await v.post('/compte/double-facteur/codes', { code: first[0]! }, '/compte');
    const second = recoveryCodesOnPage(regenerated.text);
    expect(second).toHaveLength(10);
    expect(second).not.toContain(first[1]);
    const w = new Visitor(d.url);
    await w.login('support@vendor.test', PASSWORD);
    expect((await w.post('/connexion/verification', { code: first[1]! }, '/connexion/verification')).text).toContain('Code : incorrect.');

    // Removing it (allowed for support) with a current code: the password alone works again.
    const removed = await v.post('/compte/double-facteur/retirer', { code: second[0]! }, '/compte');
    expect(removed.location).toBe('/compte?fait=double-facteur-retire');
    expect((await new Visitor(d.url).login('support@vendor.test', PASSWORD)).location).toBe('/cabinets');
  });

  it('does not let an admin whose role requires it remove their second factor', async () => {
    const v = new Visitor(d.url);
    await v.login('admin@vendor.test', PASSWORD);
    await v.post('/connexion/verification', { code: recoveryCodes[2]! }, '/connexion/verification');
    const account = await v.request('GET', '/compte');
    expect(account.text).toContain('vous pouvez le remplacer, pas le retirer');
    expect(account.text).not.toContain('/compte/double-facteur/retirer');
    const removed = await v.post('/compte/double-facteur/retirer', { code: recoveryCodes[3]! }, '/compte');
    expect(removed.location).toBe('/compte');
    expect((await d.cp.secondFactors.status(await d.cp.admins.idOf('admin@vendor.test'))).enrolledAt).not.toBeNull();
  });

  it('replaces the factor with a new phone (a current code first): the old secret and its recovery codes stop working', async () => {
    const v = new Visitor(d.url);
    await v.login('admin@vendor.test', PASSWORD);
    await v.post('/connexion/verification', { code: recoveryCodes[4]! }, '/connexion/verification');
    const start = await v.post('/compte/double-facteur', { code: recoveryCodes[5]! }, '/compte');
    expect(start.location).toBe('/compte/double-facteur');
    const newSecret = secretOnPage((await v.request('GET', '/compte/double-facteur')).text);
    expect(newSecret).not.toBe(secret);
    // 60 s after START (later(30) was the last step used): 10 s into a step no code has spent yet.
    d.at(later(60));
    const confirmed = await v.post('/compte/double-facteur/confirmer', { code: totpCode(newSecret, later(60)) }, '/compte/double-facteur');
    expect(recoveryCodesOnPage(confirmed.text)).toHaveLength(10);

    // 30 s on, the old phone's code is refused, the new phone's accepted.
    d.at(later(90));
    const w = new Visitor(d.url);
    await w.login('admin@vendor.test', PASSWORD);
    expect((await w.post('/connexion/verification', { code: totpCode(secret, later(90)) }, '/connexion/verification')).text).toContain(
      'Code : incorrect.',
    );
    const ok = await w.post('/connexion/verification', { code: totpCode(newSecret, later(90)) }, '/connexion/verification');
    expect(ok.status).toBe(303);
    expect(w.cookies.has('cp_session')).toBe(true);
    // The old recovery codes went with the old factor.
    const x = new Visitor(d.url);
    await x.login('admin@vendor.test', PASSWORD);
    expect((await x.post('/connexion/verification', { code: recoveryCodes[6]! }, '/connexion/verification')).text).toContain(
      'Code : incorrect.',
    );
  });

  it('leaves the vendor API bearer tokens as they are', async () => {
    const { token } = await d.cp.admins.createApiToken('admin@vendor.test', later(86_400), d.now());
    expect((await api(d.url, token, 'GET', '/api/v1/cabinets')).status).toBe(200);
  });
});
