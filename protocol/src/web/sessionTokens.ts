/**
 * Browser sessions as a JWT (HS256) in an HttpOnly, SameSite=Strict cookie. The token names the
 * user, an epoch the service can bump to end every session of that user, and the CSRF token that
 * cookie-authenticated writes must echo. Each service derives its own key for this purpose from a
 * secret of its own, and sets its own issuer and audience, so a cookie minted by one service (or
 * one cabinet) is refused by any other.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export interface SessionClaims {
  sub: string;
  epoch: number;
  csrf: string;
}

export class SessionTokens {
  private readonly key: Uint8Array;

  /** `purpose` separates this key from any other use of the same secret. */
  constructor(secret: string, private readonly issuer: string, purpose = 'iamanager session v1') {
    this.key = createHmac('sha256', secret).update(purpose).digest();
  }

  issue(userId: string, epoch: number, audience: string, now: Date, hours: number): Promise<{ jwt: string; csrf: string }> {
    const csrf = randomBytes(18).toString('base64url');
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ epoch, csrf })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + hours * 3600)
      .sign(this.key)
      .then((jwt) => ({ jwt, csrf }));
  }

  /** The session's claims, or undefined for anything forged, expired or meant for another audience. */
  async verify(jwt: string, audience: string, now: Date): Promise<SessionClaims | undefined> {
    try {
      const { payload } = await jwtVerify(jwt, this.key, { algorithms: ['HS256'], issuer: this.issuer, audience, currentDate: now, clockTolerance: 30 });
      if (typeof payload.sub !== 'string' || typeof payload.epoch !== 'number' || typeof payload.csrf !== 'string') return undefined;
      return { sub: payload.sub, epoch: payload.epoch, csrf: payload.csrf };
    } catch {
      return undefined;
    }
  }
}
