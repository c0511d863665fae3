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
import { z } from 'zod';
import { signApplianceJws, verifyApplianceJws, type KnownAppliance } from './applianceJws.js';
import type { VerifyHeartbeatOptions } from './heartbeat.js';
import { applianceIdSchema, cabinetIdSchema, monthSchema, planLimitsSchema } from './schemas.js';

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
  return signApplianceJws(UPGRADE_REQUEST_TYP, upgradeRequestPayloadSchema.parse(payload), privateKey);
}

export interface VerifyUpgradeRequestOptions {
  findAppliance: VerifyHeartbeatOptions['findAppliance'];
  now: Date;
  maxSkewSeconds?: number;
}

/**
 * Verifies an upgrade request against the key the appliance enrolled with (`verifyApplianceJws`):
 * header, signature, revocation, schema, cabinet and a fresh `iat`. The `jti` check is the
 * caller's, in the same synchronous step as it records the request, so two copies racing in
 * cannot both pass.
 */
export async function verifyUpgradeRequest(
  jws: string,
  options: VerifyUpgradeRequestOptions,
): Promise<{ payload: UpgradeRequestPayload; appliance: KnownAppliance }> {
  return verifyApplianceJws(jws, {
    ...options,
    typ: UPGRADE_REQUEST_TYP,
    schema: upgradeRequestPayloadSchema,
    label: 'upgrade request',
    maxBytes: MAX_UPGRADE_REQUEST_BYTES,
  });
}
