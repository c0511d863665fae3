/* eslint-disable @typescript-eslint/no-explicit-any -- CLI and API answers are untyped JSON asserted field by field */
/**
 * Vendor admins against a leaked credential or a departing colleague, on the real control plane:
 * a revoked or expired API token is refused at its next request, a disabled admin's session and
 * tokens stop working at once and they cannot log in, a password change ends every other session
 * and every token, and the last active admin cannot be disabled. `lastUsedAt` is kept without a
 * write per request. Expiry is tested by moving the CLI's clock back (CLOCK_OFFSET_SECONDS), not
 * by waiting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  databaseRows,
  onPostgres,
  runCli,
  startControlPlane,
  storedText,
  tempDir,
  type TestControlPlane,
} from '../support/controlPlane.js';

const PASSWORD = 'correct horse battery staple';
const FORM_TOKEN = 'vendorAdminsFormToken000';
const DAY = 86_400;

let cp: TestControlPlane;
let dataDir: string;
/** A token made "three days ago" that lived two days: expired before the server even started. */
let expiredToken: string;

/** A browser of one session on the dashboard: its cookie and the CSRF token of its pages. */
class DashboardVisitor {
  cookie = '';
  csrf = '';

  async login(email: string, password = PASSWORD): Promise<Response> {
    const res = await fetch(`${cp.url}/connexion`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': `iam_form=${FORM_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: FORM_TOKEN, email, password }).toString(),
    });
    this.take(res);
    if (res.status === 302) this.csrf = /name="_csrf" value="([^"]+)"/.exec((await this.get('/compte')).text)?.[1] ?? '';
    return res;
  }

  private take(res: Response): void {
    const session = /cp_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
    if (session) this.cookie = session[1] ? `cp_session=${session[1]}` : '';
  }

  async get(route: string): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(`${cp.url}${route}`, { redirect: 'manual', headers: { cookie: this.cookie } });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  async post(route: string, form: Record<string, string> = {}): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(`${cp.url}${route}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString(),
    });
    this.take(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Signed in: the fleet page answers; signed out: the visitor is sent to the login page. */
  async signedIn(): Promise<boolean> {
    const page = await this.get('/cabinets');
    if (page.status === 200) return true;
    expect([page.status, page.location]).toEqual([302, '/connexion?next=%2Fcabinets']);
    return false;
  }
}

async function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<any> {
  const res = await runCli(dataDir, [...args, '--json'], options);
  return { code: res.code, ...res.json, stderr: res.stderr };
}

async function newToken(email: string, extra: string[] = []): Promise<{ token: string; id: string; expiresAt: string }> {
  const res = await cli(['admin', 'token', '--email', email, ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return res;
}

const cabinets = (token: string) => api(cp.url, token, 'GET', '/api/v1/cabinets');

beforeAll(async () => {
  dataDir = path.join(tempDir('cp-vendor-admins-'), 'data');
  fs.mkdirSync(dataDir);
  for (const [email, role] of [
    ['ops@vendor.test', 'admin'],
    ['second@vendor.test', 'admin'],
    ['helpdesk@vendor.test', 'support'],
    ['leaver@vendor.test', 'billing'],
  ]) {
    expect((await runCli(dataDir, ['admin', 'create', '--email', email!, '--role', role!], { input: `${PASSWORD}\n` })).code).toBe(0);
  }
  // Made with the clock three days back, no server running: the CLI works on DATA_DIR itself.
  const old = await runCli(dataDir, ['admin', 'token', '--email', 'ops@vendor.test', '--expires-in', '2d', '--json'], {
    env: { CLOCK_OFFSET_SECONDS: String(-3 * DAY) },
  });
  expect(old.code, old.stderr).toBe(0);
  expiredToken = old.json.token;
  cp = await startControlPlane(dataDir);
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

describe('API tokens', () => {
  it('refuses a revoked token from its next request, and lists it as revoked', async () => {
    const { token, id } = await newToken('ops@vendor.test');
    expect((await cabinets(token)).status).toBe(200);
    const revoked = await cli(['admin', 'token', 'revoke', id]);
    expect(revoked).toMatchObject({ code: 0, token: { id, email: 'ops@vendor.test', status: 'revoked' } });
    const refused = await cabinets(token);
    expect([refused.status, refused.body.error]).toEqual([401, 'token_revoked']);
    expect(refused.body.message).toMatch(
      /^this API token was revoked on .*: create a new one with control-plane admin token --email ops@vendor.test$/,
    );
    const listed = await cli(['admin', 'token', 'list', '--email', 'ops@vendor.test']);
    expect(listed.tokens.find((t: any) => t.id === id)).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toMatch(/hash/);
    const unknown = await cli(['admin', 'token', 'revoke', 'no-such-token']);
    expect([unknown.code, unknown.error, unknown.message]).toEqual([1, 'not_found', 'API token "no-such-token" does not exist']);
  });

  it('refuses an expired token with its own code', async () => {
    const refused = await cabinets(expiredToken);
    expect([refused.status, refused.body.error]).toEqual([401, 'token_expired']);
    expect(refused.body.message).toMatch(/^this API token expired on \d{4}-\d\d-\d\dT.*: create a new one/);
    const listed = await cli(['admin', 'token', 'list', '--email', 'ops@vendor.test']);
    expect(listed.tokens.filter((t: any) => t.status === 'expired')).toHaveLength(1);
  });

  it('gives every token an expiry: 90 days by default, a chosen one up to 365 days, never more', async () => {
    const now = Date.now();
    const byDefault = await newToken('ops@vendor.test');
    expect(Date.parse(byDefault.expiresAt) - now).toBeGreaterThan(89.9 * DAY * 1000);
    expect(Date.parse(byDefault.expiresAt) - now).toBeLessThan(90.1 * DAY * 1000);
    const day = new Date(now + 30 * DAY * 1000).toISOString().slice(0, 10);
    const dated = await newToken('ops@vendor.test', ['--expires', day]);
    expect(dated.expiresAt).toBe(new Date(Date.parse(`${day}T00:00:00Z`) + DAY * 1000).toISOString());
    const refusals = await Promise.all([
      cli(['admin', 'token', '--email', 'ops@vendor.test', '--expires-in', '400d']),
      cli(['admin', 'token', '--email', 'ops@vendor.test', '--expires-in', 'forever']),
      cli(['admin', 'token', '--email', 'ops@vendor.test', '--expires', '2020-01-01']),
      cli(['admin', 'token', '--email', 'ops@vendor.test', '--expires', '2026-02-30']),
      cli(['admin', 'token', '--email', 'ops@vendor.test', '--expires', '2099-01-01']),
      cli(['admin', 'token', '--email', 'ops@vendor.test', '--expires', day, '--expires-in', '3d']),
    ]);
    expect(refusals.map((r) => [r.code, r.error])).toEqual(Array(6).fill([1, 'invalid_input']));
    expect(refusals.map((r) => r.message.replace(/\d{4}-\d\d-\d\d/g, 'DATE'))).toEqual([
      'expires-in: must be a number of days from 1 to 365, e.g. --expires-in 90d',
      'expires-in: must be a number of days from 1 to 365, e.g. --expires-in 90d',
      'expires: DATE is already over: give a later date',
      'expires: must be a date YYYY-MM-DD, e.g. --expires DATE',
      'expires: at most 365 days ahead, so DATE at the latest',
      'expires: give either --expires-in or --expires, not both',
    ]);
  });

  it('records when a token was last used without rewriting admins.json on every request', async () => {
    const { token, id } = await newToken('ops@vendor.test');
    const file = path.join(dataDir, 'admins.json');
    // The token as stored, and what changes with every write of it: the file's bytes, or the row's
    // version (PostgreSQL's xmin moves with each UPDATE, even one that writes the same values).
    const stored = async (): Promise<{ lastUsedAt: string | null; version: string }> => {
      if (onPostgres()) {
        const [row] = await databaseRows<{ record: any; xmin: string }>(
          dataDir,
          'SELECT record, xmin::text FROM api_tokens WHERE id = $1',
          [id],
        );
        return { lastUsedAt: row!.record.lastUsedAt, version: row!.xmin };
      }
      const bytes = fs.readFileSync(file, 'utf8');
      return {
        lastUsedAt: JSON.parse(bytes)
          .admins.flatMap((a: any) => a.tokens)
          .find((t: any) => t.id === id).lastUsedAt,
        version: bytes,
      };
    };
    expect((await stored()).lastUsedAt).toBeNull();
    expect((await cabinets(token)).status).toBe(200);
    const first = await stored();
    expect(Date.parse(first.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
    for (let i = 0; i < 5; i++) expect((await cabinets(token)).status).toBe(200);
    // Five more uses inside the hour: the file (or row) is not written again, the listing is current.
    expect((await stored()).version).toBe(first.version);
    const listed = (await cli(['admin', 'token', 'list'])).tokens.find((t: any) => t.id === id);
    expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(first.lastUsedAt!));
  });

  it("lets an admin revoke their own token from the dashboard, but not another admin's", async () => {
    const mine = await newToken('helpdesk@vendor.test');
    const theirs = await newToken('ops@vendor.test');
    const helpdesk = new DashboardVisitor();
    expect((await helpdesk.login('helpdesk@vendor.test')).status).toBe(302);
    const page = await helpdesk.get('/compte');
    expect(page.text).toContain(mine.id);
    expect(page.text).not.toContain(theirs.id);
    expect((await helpdesk.post(`/compte/jetons/${theirs.id}/revoquer`)).status).toBe(404);
    expect((await cabinets(theirs.token)).status).toBe(200);
    expect(await helpdesk.post(`/compte/jetons/${mine.id}/revoquer`)).toMatchObject({ status: 302, location: '/compte?fait=revoque' });
    expect((await cabinets(mine.token)).body.error).toBe('token_revoked');
  });
});

describe('disabling an admin', () => {
  it("ends the admin's sessions and tokens at once, and they can neither log in nor get a token", async () => {
    const leaver = new DashboardVisitor();
    expect((await leaver.login('leaver@vendor.test')).status).toBe(302);
    const { token } = await newToken('leaver@vendor.test');
    expect(await leaver.signedIn()).toBe(true);
    expect((await cabinets(token)).status).toBe(200);

    const ops = new DashboardVisitor();
    expect((await ops.login('ops@vendor.test')).status).toBe(302);
    const leaverId = (await cli(['admin', 'list'])).admins.find((a: any) => a.email === 'leaver@vendor.test').id;
    const unconfirmed = await ops.post(`/administrateurs/${leaverId}/desactiver`);
    expect([unconfirmed.status, unconfirmed.text.includes('Cochez « Je confirme » pour désactiver leaver@vendor.test.')]).toEqual([
      400,
      true,
    ]);
    expect(await leaver.signedIn()).toBe(true);
    expect(await ops.post(`/administrateurs/${leaverId}/desactiver`, { confirmer: '1' })).toMatchObject({
      status: 302,
      location: '/administrateurs?fait=desactive',
    });

    expect(await leaver.signedIn()).toBe(false);
    const withSession = await fetch(`${cp.url}/api/v1/cabinets`, { headers: { cookie: leaver.cookie } });
    expect(withSession.status).toBe(401);
    expect((await cabinets(token)).status).toBe(401);
    const again = await new DashboardVisitor().login('leaver@vendor.test');
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('Ce compte est désactivé');
    expect(again.headers.get('set-cookie') ?? '').not.toMatch(/cp_session=[^;]/);
    const refusedToken = await cli(['admin', 'token', '--email', 'leaver@vendor.test']);
    expect([refusedToken.code, refusedToken.error]).toEqual([1, 'admin_disabled']);
    expect((await cli(['admin', 'list'])).admins.find((a: any) => a.email === 'leaver@vendor.test').disabledAt).toEqual(expect.any(String));
  });

  it('never disables the last active admin, nor lets an admin disable themselves on the dashboard', async () => {
    const ops = new DashboardVisitor();
    expect((await ops.login('ops@vendor.test')).status).toBe(302);
    const opsId = (await cli(['admin', 'list'])).admins.find((a: any) => a.email === 'ops@vendor.test').id;
    const self = await ops.post(`/administrateurs/${opsId}/desactiver`, { confirmer: '1' });
    expect(self.status).toBe(409);
    expect(self.text).toContain('Vous ne pouvez pas désactiver votre propre compte');

    const second = await cli(['admin', 'disable', '--email', 'second@vendor.test']);
    expect(second).toMatchObject({ code: 0, admin: { email: 'second@vendor.test', disabledAt: expect.any(String) } });
    const last = await cli(['admin', 'disable', '--email', 'ops@vendor.test']);
    expect([last.code, last.error, last.message]).toEqual([
      1,
      'last_admin',
      'ops@vendor.test is the last active admin: create another one first (control-plane admin create --email E --role admin)',
    ]);
    expect(await ops.signedIn()).toBe(true);
    // A support account is no admin: it may be disabled whoever remains, and cannot disable anyone.
    const helpdesk = new DashboardVisitor();
    expect((await helpdesk.login('helpdesk@vendor.test')).status).toBe(302);
    expect((await helpdesk.post(`/administrateurs/${opsId}/desactiver`, { confirmer: '1' })).status).toBe(403);
    expect((await cli(['admin', 'list'])).admins.find((a: any) => a.email === 'ops@vendor.test').disabledAt).toBeNull();
  });
});

describe('changing a password', () => {
  it('ends every other session and every token of the admin from the dashboard; the one who changed it carries on', async () => {
    const laptop = new DashboardVisitor();
    const desktop = new DashboardVisitor();
    expect((await laptop.login('helpdesk@vendor.test')).status).toBe(302);
    expect((await desktop.login('helpdesk@vendor.test')).status).toBe(302);
    const { token } = await newToken('helpdesk@vendor.test');
    const wrong = await laptop.post('/compte/mot-de-passe', {
      currentPassword: 'not my password at all',
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    // Redirect after post: the account page, fetched by the same browser, says the refusal once.
    expect([wrong.status, wrong.location]).toEqual([303, '/compte']);
    expect((await laptop.get('/compte')).text).toContain('Mot de passe actuel : incorrect.');
    expect((await laptop.get('/compte')).text).not.toContain('Mot de passe actuel : incorrect.');
    const mismatch = await laptop.post('/compte/mot-de-passe', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
      confirmPassword: 'another passphrase',
    });
    expect([mismatch.status, mismatch.location]).toEqual([303, '/compte']);
    expect((await laptop.get('/compte')).text).toContain('Confirmation : elle ne correspond pas');
    expect(await desktop.signedIn()).toBe(true);

    const changed = await laptop.post('/compte/mot-de-passe', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(changed).toMatchObject({ status: 303, location: '/compte?fait=mot-de-passe' });
    expect(await desktop.signedIn()).toBe(false);
    expect(await laptop.signedIn()).toBe(true);
    expect((await cabinets(token)).body.error).toBe('token_revoked');
    expect((await new DashboardVisitor().login('helpdesk@vendor.test')).status).toBe(200); // the login page again
    expect((await new DashboardVisitor().login('helpdesk@vendor.test', 'a brand new passphrase')).status).toBe(302);
  });

  it('does the same from the CLI, with the new password read from stdin', async () => {
    const browser = new DashboardVisitor();
    expect((await browser.login('ops@vendor.test')).status).toBe(302);
    const { token } = await newToken('ops@vendor.test');
    const short = await cli(['admin', 'password', '--email', 'ops@vendor.test'], { input: 'too short\n' });
    expect([short.code, short.message]).toEqual([1, 'password: must be at least 12 characters']);
    const missing = await cli(['admin', 'password', '--email', 'ops@vendor.test']);
    expect(missing.message).toMatch(/^password: pass it on stdin/);
    expect(await browser.signedIn()).toBe(true);

    const changed = await cli(['admin', 'password', '--email', 'ops@vendor.test'], { input: 'the operators new passphrase\n' });
    expect(changed).toMatchObject({ code: 0, admin: { email: 'ops@vendor.test', passwordChangedAt: expect.any(String) } });
    expect(await browser.signedIn()).toBe(false);
    expect((await cabinets(token)).body.error).toBe('token_revoked');
    expect((await new DashboardVisitor().login('ops@vendor.test', 'the operators new passphrase')).status).toBe(302);
    expect(await storedText(dataDir)).not.toContain('the operators new passphrase');
  });
});
