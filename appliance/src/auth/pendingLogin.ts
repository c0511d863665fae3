/**
 * The "pending login" cookie: between a right password and the second factor, the browser holds
 * this instead of a session. It is a JWT (HS256, a key derived from SECRET_KEY for this purpose
 * only, so it can never pass for a session cookie), valid 5 minutes, naming the user, their session
 * epoch (a reset or a disable in between voids it), where to go after, and what is still owed: a
 * code ('verify') or the setup the policy requires ('enrol').
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { SignJWT, jwtVerify } from 'jose';

export const PENDING_LOGIN_COOKIE = 'iam_pending_login';
/** Long enough to open the app and type a code, short enough that a forgotten tab is worth nothing. */
export const PENDING_LOGIN_SECONDS = 5 * 60;
const ISSUER = 'iamanager-appliance pending-login';

export interface PendingLogin {
  userId: string;
  epoch: number;
  /** A same-site path (checked by safeNext before it was put here). */
  next: string;
  stage: 'verify' | 'enrol';
}

export class PendingLoginTokens {
  private readonly key: Uint8Array;

  constructor(secretKey: string) {
    this.key = createHmac('sha256', secretKey).update('iamanager pending login v1').digest();
  }

  async set(ctx: Context, pending: PendingLogin, audience: string, now: Date): Promise<void> {
    const iat = Math.floor(now.getTime() / 1000);
    const jwt = await new SignJWT({ epoch: pending.epoch, next: pending.next, stage: pending.stage })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti(randomBytes(12).toString('base64url'))
      .setSubject(pending.userId)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + PENDING_LOGIN_SECONDS)
      .sign(this.key);
    ctx.cookies.set(PENDING_LOGIN_COOKIE, jwt, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secure,
      path: '/',
      maxAge: PENDING_LOGIN_SECONDS * 1000,
      overwrite: true,
    });
  }

  /** The pending login this request carries, or undefined (none, forged, expired, another cabinet's). */
  async read(ctx: Context, audience: string, now: Date): Promise<PendingLogin | undefined> {
    const jwt = ctx.cookies.get(PENDING_LOGIN_COOKIE);
    if (!jwt) return undefined;
    try {
      const { payload } = await jwtVerify(jwt, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience, currentDate: now });
      const { sub, epoch, next, stage } = payload;
      if (typeof sub !== 'string' || typeof epoch !== 'number' || typeof next !== 'string' || (stage !== 'verify' && stage !== 'enrol'))
        return undefined;
      return { userId: sub, epoch, next, stage };
    } catch {
      return undefined;
    }
  }

  clear(ctx: Context): void {
    ctx.cookies.set(PENDING_LOGIN_COOKIE, null, { path: '/', overwrite: true });
  }
}
