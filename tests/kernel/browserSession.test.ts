/**
 * The session cookie both services use (protocol/kernel/src/web/browserSession.ts): its attributes
 * (Secure by the request, TRUST_PROXY included), logout revoking this session only, and the CSRF
 * check refusing any token but the session's — a wrong one of the same length included.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { BrowserSession, RevokedSessions, SessionTokens, checkCsrfToken, isSafeMethod, sentCsrfToken } from '@iamanager/kernel/web';

const NOW = new Date('2026-11-24T10:00:00Z');
let dir: string;
let server: http.Server;
let base: string;

function csrfError(sent: string, expected: string): string | undefined {
  try {
    checkCsrfToken(sent, expected);
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'browser-session-'));
  const session = new BrowserSession({
    cookie: 'test_session',
    tokens: new SessionTokens('a secret of at least some length', 'test-issuer'),
    revoked: await RevokedSessions.open(dir, () => NOW),
    endEverySession: () => Promise.resolve(),
    log: createLogger('browser-session-test', 'silent'),
  });
  const app = new Koa({ proxy: true });
  app.use(async (ctx) => {
    if (ctx.path === '/login')
      ctx.body = { csrf: await session.issue(ctx, { userId: 'u1', epoch: 3, audience: 'here', now: NOW, hours: 12 }) };
    else if (ctx.path === '/me') ctx.body = { claims: (await session.verify(ctx, 'here', NOW)) ?? null };
    else if (ctx.path === '/logout') ctx.body = { revoked: await session.end(ctx, await session.verify(ctx, 'here', NOW)) };
    else if (ctx.path === '/sent') ctx.body = { sent: await sentCsrfToken(ctx, { form: ctx.query.form === '1' }) };
  });
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the CSRF check', () => {
  it('accepts only the session token itself, compared in constant time', () => {
    const token = 'A'.repeat(12) + 'b'.repeat(12);
    expect(csrfError(token, token)).toBeUndefined();
    // A wrong token of the same length (what a `!==` slip would still refuse, but a timing leak would help guess).
    expect(csrfError('A'.repeat(12) + 'c'.repeat(12), token)).toBe('csrf_failed');
    expect(csrfError(token.slice(0, 23), token)).toBe('csrf_failed');
    expect(csrfError('', token)).toBe('csrf_failed');
    expect(csrfError('', '')).toBe('csrf_failed');
  });

  it('asks no token of a read, and one of every other method', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].map(isSafeMethod)).toEqual([true, true, true]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isSafeMethod)).toEqual([false, false, false, false]);
  });

  it("reads the token from the header, or from a page form's `_csrf` field when forms are allowed", async () => {
    const send = async (query: string, headers: Record<string, string>) =>
      ((await (await fetch(`${base}/sent${query}`, { method: 'POST', headers, body: '_csrf=from-form' })).json()) as { sent: string }).sent;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(await send('?form=1', { ...form, 'x-csrf-token': 'from-header' })).toBe('from-header');
    expect(await send('?form=1', form)).toBe('from-form');
    expect(await send('', form)).toBe('');
  });
});

describe('the session cookie', () => {
  it("is HttpOnly, SameSite=Strict, for the whole site, and Secure only over TLS (the proxy's word counts when trusted)", async () => {
    const plain = (await fetch(`${base}/login`)).headers.get('set-cookie') ?? '';
    expect(plain).toMatch(/^test_session=[^;]+; path=\/; expires=[^;]+; samesite=strict; httponly$/);
    const proxied = (await fetch(`${base}/login`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get('set-cookie') ?? '';
    expect(proxied).toMatch(/; secure; httponly$/);
  });

  it('ends this session at logout (revoked, cookie cleared) while another session of the same user goes on', async () => {
    const login = async () => (await fetch(`${base}/login`)).headers.get('set-cookie')!.split(';')[0]!;
    const [laptop, desktop] = [await login(), await login()];
    const me = async (cookie: string) =>
      ((await (await fetch(`${base}/me`, { headers: { cookie } })).json()) as { claims: { sub: string; epoch: number } | null }).claims;
    expect(await me(laptop)).toMatchObject({ sub: 'u1', epoch: 3 });
    const out = await fetch(`${base}/logout`, { headers: { cookie: laptop } });
    expect(await out.json()).toEqual({ revoked: true });
    expect(out.headers.get('set-cookie')).toMatch(
      /^test_session=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=strict; httponly$/,
    );
    expect(await me(laptop)).toBeNull();
    expect(await me(desktop)).toMatchObject({ sub: 'u1' });
  });
});
