/**
 * The tokens an appliance signs with its own key — heartbeats, upgrade requests, support upload
 * tokens — share one envelope and one check: protected header `{ alg, typ, kid: <appliance id> }`
 * (no `crit`, no `b64`), the appliance named by `kid` known to the control plane, the signature
 * against the key it enrolled with, then (and only then, the key being authentic) its revocation,
 * the payload's schema, its cabinet and a fresh `iat`. Each failure is one stable code.
 */
import type { KeyObject, webcrypto } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { z } from 'zod';
import { ProtocolError } from './errors.js';
import { SIGNING_ALG, applianceIdSchema } from './schemas.js';
import { formatIssues } from './validation.js';

type CryptoKey = webcrypto.CryptoKey;

export const DEFAULT_MAX_SKEW_SECONDS = 600;

/** What the control plane knows of the appliance named by a token's `kid`. */
export interface KnownAppliance {
  /** Prefer a CryptoKey from `verificationKey` (imported once): a KeyObject is converted on every call. */
  publicKey: KeyObject | CryptoKey;
  cabinetId: string;
  revoked: boolean;
  /** The highest heartbeat sequence number already accepted (0 before the first). */
  lastSeq: number;
}

export type FindAppliance = (applianceId: string) => KnownAppliance | undefined | Promise<KnownAppliance | undefined>;

/** The claims every appliance-signed token carries: its appliance, its cabinet, when it was signed. */
export interface ApplianceClaims {
  iss: string;
  sub: string;
  iat: number;
}

/** Signs `payload` (already checked by the caller) with the appliance key; `kid` is its `iss`. */
export async function signApplianceJws(typ: string, payload: ApplianceClaims, privateKey: KeyObject): Promise<string> {
  return new SignJWT({ ...payload }).setProtectedHeader({ alg: SIGNING_ALG, typ, kid: payload.iss }).sign(privateKey);
}

export interface VerifyApplianceJwsOptions<P extends ApplianceClaims> {
  typ: string;
  schema: z.ZodType<P>;
  /** The token's name in messages: "the <label> is larger than …", "the <label> is not a valid signed token". */
  label: string;
  maxBytes: number;
  findAppliance: FindAppliance;
  now?: Date;
  maxSkewSeconds?: number;
  /** Air-gap usage reports are verified like heartbeats, but were signed days earlier. */
  skipSkewCheck?: boolean;
  /** The message for a token that is missing, not a compact JWS or has the wrong header (default: about the body). */
  malformedMessage?: string;
  /** Put before the schema's issues in the `malformed` message. */
  issuePrefix?: string;
}

export interface VerifiedApplianceJws<P> {
  payload: P;
  appliance: KnownAppliance;
}

/** The appliance id in a well-formed protected header, or a `malformed` refusal. */
function headerKid(jws: string, typ: string, malformedMessage: string | undefined): string {
  if (typeof jws !== 'string' || jws.length === 0)
    throw new ProtocolError('malformed', malformedMessage ?? 'the body must be a compact JWS');
  try {
    const header = decodeProtectedHeader(jws);
    if (
      header.alg !== SIGNING_ALG ||
      header.typ !== typ ||
      typeof header.kid !== 'string' ||
      !applianceIdSchema.safeParse(header.kid).success ||
      header.crit !== undefined ||
      header.b64 !== undefined
    ) {
      throw new ProtocolError(
        'malformed',
        malformedMessage ?? `the header must be { alg: "${SIGNING_ALG}", typ: "${typ}", kid: <appliance id> }`,
      );
    }
    return header.kid;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed', malformedMessage ?? 'the body is not a compact JWS');
  }
}

/**
 * The signature and claims check, with jose (explicit algorithm list, typ and issuer). The key
 * should be a CryptoKey imported once per appliance (`verificationKey`): jose then verifies
 * without converting the key on every call, which is what heartbeat ingest throughput rests on.
 */
async function verifiedClaims(jws: string, publicKey: KeyObject | CryptoKey, typ: string, kid: string, label: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(jws, publicKey, { algorithms: [SIGNING_ALG], typ, issuer: kid });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new ProtocolError('bad_signature', 'the signature does not match the key enrolled for this appliance');
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed)
      throw new ProtocolError('malformed', `claim "${err.claim}" is invalid: ${err.reason}`);
    if (err instanceof joseErrors.JWTInvalid) throw new ProtocolError('malformed', 'the payload is not a JSON object');
    throw new ProtocolError('malformed', `the ${label} is not a valid signed token`);
  }
}

/**
 * Verifies a token signed by an appliance key: size, header, known appliance, signature,
 * revocation, schema, cabinet (`sub`) and, unless skipped, `iat` within the skew window.
 * Checks of one kind of token (a heartbeat's sequence, a request's `jti`) are the caller's.
 */
export async function verifyApplianceJws<P extends ApplianceClaims>(
  jws: string,
  options: VerifyApplianceJwsOptions<P>,
): Promise<VerifiedApplianceJws<P>> {
  const { typ, label } = options;
  if (typeof jws === 'string' && Buffer.byteLength(jws) > options.maxBytes) {
    throw new ProtocolError('malformed', `the ${label} is larger than ${options.maxBytes} bytes`);
  }
  const kid = headerKid(jws, typ, options.malformedMessage);

  const appliance = await options.findAppliance(kid);
  if (!appliance) throw new ProtocolError('unknown_appliance', `no appliance "${kid}" is enrolled`);

  const claims = await verifiedClaims(jws, appliance.publicKey, typ, kid, label);

  // The key is authentic from here on; only now may the answer reveal the appliance's state.
  if (appliance.revoked) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');

  const parsed = options.schema.safeParse(claims);
  if (!parsed.success) throw new ProtocolError('malformed', `${options.issuePrefix ?? ''}${formatIssues(parsed.error.issues).join('; ')}`);
  const payload = parsed.data;

  if (payload.sub !== appliance.cabinetId) {
    throw new ProtocolError('wrong_audience', `this appliance belongs to cabinet "${appliance.cabinetId}", not "${payload.sub}"`);
  }
  if (!options.skipSkewCheck) {
    const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
    if (Math.abs(now - payload.iat) > maxSkew) {
      throw new ProtocolError(
        'clock_skew',
        `iat is ${payload.iat - now} s from the control plane's clock (at most ±${maxSkew} s): set the appliance clock (NTP)`,
      );
    }
  }
  return { payload, appliance };
}
