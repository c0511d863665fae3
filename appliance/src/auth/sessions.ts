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

export interface SessionClaims {
  sub: string;
  epoch: number;
  csrf: string;
}

export class SessionKeys {
  private readonly key: Uint8Array;

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
    try {
      const { payload } = await jwtVerify(jwt, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience, currentDate: now, clockTolerance: 30 });
      if (typeof payload.sub !== 'string' || typeof payload.epoch !== 'number' || typeof payload.csrf !== 'string') return undefined;
      return { sub: payload.sub, epoch: payload.epoch, csrf: payload.csrf };
    } catch {
      return undefined;
    }
  }
}
