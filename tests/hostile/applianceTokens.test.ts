/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
/**
 * Credentials on a hostile LAN. Personal API tokens (`iam_…`) end: they expire (90 days unless
 * asked, a year at most) and die with their owner's password; their last use is kept without a
 * write per request. The session's CSRF token is never taken from the URL (which logs, history and
 * Referer headers keep): only from a header or a form field — for uploads, a field before the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const PASSWORD = 'correct horse battery staple';
const DAY_MS = 86_400_000;
let cp: TestControlPlane;
let dir: string;
let appliance: TestAppliance;
let admin: Browser;
let caseId: string;

const usersFile = () => fs.readFileSync(path.join(dir, 'users.json'), 'utf8');
const byToken = (token: string, method = 'GET', route = '/api/auth/me', body?: unknown) =>
  new Browser(appliance.url).call(method, route, body, { authorization: `Bearer ${token}` });
const tokenInfo = async (id: string) => ((await admin.call('GET', '/api/auth/me')).body.user.tokens as any[]).find((t) => t.id === id);

async function restart(env: Record<string, string> = {}): Promise<void> {
  await appliance.stop();
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'tokens', ...env });
  admin.url = appliance.url;
}

beforeAll(async () => {
  cp = await startControlPlane(tempDir('cp-tokens-'));
  const created = await runCli(cp.dataDir, [
    'cabinet',
    'create',
    '--id',
    'tokens',
    '--name',
    'Cabinet Tokens',
    '--plan',
    'enterprise',
    '--json',
  ]);
  dir = tempDir('tokens-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'tokens' });
  admin = new Browser(appliance.url);
  expect((await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode })).status).toBe(201);
  expect((await admin.call('POST', '/api/setup/admin', { email: 'admin@tokens.fr', name: 'Admin', password: PASSWORD })).status).toBe(201);
  expect((await admin.login('admin@tokens.fr', PASSWORD)).status).toBe(200);
  expect(
    (await admin.call('POST', '/api/users', { email: 'avocat@tokens.fr', name: 'Avocat', role: 'avocat', password: PASSWORD })).status,
  ).toBe(201);
  caseId = (
    await admin.call('POST', '/api/cases', {
      client: { lastName: 'Jeton', firstName: 'Test', nationality: 'FR', birthDate: '1990-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
    })
  ).body.case.id;
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('personal API tokens', () => {
  it('get an expiry at creation: 90 days by default, at most 365, the field named when refused', async () => {
    const made = await admin.call('POST', '/api/tokens', { label: 'défaut' });
    expect(made.status).toBe(201);
    const info = await tokenInfo(made.body.id);
    expect(Date.parse(info.expiresAt) - Date.parse(info.createdAt)).toBe(90 * DAY_MS);
    expect(made.body.expiresAt).toBe(info.expiresAt);
    const week = await admin.call('POST', '/api/tokens', { label: 'semaine', expiresInDays: 7 });
    expect(Date.parse(week.body.expiresAt) - Date.parse((await tokenInfo(week.body.id)).createdAt)).toBe(7 * DAY_MS);
    for (const [days, message] of [
      [366, 'expiresInDays: must be from 1 to 365 days: create a new token when it ends'],
      [0, 'expiresInDays: must be from 1 to 365 days'],
      [1.5, 'expiresInDays: must be a whole number of days'],
    ] as const) {
      const refused = await admin.call('POST', '/api/tokens', { label: 'trop', expiresInDays: days });
      expect([refused.status, refused.body.error, refused.body.message]).toEqual([400, 'invalid_input', message]);
    }
    const cli = await runApplianceCli(dir, ['token', 'create', '--email', 'admin@tokens.fr', '--expires-in-days', '400', '--json']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('--expires-in-days: must be from 1 to 365 days');
  });

  it('keep their last use, writing users.json once for a run of requests, not once per request', async () => {
    const { token, id } = (await admin.call('POST', '/api/tokens', { label: 'script' })).body;
    expect((await tokenInfo(id)).lastUsedAt).toBeNull();
    expect((await byToken(token)).status).toBe(200);
    const used = (await tokenInfo(id)).lastUsedAt;
    expect(used).not.toBeNull();
    expect(usersFile()).toContain(used);
    const written = usersFile();
    for (let i = 0; i < 5; i++) expect((await byToken(token, 'GET', '/api/cases')).status).toBe(200);
    expect(usersFile()).toBe(written);
    expect((await tokenInfo(id)).lastUsedAt).toBe(used);
  });

  it('end with a password change of their owner, with the other sessions', async () => {
    const lawyer = new Browser(appliance.url);
    expect((await lawyer.login('avocat@tokens.fr', PASSWORD)).status).toBe(200);
    const tokens = [
      (await lawyer.call('POST', '/api/tokens', { label: 'un' })).body.token,
      (await lawyer.call('POST', '/api/tokens', { label: 'deux' })).body.token,
    ];
    const kept = (await admin.call('POST', '/api/tokens', { label: 'admin, pas concerné' })).body.token;
    for (const t of tokens) expect((await byToken(t)).status).toBe(200);
    const changed = await lawyer.call('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'another long password' });
    expect([changed.status, changed.body.tokensRevoked]).toEqual([200, 2]);
    for (const t of tokens) expect((await byToken(t)).body.error).toBe('unauthorized');
    expect((await lawyer.call('GET', '/api/auth/me')).body.user.tokens).toEqual([]);
    expect((await byToken(kept)).status).toBe(200);
  });
});

describe('the CSRF token of a session', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it('is not taken from the query string, for the API or a page form', async () => {
    const client = { lastName: 'Requete', firstName: 'Test', nationality: 'FR', birthDate: '1990-01-01' };
    const api = await fetch(`${appliance.url}/api/cases?_csrf=${admin.csrf}`, {
      method: 'POST',
      headers: { 'cookie': admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ client, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' }),
    });
    expect([api.status, ((await api.json()) as any).error]).toEqual([403, 'csrf_failed']);
    const page = await fetch(`${appliance.url}/dossiers/${caseId}/archiver?_csrf=${admin.csrf}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'cookie': admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({}),
    });
    expect(page.status).toBe(403);
    expect((await admin.call('GET', `/api/cases/${caseId}`)).body.case.status).toBe('open');
  });

  it('travels in an upload form as a field before the file; in the URL, after the file or missing, nothing is kept', async () => {
    const docs = async () => ((await admin.call('GET', `/api/cases/${caseId}`)).body.case.documents as any[]).length;
    const before = await docs();
    const upload = (parts: Array<'csrf' | 'file'>, query = '') => {
      const body = new FormData();
      for (const p of parts) {
        if (p === 'csrf') body.append('_csrf', admin.csrf);
        else body.append('file', new Blob([Buffer.from('%PDF-1.4 jeton')], { type: 'application/pdf' }), 'acte.pdf');
      }
      return fetch(`${appliance.url}/dossiers/${caseId}/pieces${query}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: admin.cookie },
        body,
      });
    };
    expect((await upload(['file'], `?_csrf=${admin.csrf}`)).status).toBe(403);
    expect((await upload(['file', 'csrf'])).status).toBe(403);
    expect((await upload(['file'])).status).toBe(403);
    expect(await docs()).toBe(before);
    const accepted = await upload(['csrf', 'file']);
    expect([accepted.status, accepted.headers.get('location')]).toEqual([302, `/dossiers/${caseId}#docs-title`]);
    expect(await docs()).toBe(before + 1);
  });

  it("is read from no other route's multipart body, and an upload without it is refused whatever else is wrong", async () => {
    const body = new FormData();
    body.append('_csrf', admin.csrf);
    const res = await fetch(`${appliance.url}/dossiers/${caseId}/archiver`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: admin.cookie },
      body,
    });
    expect(res.status).toBe(403);
    for (const route of [`/dossiers/${caseId}/pieces`, `/api/cases/${caseId}/documents`]) {
      const noFile = await fetch(`${appliance.url}${route}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: admin.cookie },
        body: new FormData(),
      });
      expect(noFile.status, route).toBe(403);
      const withToken = new FormData();
      withToken.append('_csrf', admin.csrf);
      const verified = await fetch(`${appliance.url}${route}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: admin.cookie },
        body: withToken,
      });
      expect(verified.status, route).toBe(route.startsWith('/api/') ? 400 : 200); // "file: is required", on the case page for the web form
    }
    expect((await admin.call('GET', `/api/cases/${caseId}`)).body.case.status).toBe('open');
  });
});

// Last: the appliance's clock moves two days on, which ends every session above.
describe('an expired personal API token', () => {
  it('is refused once expired, with a code and the way out, while a younger one still works', async () => {
    const shortLived = (await admin.call('POST', '/api/tokens', { label: 'un jour', expiresInDays: 1 })).body.token;
    const young = (await admin.call('POST', '/api/tokens', { label: 'trois mois' })).body.token;
    // Two days later (the appliance's clock moved on; sessions have ended by then, tokens are used).
    await restart({ CLOCK_OFFSET_SECONDS: String(2 * 86_400) });
    const refused = await byToken(shortLived);
    expect([refused.status, refused.body.error]).toEqual([401, 'token_expired']);
    expect(refused.body.message).toMatch(
      /^the API token "un jour" expired at \d{4}-\d{2}-\d{2}T.*: create a new one \(POST \/api\/tokens, or `appliance token create`\)$/,
    );
    expect((await byToken(young)).status).toBe(200);
  });
});
