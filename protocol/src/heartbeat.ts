/**
 * Signed usage heartbeats: the appliance signs with its own key; the control plane verifies the
 * signature against the key registered at enrollment, then the schema, the cabinet, the clock and
 * the sequence. Each failure is one stable code, counted by reason in `/metrics`.
 */
import type { KeyObject, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { ProtocolError } from './errors.js';
import { HEARTBEAT_TYP, SIGNING_ALG, heartbeatPayloadSchema, type HeartbeatPayload } from './schemas.js';
import { formatIssues } from './validation.js';

/** Larger than any honest heartbeat (≈1 KiB) by far; anything bigger is refused unread. */
export const MAX_HEARTBEAT_BYTES = 8 * 1024;
export const DEFAULT_MAX_SKEW_SECONDS = 600;

export async function signHeartbeat(payload: HeartbeatPayload, privateKey: KeyObject): Promise<string> {
  const checked = heartbeatPayloadSchema.parse(payload);
  return new SignJWT({ ...checked }).setProtectedHeader({ alg: SIGNING_ALG, typ: HEARTBEAT_TYP, kid: checked.iss }).sign(privateKey);
}

/** What the control plane knows of the appliance named by the heartbeat's `kid`. */
export interface KnownAppliance {
  /** Prefer a CryptoKey from `verificationKey` (imported once): a KeyObject is converted on every call. */
  publicKey: KeyObject | CryptoKey;
  cabinetId: string;
  revoked: boolean;
  /** The highest sequence number already accepted (0 before the first). */
  lastSeq: number;
}

export interface VerifyHeartbeatOptions {
  findAppliance: (applianceId: string) => KnownAppliance | undefined | Promise<KnownAppliance | undefined>;
  now?: Date;
  maxSkewSeconds?: number;
  /** Air-gap usage reports are verified like heartbeats, but were signed days earlier. */
  skipSkewCheck?: boolean;
}

export interface VerifiedHeartbeat {
  payload: HeartbeatPayload;
  appliance: KnownAppliance;
}

/**
 * The signature and claims check, with jose (explicit algorithm list, typ and issuer). The key
 * should be a CryptoKey imported once per appliance (`verificationKey`): jose then verifies
 * without converting the key on every call, which is what heartbeat ingest throughput rests on.
 */
async function verifiedClaims(jws: string, publicKey: KeyObject | CryptoKey, kid: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(jws, publicKey, { algorithms: [SIGNING_ALG], typ: HEARTBEAT_TYP, issuer: kid });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new ProtocolError('bad_signature', 'the signature does not match the key enrolled for this appliance');
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed)
      throw new ProtocolError('malformed', `claim "${err.claim}" is invalid: ${err.reason}`);
    if (err instanceof joseErrors.JWTInvalid) throw new ProtocolError('malformed', 'the payload is not a JSON object');
    throw new ProtocolError('malformed', 'the heartbeat is not a valid signed token');
  }
}

/**
 * Verifies a heartbeat. The sequence check here reads `lastSeq`; the caller must record the new
 * sequence in the same synchronous step as it accepts the heartbeat, so two copies racing in
 * cannot both pass.
 */
export async function verifyHeartbeat(jws: string, options: VerifyHeartbeatOptions): Promise<VerifiedHeartbeat> {
  if (typeof jws !== 'string' || jws.length === 0) throw new ProtocolError('malformed', 'the body must be a compact JWS');
  if (Buffer.byteLength(jws) > MAX_HEARTBEAT_BYTES) {
    throw new ProtocolError('malformed', `the heartbeat is larger than ${MAX_HEARTBEAT_BYTES} bytes`);
  }
  let kid: string;
  try {
    const header = decodeProtectedHeader(jws);
    if (
      header.alg !== SIGNING_ALG ||
      header.typ !== HEARTBEAT_TYP ||
      typeof header.kid !== 'string' ||
      header.kid === '' ||
      header.crit !== undefined ||
      header.b64 !== undefined
    ) {
      throw new ProtocolError('malformed', `the header must be { alg: "${SIGNING_ALG}", typ: "${HEARTBEAT_TYP}", kid: <appliance id> }`);
    }
    kid = header.kid;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed', 'the body is not a compact JWS');
  }

  const appliance = await options.findAppliance(kid);
  if (!appliance) throw new ProtocolError('unknown_appliance', `no appliance "${kid}" is enrolled`);

  const claims = await verifiedClaims(jws, appliance.publicKey, kid);

  // The key is authentic from here on; only now may the answer reveal the appliance's state.
  if (appliance.revoked) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');

  const parsed = heartbeatPayloadSchema.safeParse(claims);
  if (!parsed.success) throw new ProtocolError('malformed', formatIssues(parsed.error.issues).join('; '));
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
  if (payload.seq <= appliance.lastSeq) {
    throw new ProtocolError('replayed_sequence', `seq ${payload.seq} is not above the last accepted ${appliance.lastSeq}`, {
      lastSeq: appliance.lastSeq,
    });
  }
  return { payload, appliance };
}
