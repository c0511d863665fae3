/**
 * Resetting a vendor admin's second factor (lost phone and recovery codes): by another `admin` from
 * the admins page, and by the CLI — the way back in for the last admin. Either ends the admin's
 * sessions, is recorded (who, when) and leads them to enrol again at their next login. Runs the
 * real server process, the CLI talking to it over the control socket.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Visitor, secretOnPage } from '../support/dashboardInProcess.js';
import { totpCode } from '../support/totp.js';

const PASSWORD = 'correct horse battery staple';

/** Signs in as an admin of role `admin` (policy: required) for the first time: enrols, and returns the signed-in browser. */
async function enrolAtLogin(url: string, email: string): Promise<Visitor> {
  const v = new Visitor(url);
  expect((await v.login(email, PASSWORD)).location).toMatch(/^\/connexion\/double-facteur/);
  const secret = secretOnPage((await v.request('GET', '/connexion/double-facteur')).text);
  // The server's clock is this machine's: the code of this instant is within its ±1 step window.
  await v.post('/connexion/double-facteur', { code: totpCode(secret, new Date()) });
  expect(v.cookies.has('cp_session')).toBe(true);
  return v;
}

describe('resetting a vendor admin’s second factor', () => {
  const dataDir = `${tempDir('cp-2fa-reset-')}/data`;
  let cp: TestControlPlane;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    fs.mkdirSync(dataDir);
    for (const email of ['boss@vendor.test', 'ops@vendor.test']) {
      const created = await runCli(dataDir, ['admin', 'create', '--email', email, '--role', 'admin', '--json'], { input: `${PASSWORD}\n` });
      ids.set(email, created.json.admin.id as string);
    }
    // The harness's fixtures sign in with passwords alone; here the product's default is set explicitly.
    cp = await startControlPlane(dataDir, { SECOND_FACTOR_REQUIRED_FOR: 'admin' });
  });
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets an admin reset another’s from the admins page, which ends their sessions and has them enrol again', async () => {
    const boss = await enrolAtLogin(cp.url, 'boss@vendor.test');
    const ops = await enrolAtLogin(cp.url, 'ops@vendor.test');
    const page = await boss.request('GET', '/administrateurs');
    expect(page.text).toContain('actif depuis le');
    expect(page.text).toContain(`/administrateurs/${ids.get('ops@vendor.test')}/double-facteur/reinitialiser`);
    // No button for one's own: a signed-in admin replaces theirs from the account page.
    expect(page.text).not.toContain(`/administrateurs/${ids.get('boss@vendor.test')}/double-facteur/reinitialiser`);

    const action = `/administrateurs/${ids.get('ops@vendor.test')}/double-facteur/reinitialiser`;
    const unconfirmed = await boss.post(action, {}, '/administrateurs');
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Cochez « Je confirme » pour réinitialiser le second facteur de ops@vendor.test');

    const reset = await boss.post(action, { confirmer: '1' }, '/administrateurs');
    expect([reset.status, reset.location]).toEqual([302, '/administrateurs?fait=reinitialise']);
    expect((await boss.request('GET', '/administrateurs')).text).toContain('réinitialisé le');
    expect((await boss.request('GET', '/administrateurs')).text).toContain('par boss@vendor.test');
    // Ops's session is over; their password leads to enrolment again.
    expect((await ops.request('GET', '/cabinets')).location).toBe('/connexion?next=%2Fcabinets');
    expect((await new Visitor(cp.url).login('ops@vendor.test', PASSWORD)).location).toMatch(/^\/connexion\/double-facteur/);

    const self = await boss.post(
      `/administrateurs/${ids.get('boss@vendor.test')}/double-facteur/reinitialiser`,
      { confirmer: '1' },
      '/administrateurs',
    );
    expect(self.status).toBe(409);
    expect(self.text).toContain('Vous ne pouvez pas réinitialiser votre propre second facteur');
  });

  it('resets from the CLI, for the last admin locked out, naming the admin by email', async () => {
    const boss = new Visitor(cp.url);
    await boss.login('boss@vendor.test', PASSWORD);
    expect(boss.cookies.has('cp_session')).toBe(false); // the code is asked: the CLI is the way back in

    const missing = await runCli(dataDir, ['admin', 'reset-second-factor', '--json']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain('EMAIL: is required');
    const unknown = await runCli(dataDir, ['admin', 'reset-second-factor', 'nobody@vendor.test', '--json']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr + unknown.stdout).toContain('nobody@vendor.test');

    const reset = await runCli(dataDir, ['admin', 'reset-second-factor', 'Boss@Vendor.test', '--json']);
    expect(reset.code).toBe(0);
    expect(reset.json.admin).toMatchObject({ email: 'boss@vendor.test', secondFactorEnrolledAt: null, secondFactorReset: { by: 'cli' } });
    // The pending login made before the reset is void (the session epoch moved on), and the next login enrols.
    expect((await boss.request('GET', '/connexion/verification')).location).toBe('/connexion?next=%2F');
    const again = await enrolAtLogin(cp.url, 'boss@vendor.test');
    expect((await again.request('GET', '/administrateurs')).text).toContain('par cli');
  });
});
