/**
 * Time-based one-time passwords (RFC 6238) as every authenticator app computes them: HMAC-SHA-1,
 * 30-second steps, 6 digits. The arithmetic is otplib's; what is ours is the policy around it — the
 * window we accept and the rule that a step once used is never accepted again.
 */
import { timingSafeEqual } from 'node:crypto';
import { generateSecret, generateSync, generateURI } from 'otplib';

/** RFC 6238 §4: X, the step, in seconds (the value every authenticator app assumes). */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/**
 * RFC 6238 §5.2: accept one step either side, for a phone clock slightly off and the seconds the
 * user takes to type. Wider would multiply the codes an attacker may guess per attempt.
 */
const WINDOW_STEPS = 1;

/** RFC 4226 §4 (R6): the shared secret is at least 128 bits; 160 (the HMAC-SHA-1 output size) is recommended. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI authenticator apps read from the QR code (the Key Uri Format of Google Authenticator). */
export function totpUri(o: { issuer: string; account: string; secret: string }): string {
  return generateURI({ issuer: o.issuer, label: o.account, secret: o.secret });
}

/** The time step of a date (RFC 6238 §4.2: T = floor((now - T0) / X), T0 = 0). */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

function codeAt(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * TOTP_PERIOD_SECONDS, digits: DIGITS, period: TOTP_PERIOD_SECONDS });
}

function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * RFC 6238, 30 s steps, 6 digits, ±1 step. A step at or below lastUsedStep is 'replayed' (one code,
 * one use: RFC 6238 §5.2 "the verifier MUST NOT accept the second attempt of the OTP after the
 * successful validation has been issued for the first OTP"). Every step of the window is computed
 * and compared, whatever matched first, so the time taken does not say which step matched.
 */
export function checkTotp(secret: string, code: string, now: Date, lastUsedStep: number | null): TotpCheck {
  // Apps show the code as "123 456"; people paste it with the space.
  const typed = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(typed)) return { ok: false, reason: 'invalid' };
  const current = totpStep(now);
  let fresh: number | null = null;
  let replayed = false;
  for (let step = current - WINDOW_STEPS; step <= current + WINDOW_STEPS; step++) {
    if (!sameCode(codeAt(secret, step), typed)) continue;
    if (lastUsedStep !== null && step <= lastUsedStep) replayed = true;
    else if (fresh === null) fresh = step;
  }
  if (fresh !== null) return { ok: true, step: fresh };
  return { ok: false, reason: replayed ? 'replayed' : 'invalid' };
}
