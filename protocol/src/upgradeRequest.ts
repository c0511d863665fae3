/**
 * Upgrade requests: the cabinet's admin asks the vendor for another plan from the appliance, which
 * signs the request with its own key, like a heartbeat (`POST /v1/upgrade-requests`,
 * docs/protocol.md). It carries what the vendor needs to act — the appliance, its license, the
 * current and wanted plans, the usage counters — and an optional short message typed by the admin;
 * no case data. Each request has a random `jti` the control plane keeps, so a request seen on the
 * LAN and sent again is refused (`replayed_request`), and an `iat` checked against the control
 * plane's clock like a heartbeat's. A request that waited in the appliance's queue is signed again
 * when it goes (new `iat`, same `jti`): sent twice, it is recorded once.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ProtocolError } from './errors.js';
import { DEFAULT_MAX_SKEW_SECONDS, type KnownAppliance, type VerifyHeartbeatOptions } from './heartbeat.js';
import { SIGNING_ALG, applianceIdSchema, cabinetIdSchema, monthSchema, planLimitsSchema } from './schemas.js';
import { formatIssues } from './validation.js';

export const UPGRADE_REQUEST_TYP = 'upgrade-request+jwt';
/** The admin's message: a few sentences for the vendor, not a place for a client's file. */
export const MAX_UPGRADE_MESSAGE_CHARS = 500;
/** An honest request is well under 2 KiB; anything bigger is refused unread. */
export const MAX_UPGRADE_REQUEST_BYTES = 8 * 1024;

const count = z.int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).max(Number.MAX_SAFE_INTEGER);
const planId = z.string().min(1, { error: 'is required' }).max(64, { error: 'must be at most 64 characters' });

/**
 * The message as the admin typed it, trimmed; control characters other than line breaks are
 * refused (they only hide text from whoever reads the request on the dashboard).
 */
export const upgradeMessageSchema = z
  .string()
  .trim()
  .max(MAX_UPGRADE_MESSAGE_CHARS, { error: `must be at most ${MAX_UPGRADE_MESSAGE_CHARS} characters` })
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]*$/, { error: 'must be plain text (no control characters)' });

export const upgradeRequestPayloadSchema = z
  .strictObject({
    v: z.literal(1, { error: 'must be 1 (the upgrade request version)' }),
    iss: applianceIdSchema,
    sub: cabinetIdSchema,
    /** A random nonce (16 bytes or more, base64url): the control plane records each once. */
    jti: z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, { error: 'must be a random nonce, 22–64 base64url characters' }),
    iat: z
      .int()
      .min(0)
      .max(2 ** 42),
    /** The `jti` of the license the appliance runs under. */
    licenseId: z.string().min(1).max(64),
    currentPlan: planId,
    wantedPlan: planId,
    /** The limits in force and where the cabinet stands against them (the current month's analyses). */
    limits: planLimitsSchema,
    usage: z.strictObject({ month: monthSchema, usersActive: count, casesOpen: count, analysesUsed: count }),
    message: upgradeMessageSchema.optional(),
  })
  .refine((p) => p.wantedPlan !== p.currentPlan, {
    path: ['wantedPlan'],
    error: 'must differ from currentPlan: ask for another plan',
  });
export type UpgradeRequestPayload = z.infer<typeof upgradeRequestPayloadSchema>;

export async function signUpgradeRequest(payload: UpgradeRequestPayload, privateKey: KeyObject): Promise<string> {
  const checked = upgradeRequestPayloadSchema.parse(payload);
  return new SignJWT({ ...checked }).setProtectedHeader({ alg: SIGNING_ALG, typ: UPGRADE_REQUEST_TYP, kid: checked.iss }).sign(privateKey);
}

export interface VerifyUpgradeRequestOptions {
  findAppliance: VerifyHeartbeatOptions['findAppliance'];
  now: Date;
  maxSkewSeconds?: number;
}

/**
 * Verifies an upgrade request against the key the appliance enrolled with: header, signature,
 * revocation, schema, cabinet and a fresh `iat`. The `jti` check is the caller's, in the same
 * synchronous step as it records the request, so two copies racing in cannot both pass.
 */
export async function verifyUpgradeRequest(
  jws: string,
  options: VerifyUpgradeRequestOptions,
): Promise<{ payload: UpgradeRequestPayload; appliance: KnownAppliance }> {
  if (typeof jws !== 'string' || jws.length === 0) throw new ProtocolError('malformed', 'the body must be a compact JWS');
  if (Buffer.byteLength(jws) > MAX_UPGRADE_REQUEST_BYTES)
    throw new ProtocolError('malformed', `the upgrade request is larger than ${MAX_UPGRADE_REQUEST_BYTES} bytes`);
  let kid: string;
  try {
    const header = decodeProtectedHeader(jws);
    if (
      header.alg !== SIGNING_ALG ||
      header.typ !== UPGRADE_REQUEST_TYP ||
      typeof header.kid !== 'string' ||
      !applianceIdSchema.safeParse(header.kid).success ||
      header.crit !== undefined ||
      header.b64 !== undefined
    )
      throw new ProtocolError(
        'malformed',
        `the header must be { alg: "${SIGNING_ALG}", typ: "${UPGRADE_REQUEST_TYP}", kid: <appliance id> }`,
      );
    kid = header.kid;
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed', 'the body is not a compact JWS');
  }
  const appliance = await options.findAppliance(kid);
  if (!appliance) throw new ProtocolError('unknown_appliance', `no appliance "${kid}" is enrolled`);
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(jws, appliance.publicKey, { algorithms: [SIGNING_ALG], typ: UPGRADE_REQUEST_TYP, issuer: kid }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      throw new ProtocolError('bad_signature', 'the signature does not match the key enrolled for this appliance');
    if (err instanceof joseErrors.JWTClaimValidationFailed)
      throw new ProtocolError('malformed', `claim "${err.claim}" is invalid: ${err.reason}`);
    throw new ProtocolError('malformed', 'the upgrade request is not a valid signed token');
  }
  // The key is authentic from here on; only now may the answer reveal the appliance's state.
  if (appliance.revoked) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');
  const parsed = upgradeRequestPayloadSchema.safeParse(claims);
  if (!parsed.success) throw new ProtocolError('malformed', formatIssues(parsed.error.issues).join('; '));
  const payload = parsed.data;
  if (payload.sub !== appliance.cabinetId)
    throw new ProtocolError('wrong_audience', `this appliance belongs to cabinet "${appliance.cabinetId}", not "${payload.sub}"`);
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const now = Math.floor(options.now.getTime() / 1000);
  if (Math.abs(now - payload.iat) > maxSkew)
    throw new ProtocolError(
      'clock_skew',
      `iat is ${payload.iat - now} s from the control plane's clock (at most ±${maxSkew} s): set the appliance clock (NTP)`,
    );
  return { payload, appliance };
}
