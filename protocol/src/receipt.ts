/**
 * Vendor receipts: what the control plane signs for one appliance, with its license key — the
 * control plane's time (`iat`) and the audit anchors it keeps for that appliance (the head hash
 * and length its heartbeats reported; no content). The appliance verifies a receipt like a
 * license, with the vendor keys it holds (only pinned ones when VENDOR_KEY_PINS is set):
 *
 * - its `iat` is a time known to have passed, signed by the vendor: the clock guard's floor, so
 *   deleting the appliance's clock files does not bring an expired license back once the appliance
 *   has talked to the vendor;
 * - its anchors are where the audit chain stood, kept outside the cabinet: `appliance audit verify`
 *   fails when the local chain was rewritten before an anchored point, or is shorter than one.
 *
 * A receipt comes with every heartbeat answer, and on request (`GET /v1/audit-anchors`), which
 * the appliance authenticates with a short token signed by its own key (`anchor-request+jwt`).
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { DomainError, ProtocolError } from './errors.js';
import { DEFAULT_MAX_SKEW_SECONDS, MAX_HEARTBEAT_BYTES, type VerifyHeartbeatOptions } from './heartbeat.js';
import { partitionByPins } from './vendorKeyPins.js';
import { SIGNING_ALG, applianceIdSchema, auditAnchorSchema, cabinetIdSchema, type Jwks } from './schemas.js';
import { formatIssues } from './validation.js';

export const RECEIPT_TYP = 'receipt+jwt';
export const ANCHOR_REQUEST_TYP = 'anchor-request+jwt';
/** The most anchors a receipt carries (the control plane keeps no more per appliance). */
export const MAX_RECEIPT_ANCHORS = 32;

export const receiptAnchorSchema = auditAnchorSchema.extend({
  /** When the control plane received the heartbeat that reported it. */
  at: z.iso.datetime({ offset: true }),
});
export type ReceiptAnchor = z.infer<typeof receiptAnchorSchema>;

export const receiptClaimsSchema = z.strictObject({
  iss: z.string().min(1).max(200),
  aud: applianceIdSchema,
  sub: cabinetIdSchema,
  iat: z
    .int()
    .min(0)
    .max(2 ** 42),
  anchors: z.array(receiptAnchorSchema).max(MAX_RECEIPT_ANCHORS),
});
export type ReceiptClaims = z.infer<typeof receiptClaimsSchema>;

export async function signReceipt(claims: ReceiptClaims, key: { privateKey: KeyObject; kid: string }): Promise<string> {
  const checked = receiptClaimsSchema.parse(claims);
  return new SignJWT({ ...checked }).setProtectedHeader({ alg: SIGNING_ALG, typ: RECEIPT_TYP, kid: key.kid }).sign(key.privateKey);
}

/**
 * Verifies a receipt for this appliance with the vendor keys held — with pins, only the pinned
 * ones. No expiry: an old receipt still proves its time has passed and its anchors were kept.
 */
export async function verifyReceipt(
  jws: string,
  options: { keys: Jwks; issuer: string; audience: string },
  pins: readonly string[] | undefined,
): Promise<ReceiptClaims> {
  const keys = pins ? { keys: (await partitionByPins(options.keys, pins)).pinned } : options.keys;
  if (keys.keys.length === 0)
    throw new DomainError(
      'untrusted_vendor_key',
      'none of the vendor keys this appliance holds is in VENDOR_KEY_PINS: the receipt cannot be verified',
    );
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(jws, createLocalJWKSet(keys), {
      algorithms: [SIGNING_ALG],
      typ: RECEIPT_TYP,
      issuer: options.issuer,
      audience: options.audience,
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey)
      throw new ProtocolError('bad_signature', 'the receipt signature does not match any trusted vendor key');
    if (err instanceof joseErrors.JWTClaimValidationFailed)
      throw new ProtocolError('wrong_audience', `the receipt claim "${err.claim}" is not this appliance's: ${err.reason}`);
    throw new ProtocolError('malformed', 'the receipt is not a valid signed token');
  }
  const parsed = receiptClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new ProtocolError('malformed', `receipt claims: ${formatIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}

/** The appliance's request for its receipt: its id and cabinet, and the time, signed by its key. */
export async function signAnchorRequest(claims: { iss: string; sub: string; iat: number }, privateKey: KeyObject): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: SIGNING_ALG, typ: ANCHOR_REQUEST_TYP, kid: claims.iss }).sign(privateKey);
}

/** The appliance id an anchor request claims (its `kid`), before verification; undefined if it is not one. */
export function anchorRequestKid(jws: string): string | undefined {
  try {
    const header = decodeProtectedHeader(jws);
    return header.alg === SIGNING_ALG &&
      header.typ === ANCHOR_REQUEST_TYP &&
      typeof header.kid === 'string' &&
      applianceIdSchema.safeParse(header.kid).success
      ? header.kid
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies an anchor request against the key the appliance enrolled with (as `verifyHeartbeat`
 * does for heartbeats): signature, cabinet, revocation and a fresh `iat` — a request is good for
 * the skew window only, so one seen on the LAN is soon useless. Returns the appliance id.
 */
export async function verifyAnchorRequest(
  jws: string,
  options: { findAppliance: VerifyHeartbeatOptions['findAppliance']; now: Date; maxSkewSeconds?: number },
): Promise<string> {
  const kid = typeof jws === 'string' && jws.length <= MAX_HEARTBEAT_BYTES ? anchorRequestKid(jws) : undefined;
  if (!kid)
    throw new ProtocolError(
      'malformed',
      `the Authorization header must be "Bearer <JWS>" with header { alg: "${SIGNING_ALG}", typ: "${ANCHOR_REQUEST_TYP}", kid: <appliance id> }`,
    );
  const appliance = await options.findAppliance(kid);
  if (!appliance) throw new ProtocolError('unknown_appliance', `no appliance "${kid}" is enrolled`);
  let claims: { sub?: unknown; iat?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(jws, appliance.publicKey, { algorithms: [SIGNING_ALG], typ: ANCHOR_REQUEST_TYP, issuer: kid }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      throw new ProtocolError('bad_signature', 'the signature does not match the key enrolled for this appliance');
    throw new ProtocolError('malformed', 'the anchor request is not a valid signed token');
  }
  if (appliance.revoked) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');
  if (claims.sub !== appliance.cabinetId)
    throw new ProtocolError('wrong_audience', `this appliance belongs to cabinet "${appliance.cabinetId}"`);
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const now = Math.floor(options.now.getTime() / 1000);
  if (typeof claims.iat !== 'number' || Math.abs(now - claims.iat) > maxSkew) {
    throw new ProtocolError('clock_skew', `iat must be within ±${maxSkew} s of the control plane's clock: set the appliance clock (NTP)`);
  }
  return kid;
}
