/**
 * Browser sessions: a JWT (HS256, key derived from SECRET_KEY) in an HttpOnly, SameSite=Strict
 * cookie. Its audience is the cabinet id, so a cookie minted by another cabinet's appliance is
 * refused even if it were signed with the same key. It carries the user's session epoch (bumped
 * to end every session) and the CSRF token that cookie-authenticated writes must echo.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export const SESSION_COOKIE = 'iam_session';
const ISSUER = 'iamanager-appliance';
const CLOCK_TOLERANCE_SECONDS = 30;

export interface SessionClaims {
  sub: string;
  epoch: number;
  csrf: string;
}

/** How many verified session tokens are remembered (a cabinet has tens of users, not thousands). */
const VERIFIED_CACHE_SIZE = 1000;

export class SessionKeys {
  private readonly key: Uint8Array;
  /**
   * Tokens whose signature already checked out, with their expiry: a token is an immutable string,
   * so its signature need not be checked again on every request of the session (that check runs
   * on the thread pool the disk shares). Expiry, user and epoch are still checked every time.
   */
  private readonly verified = new Map<string, SessionClaims & { exp: number }>();

  constructor(secretKey: string) {
    // A key of its own for sessions, so SECRET_KEY can serve other purposes without reuse.
    this.key = createHmac('sha256', secretKey).update('iamanager session v1').digest();
  }

  issue(userId: string, epoch: number, audience: string, now: Date, hours: number): Promise<{ jwt: string; csrf: string }> {
    const csrf = randomBytes(18).toString('base64url');
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ epoch, csrf })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + hours * 3600)
      .sign(this.key)
      .then((jwt) => ({ jwt, csrf }));
  }

  /** The session's claims, or undefined for anything forged, expired or for another cabinet. */
  async verify(jwt: string, audience: string, now: Date): Promise<SessionClaims | undefined> {
    const cacheKey = `${audience}\n${jwt}`;
    const known = this.verified.get(cacheKey);
    if (known) {
      if (known.exp + CLOCK_TOLERANCE_SECONDS > now.getTime() / 1000) return { sub: known.sub, epoch: known.epoch, csrf: known.csrf };
      this.verified.delete(cacheKey);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(jwt, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience, currentDate: now, clockTolerance: CLOCK_TOLERANCE_SECONDS });
      if (typeof payload.sub !== 'string' || typeof payload.epoch !== 'number' || typeof payload.csrf !== 'string' || typeof payload.exp !== 'number') return undefined;
      const claims = { sub: payload.sub, epoch: payload.epoch, csrf: payload.csrf };
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(cacheKey, { ...claims, exp: payload.exp });
      return claims;
    } catch {
      return undefined;
    }
  }
}
