/**
 * Support bundle uploads (docs/support-bundle.md): the appliance sends the .tar.gz its IT person
 * has seen to the control plane, `POST /v1/support-bundles`, body `{ "bundle": "<base64>" }`,
 * `Authorization: Bearer <support-upload+jwt>`. The token is signed by the appliance key (as
 * heartbeats are) and carries the bundle's SHA-256 and size: the control plane refuses a body that
 * is not the one signed, an appliance it does not know or has revoked, and a stale token, with the
 * heartbeat's stable codes.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { signApplianceJws, verifyApplianceJws } from './applianceJws.js';
import type { VerifyHeartbeatOptions } from './heartbeat.js';
import { SIGNING_ALG, applianceIdSchema, cabinetIdSchema } from './schemas.js';

export const SUPPORT_UPLOAD_TYP = 'support-upload+jwt';
/** A bundle holds text (logs capped, doctor, state): 2 MiB is far above an honest one, and bounds the vendor's disk. */
export const MAX_SUPPORT_BUNDLE_BYTES = 2 * 1024 * 1024;
/** The JSON body: the bundle in base64 (4/3 of its size) plus a little framing. */
export const MAX_SUPPORT_UPLOAD_BODY_BYTES = Math.ceil(MAX_SUPPORT_BUNDLE_BYTES / 3) * 4 + 1024;
/** The upload token alone (the bundle travels in the body): an honest one is well under 1 KiB. */
const MAX_SUPPORT_UPLOAD_TOKEN_BYTES = 4096;

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
  return signApplianceJws(SUPPORT_UPLOAD_TYP, supportUploadClaimsSchema.parse(claims), privateKey);
}

/**
 * Verifies an upload token against the key the appliance enrolled with (`verifyApplianceJws`):
 * header, signature first, then revocation (only an authentic key learns its state), claims,
 * cabinet and a fresh `iat`.
 */
export async function verifySupportUpload(
  jws: string,
  options: { findAppliance: VerifyHeartbeatOptions['findAppliance']; now: Date; maxSkewSeconds?: number },
): Promise<SupportUploadClaims> {
  const { payload } = await verifyApplianceJws(jws, {
    ...options,
    typ: SUPPORT_UPLOAD_TYP,
    schema: supportUploadClaimsSchema,
    label: 'support upload token',
    maxBytes: MAX_SUPPORT_UPLOAD_TOKEN_BYTES,
    malformedMessage: `the Authorization header must be "Bearer <JWS>" with header { alg: "${SIGNING_ALG}", typ: "${SUPPORT_UPLOAD_TYP}", kid: <appliance id> }`,
    issuePrefix: 'support upload token: ',
  });
  return payload;
}
