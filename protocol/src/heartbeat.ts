/**
 * Signed usage heartbeats: the appliance signs with its own key; the control plane verifies the
 * signature against the key registered at enrollment, then the schema, the cabinet, the clock and
 * the sequence. Each failure is one stable code, counted by reason in `/metrics`.
 */
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, type JWTPayload } from 'jose';
import { ProtocolError } from './errors.js';
import { HEARTBEAT_TYP, SIGNING_ALG, heartbeatPayloadSchema, type HeartbeatPayload } from './schemas.js';
import { formatIssues } from './validation.js';

/** Larger than any honest heartbeat (≈1 KiB) by far; anything bigger is refused unread. */
export const MAX_HEARTBEAT_BYTES = 8 * 1024;
export const DEFAULT_MAX_SKEW_SECONDS = 600;

export async function signHeartbeat(payload: HeartbeatPayload, privateKey: KeyObject): Promise<string> {
  const checked = heartbeatPayloadSchema.parse(payload);
  return new SignJWT({ ...checked })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: HEARTBEAT_TYP, kid: checked.iss })
    .sign(privateKey);
}

/** What the control plane knows of the appliance named by the heartbeat's `kid`. */
export interface KnownAppliance {
  publicKey: KeyObject;
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

/** The header's `kid` without verifying anything: lets the caller route or rate-limit by appliance. */
export function heartbeatKid(jws: string): string | undefined {
  try {
    const header = decodeProtectedHeader(jws);
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * The signature check of a compact EdDSA JWS, straight through node:crypto. jose verifies through
 * WebCrypto, converting the key and normalising the algorithm on every call; node:crypto directly
 * costs about half as much, and heartbeat ingest throughput rests on it. The
 * header is checked before (alg EdDSA, typ, no `crit`/`b64`), so the signing input is exactly
 * what jose would verify; `iss` must name the key's appliance, as jose's `issuer` option did.
 */
async function verifiedClaims(jws: string, publicKey: KeyObject, kid: string): Promise<JWTPayload> {
  const parts = COMPACT_JWS.exec(jws);
  if (!parts) throw new ProtocolError('malformed', 'the heartbeat is not a valid signed token');
  // With a callback, node runs the verification on its thread pool: the event loop keeps serving
  // other requests meanwhile, and a busy control plane uses more than one core.
  const valid = await new Promise<boolean>((resolve) => {
    try {
      cryptoVerify(null, Buffer.from(`${parts[1]}.${parts[2]}`), publicKey, Buffer.from(parts[3]!, 'base64url'), (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
  if (!valid) throw new ProtocolError('bad_signature', 'the signature does not match the key enrolled for this appliance');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[2]!, 'base64url').toString('utf8'));
  } catch {
    throw new ProtocolError('malformed', 'the payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new ProtocolError('malformed', 'the payload must be a JSON object');
  if ((claims as JWTPayload).iss !== kid) throw new ProtocolError('malformed', 'claim "iss" is invalid: unexpected "iss" claim value');
  return claims as JWTPayload;
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
    if (header.alg !== SIGNING_ALG || header.typ !== HEARTBEAT_TYP || typeof header.kid !== 'string' || header.kid === '' || header.crit !== undefined || header.b64 !== undefined) {
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
      throw new ProtocolError('clock_skew', `iat is ${payload.iat - now} s from the control plane's clock (at most ±${maxSkew} s): set the appliance clock (NTP)`);
    }
  }
  if (payload.seq <= appliance.lastSeq) {
    throw new ProtocolError('replayed_sequence', `seq ${payload.seq} is not above the last accepted ${appliance.lastSeq}`, { lastSeq: appliance.lastSeq });
  }
  return { payload, appliance };
}
