/**
 * Session tokens (shared by the appliance and the dashboard): each carries an id of its own, so one
 * session can be revoked without the others, and a token without one is not accepted.
 */
import { SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from '@iamanager/kernel/web';

const NOW = new Date('2026-11-24T10:00:00Z');
const tokens = new SessionTokens('a secret of at least some length', 'test-issuer', 'test purpose');

describe('session tokens', () => {
  it('gives every session an id of its own, and its expiry', async () => {
    const a = await tokens.issue('user-1', 0, 'cabinet', NOW, 12);
    const b = await tokens.issue('user-1', 0, 'cabinet', NOW, 12);
    const ca = await tokens.verify(a.jwt, 'cabinet', NOW);
    const cb = await tokens.verify(b.jwt, 'cabinet', NOW);
    expect(ca).toMatchObject({ sub: 'user-1', epoch: 0, csrf: a.csrf, exp: NOW.getTime() / 1000 + 12 * 3600 });
    expect(ca!.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cb!.jti).not.toBe(ca!.jti);
    // The second check comes from the cache of verified tokens: same claims.
    expect(await tokens.verify(a.jwt, 'cabinet', NOW)).toEqual(ca);
  });

  it('refuses a correctly signed token without an id (minted before sessions had one)', async () => {
    const key = createHmac('sha256', 'a secret of at least some length').update('test purpose').digest();
    const iat = NOW.getTime() / 1000;
    const old = await new SignJWT({ epoch: 0, csrf: 'x'.repeat(24) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('user-1')
      .setIssuer('test-issuer')
      .setAudience('cabinet')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
    expect(await tokens.verify(old, 'cabinet', NOW)).toBeUndefined();
    const withId = await new SignJWT({ epoch: 0, csrf: 'x'.repeat(24) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti('an-id')
      .setSubject('user-1')
      .setIssuer('test-issuer')
      .setAudience('cabinet')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
    expect(await tokens.verify(withId, 'cabinet', NOW)).toMatchObject({ jti: 'an-id' });
  });
});
