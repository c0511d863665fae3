/**
 * Support bundle uploads (docs/support-bundle.md): the appliance sends the .tar.gz its IT person
 * has seen to the control plane, `POST /v1/support-bundles`, body `{ "bundle": "<base64>" }`,
 * `Authorization: Bearer <support-upload+jwt>`. The token is signed by the appliance key (as
 * heartbeats are) and carries the bundle's SHA-256 and size: the control plane refuses a body that
 * is not the one signed, an appliance it does not know or has revoked, and a stale token, with the
 * heartbeat's stable codes.
 */
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { ProtocolError } from './errors.js';
import { DEFAULT_MAX_SKEW_SECONDS, type VerifyHeartbeatOptions } from './heartbeat.js';
import { SIGNING_ALG, applianceIdSchema, cabinetIdSchema } from './schemas.js';
import { formatIssues } from './validation.js';

export const SUPPORT_UPLOAD_TYP = 'support-upload+jwt';
/** A bundle holds text (logs capped, doctor, state): 2 MiB is far above an honest one, and bounds the vendor's disk. */
export const MAX_SUPPORT_BUNDLE_BYTES = 2 * 1024 * 1024;
/** The JSON body: the bundle in base64 (4/3 of its size) plus a little framing. */
export const MAX_SUPPORT_UPLOAD_BODY_BYTES = Math.ceil(MAX_SUPPORT_BUNDLE_BYTES / 3) * 4 + 1024;

export const supportUploadClaimsSchema = z.strictObject({
  iss: applianceIdSchema,
  sub: cabinetIdSchema,
  iat: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the bundle SHA-256 in lowercase hex'),
  size: z.number().int().min(1).max(MAX_SUPPORT_BUNDLE_BYTES),
});
export type SupportUploadClaims = z.infer<typeof supportUploadClaimsSchema>;

export const supportUploadBodySchema = z.strictObject({
  bundle: z
    .string()
    .min(1, 'must be the bundle (.tar.gz) in base64')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
});

export async function signSupportUpload(claims: SupportUploadClaims, privateKey: KeyObject): Promise<string> {
  const checked = supportUploadClaimsSchema.parse(claims);
  return new SignJWT({ ...checked }).setProtectedHeader({ alg: SIGNING_ALG, typ: SUPPORT_UPLOAD_TYP, kid: checked.iss }).sign(privateKey);
}

/**
 * Verifies an upload token against the key the appliance enrolled with: signature first, then
 * revocation (only an authentic key learns its state), claims, cabinet and a fresh `iat`.
 */
export async function verifySupportUpload(
  jws: string,
  options: { findAppliance: VerifyHeartbeatOptions['findAppliance']; now: Date; maxSkewSeconds?: number },
): Promise<SupportUploadClaims> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.alg === SIGNING_ALG && header.typ === SUPPORT_UPLOAD_TYP && typeof header.kid === 'string') kid = header.kid;
  } catch {
    kid = undefined;
  }
  if (!kid || jws.length > 4096)
    throw new ProtocolError(
      'malformed',
      `the Authorization header must be "Bearer <JWS>" with header { alg: "${SIGNING_ALG}", typ: "${SUPPORT_UPLOAD_TYP}", kid: <appliance id> }`,
    );
  const appliance = await options.findAppliance(kid);
  if (!appliance) throw new ProtocolError('unknown_appliance', `no appliance "${kid}" is enrolled`);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(jws, appliance.publicKey, { algorithms: [SIGNING_ALG], typ: SUPPORT_UPLOAD_TYP, issuer: kid }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed)
      throw new ProtocolError('bad_signature', 'the signature does not match the key enrolled for this appliance');
    throw new ProtocolError('malformed', 'the support upload token is not a valid signed token');
  }
  if (appliance.revoked) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');
  const parsed = supportUploadClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new ProtocolError('malformed', `support upload token: ${formatIssues(parsed.error.issues).join('; ')}`);
  const claims = parsed.data;
  if (claims.sub !== appliance.cabinetId)
    throw new ProtocolError('wrong_audience', `this appliance belongs to cabinet "${appliance.cabinetId}", not "${claims.sub}"`);
  const maxSkew = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const now = Math.floor(options.now.getTime() / 1000);
  if (Math.abs(now - claims.iat) > maxSkew)
    throw new ProtocolError('clock_skew', `iat must be within ±${maxSkew} s of the control plane's clock: set the appliance clock (NTP)`);
  return claims;
}
