/**
 * Browser sessions as a JWT (HS256) in an HttpOnly, SameSite=Strict cookie. The token names the
 * user, an epoch the service can bump to end every session of that user, an id of its own (`jti`)
 * a service can revoke to end just this session, and the CSRF token that cookie-authenticated
 * writes must echo. Each service derives its own key for this purpose from a secret of its own,
 * and sets its own issuer and audience, so a cookie minted by one service (or one cabinet) is
 * refused by any other.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export interface SessionClaims {
  sub: string;
  epoch: number;
  csrf: string;
  /** This session's own id (random, 128 bits): what a logout revokes. */
  jti: string;
  /** When the token expires, in seconds since 1970 (a revocation need not be kept longer). */
  exp: number;
}

/** How long past its `exp` a token is still accepted (clocks differ a little); a revocation outlives it by as much. */
export const SESSION_CLOCK_TOLERANCE_SECONDS = 30;
/** How many verified tokens are remembered (a cabinet or a vendor has tens of users, not thousands). */
const VERIFIED_CACHE_SIZE = 1000;

export class SessionTokens {
  private readonly key: Uint8Array;
  /**
   * Tokens whose signature already checked out, with their expiry: a token is an immutable string,
   * so its signature need not be checked again on every request of the session (that check is an
   * HMAC job on the thread pool the disk shares). Expiry, user and epoch are still checked each time.
   */
  private readonly verified = new Map<string, SessionClaims>();

  /** `purpose` separates this key from any other use of the same secret. */
  constructor(
    secret: string,
    private readonly issuer: string,
    purpose = 'iamanager session v1',
  ) {
    this.key = createHmac('sha256', secret).update(purpose).digest();
  }

  issue(userId: string, epoch: number, audience: string, now: Date, hours: number): Promise<{ jwt: string; csrf: string }> {
    const csrf = randomBytes(18).toString('base64url');
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ epoch, csrf })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti(randomBytes(16).toString('base64url'))
      .setSubject(userId)
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + hours * 3600)
      .sign(this.key)
      .then((jwt) => ({ jwt, csrf }));
  }

  /**
   * The session's claims, or undefined for anything forged, expired or meant for another audience
   * — or without a `jti` (minted before sessions had one): a session that could not be revoked is
   * not accepted, at the cost of one more login after the upgrade that added it.
   */
  async verify(jwt: string, audience: string, now: Date): Promise<SessionClaims | undefined> {
    const cacheKey = `${audience}\n${jwt}`;
    const known = this.verified.get(cacheKey);
    if (known) {
      if (known.exp + SESSION_CLOCK_TOLERANCE_SECONDS > now.getTime() / 1000) return { ...known };
      this.verified.delete(cacheKey);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(jwt, this.key, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience,
        currentDate: now,
        clockTolerance: SESSION_CLOCK_TOLERANCE_SECONDS,
      });
      const { sub, epoch, csrf, jti, exp } = payload;
      if (
        typeof sub !== 'string' ||
        typeof epoch !== 'number' ||
        typeof csrf !== 'string' ||
        typeof jti !== 'string' ||
        !jti ||
        typeof exp !== 'number'
      )
        return undefined;
      const claims: SessionClaims = { sub, epoch, csrf, jti, exp };
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(cacheKey, claims);
      return { ...claims };
    } catch {
      return undefined;
    }
  }
}
