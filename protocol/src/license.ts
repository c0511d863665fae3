/**
 * Signed licenses: the vendor signs, the appliance verifies offline with the vendor keys it trusts.
 * Plan, limits, model and features come from here only — never from an editable file.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, createLocalJWKSet, errors as joseErrors, jwtVerify, decodeProtectedHeader, type JWTPayload } from 'jose';
import { ProtocolError } from './errors.js';
import { LICENSE_TYP, SIGNING_ALG, licenseClaimsSchema, type Jwks, type LicenseClaims } from './schemas.js';
import { formatIssues } from './validation.js';

const DAY = 86_400;

export async function signLicense(claims: LicenseClaims, key: { privateKey: KeyObject; kid: string }): Promise<string> {
  const checked = licenseClaimsSchema.parse(claims);
  return new SignJWT({ ...checked }).setProtectedHeader({ alg: SIGNING_ALG, typ: LICENSE_TYP, kid: key.kid }).sign(key.privateKey);
}

export interface VerifyLicenseOptions {
  /** The vendor public keys this appliance trusts (two at once during a rotation). */
  keys: Jwks;
  issuer: string;
  /** The appliance id: a license issued to another appliance is refused. */
  audience: string;
  now?: Date;
  clockToleranceSeconds?: number;
  /**
   * Accept a license past its grace period (the appliance still needs its claims to keep
   * existing data readable); the caller then decides what is allowed with `licenseState`.
   */
  allowExpired?: boolean;
}

export type LicenseState = 'not_yet_valid' | 'valid' | 'grace' | 'expired';

export interface VerifiedLicense {
  claims: LicenseClaims;
  state: LicenseState;
  kid: string;
}

/** Where a license stands at `now`: valid, in its grace period after `exp`, or expired. */
export function licenseState(claims: Pick<LicenseClaims, 'nbf' | 'exp' | 'graceDays'>, now: Date, toleranceSeconds = 0): LicenseState {
  const t = Math.floor(now.getTime() / 1000);
  if (t + toleranceSeconds < claims.nbf) return 'not_yet_valid';
  if (t - toleranceSeconds <= claims.exp) return 'valid';
  if (t - toleranceSeconds <= claims.exp + claims.graceDays * DAY) return 'grace';
  return 'expired';
}

export async function verifyLicense(jws: string, options: VerifyLicenseOptions): Promise<VerifiedLicense> {
  const now = options.now ?? new Date();
  const tolerance = options.clockToleranceSeconds ?? 120;
  let kid: string;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg !== SIGNING_ALG || header.typ !== LICENSE_TYP || typeof header.kid !== 'string') {
      throw new ProtocolError('malformed', `license header must be { alg: "${SIGNING_ALG}", typ: "${LICENSE_TYP}", kid }`);
    }
    kid = header.kid;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed', 'the license is not a compact JWS');
  }

  let payload: JWTPayload;
  try {
    const result = await jwtVerify(jws, createLocalJWKSet(options.keys), {
      algorithms: [SIGNING_ALG],
      typ: LICENSE_TYP,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: tolerance,
      currentDate: now,
    });
    payload = result.payload;
  } catch (err) {
    payload = translateLicenseError(err);
  }

  const parsed = licenseClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ProtocolError('malformed', `license claims: ${formatIssues(parsed.error.issues).join('; ')}`);
  }
  const state = licenseState(parsed.data, now, tolerance);
  if (state === 'not_yet_valid') throw new ProtocolError('clock_skew', 'the license is not valid yet: check the appliance clock');
  if (state === 'expired' && !options.allowExpired) {
    throw new ProtocolError(
      'expired',
      'the license and its grace period have expired: renew the subscription, then import the new license',
    );
  }
  return { claims: parsed.data, state, kid };
}

/**
 * jose checks the signature before any claim, so an expired-but-authentic license still hands us
 * its payload (`JWTExpired.payload`); the grace period is then ours to apply.
 */
function translateLicenseError(err: unknown): JWTPayload {
  if (err instanceof joseErrors.JWTExpired) return err.payload;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
    throw new ProtocolError('bad_signature', 'the license signature does not match any trusted vendor key');
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') throw new ProtocolError('wrong_audience', 'this license was issued to another appliance');
    if (err.claim === 'iss') throw new ProtocolError('wrong_audience', 'this license was issued by another control plane');
    if (err.claim === 'nbf') throw new ProtocolError('clock_skew', 'the license is not valid yet: check the appliance clock');
    throw new ProtocolError('malformed', `license claim "${err.claim}" is invalid: ${err.reason}`);
  }
  throw new ProtocolError('malformed', 'the license is not a valid signed token');
}
