/**
 * The wire formats of the protocol (docs/protocol.md), as schemas that also give
 * the TypeScript types. Heartbeat schemas are strict: an unknown field is a rejection, so nothing
 * can leave a cabinet by accident — adding a field is a protocol change, reviewed as such.
 *
 * Heartbeats (and air-gap usage reports, the same JWS) come in two versions, accepted side by
 * side: v1, and v2 which adds exactly `licenseId`, `audit` and `health.lastOffsiteBackupAt`.
 * Appliances send v2; v1 is what appliances from before it send.
 */
import { z } from 'zod';
import { AI_MODELS_LIST } from './aiModels.js';
import { licenseOfferClaims } from './licenseOffers.js';

export const PROTOCOL_VERSION = 1;
/** The heartbeat versions the control plane accepts; appliances send the last. */
export const HEARTBEAT_VERSIONS = [1, 2] as const;
export const CURRENT_HEARTBEAT_VERSION = 2;
export const LICENSE_TYP = 'license+jwt';
export const HEARTBEAT_TYP = 'heartbeat+jwt';
export const SIGNING_ALG = 'EdDSA';

/** Models named by the seed; the license says which one a cabinet may run. */
export const AI_MODELS = AI_MODELS_LIST;
export type AiModel = (typeof AI_MODELS)[number];

/** Cabinet ids are slugs: they appear in URLs, file names and invoices. */
export const cabinetIdSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, {
  error: 'must be a slug: 1–64 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
});

export const applianceIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{2,63}$/, { error: 'must be 3–64 lowercase letters, digits, "_" or "-"' });

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month as YYYY-MM, e.g. 2026-01' });

export const semverSchema = z.string().regex(/^\d{1,5}\.\d{1,5}\.\d{1,5}$/, { error: 'must be a version as x.y.z, e.g. 1.4.0' });

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z' });
const seconds = z
  .int({ error: 'must be a whole number of seconds since the epoch' })
  .min(0)
  .max(2 ** 42);
const count = z.int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).max(Number.MAX_SAFE_INTEGER);
const ratio = z
  .number({ error: 'must be a number' })
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' });

/** An Ed25519 public key as a JWK. A private part (`d`) is refused outright: it must never travel. */
export const ed25519PublicJwkSchema = z.strictObject({
  kty: z.literal('OKP', { error: 'must be "OKP" (an Ed25519 key)' }),
  crv: z.literal('Ed25519', { error: 'must be "Ed25519"' }),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'must be the 32-byte public key, base64url without padding (43 characters)' }),
  kid: z.string().max(128).optional(),
  alg: z.literal('EdDSA').optional(),
  use: z.literal('sig').optional(),
  d: z.never({ error: 'a private key was sent: send only the public part (kty, crv, x)' }).optional(),
});
export type Ed25519PublicJwk = z.infer<typeof ed25519PublicJwkSchema>;

export const jwksSchema = z.strictObject({
  keys: z
    .array(ed25519PublicJwkSchema.extend({ kid: z.string().min(1).max(128) }))
    .min(1)
    .max(16),
});
export type Jwks = z.infer<typeof jwksSchema>;

export const planLimitsSchema = z.strictObject({
  maxUsers: count,
  maxCases: count,
  maxAnalysesMonthly: count,
});
export type PlanLimits = z.infer<typeof planLimitsSchema>;

/** License claims (signed by the vendor's license key, verified offline by the appliance). */
export const licenseClaimsSchema = z.strictObject({
  iss: z.string().min(1).max(200),
  sub: cabinetIdSchema,
  aud: applianceIdSchema,
  /** License id: lets both sides tell whether a license is newer than the one in use. */
  jti: z.string().min(1).max(64),
  iat: seconds,
  nbf: seconds,
  exp: seconds,
  graceDays: z.int().min(0).max(365),
  plan: z.string().min(1).max(64),
  limits: planLimitsSchema,
  aiModel: z.enum(AI_MODELS),
  advancedFeatures: z.boolean(),
  overage: z.strictObject({ allowed: z.boolean(), pricePerAnalysisCents: count }),
  /** Optional, and only for appliances that read them (licenseOffers.ts): the vendor's contact and the plans above. */
  ...licenseOfferClaims,
});
export type LicenseClaims = z.infer<typeof licenseClaimsSchema>;

export const heartbeatUsageSchema = z.strictObject({
  analysesUsed: count,
  analysesOverage: count,
  usersActive: count,
  casesOpen: count,
  storageBytes: count,
});
export type HeartbeatUsage = z.infer<typeof heartbeatUsageSchema>;

export const heartbeatHealthSchema = z.strictObject({
  version: semverSchema,
  uptimeSeconds: count,
  cpuLoad: ratio,
  memoryUsedRatio: ratio,
  diskFreeBytes: count,
  diskFreeRatio: ratio,
  lastBackupAt: isoDateTime.nullable(),
  licenseExpiresAt: isoDateTime,
  errors24h: count,
});

/** v2's health: v1's and the time of the last off-site backup (null until off-site backups exist). */
export const heartbeatHealthV2Schema = z.strictObject({
  ...heartbeatHealthSchema.shape,
  lastOffsiteBackupAt: isoDateTime.nullable(),
});
/** Health as either version reports it (v1 has no `lastOffsiteBackupAt`). */
export type HeartbeatHealth = z.infer<typeof heartbeatHealthSchema> & { lastOffsiteBackupAt?: string | null };

/** A SHA-256 in lowercase hex: an audit entry's hash. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a SHA-256 hash, 64 lowercase hexadecimal characters' });

/**
 * Where the appliance's audit chain stands: the hash of its last entry and how many entries it
 * has (an empty log: 64 zeros and 0). No content — the control plane keeps these as anchors the
 * cabinet cannot rewrite.
 */
export const auditAnchorSchema = z.strictObject({ head: sha256HexSchema, length: count });
export type AuditAnchor = z.infer<typeof auditAnchorSchema>;

const heartbeatCommon = {
  iss: applianceIdSchema,
  sub: cabinetIdSchema,
  seq: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  iat: seconds,
  month: monthSchema,
  usage: heartbeatUsageSchema,
};

export const heartbeatPayloadV1Schema = z.strictObject({
  v: z.literal(1),
  ...heartbeatCommon,
  health: heartbeatHealthSchema,
});

/** v2 adds, and only adds: the license in use, the audit chain's head, the last off-site backup. */
export const heartbeatPayloadV2Schema = z.strictObject({
  v: z.literal(2),
  ...heartbeatCommon,
  /** The `jti` of the license the appliance runs under. */
  licenseId: z.string().min(1).max(64),
  audit: auditAnchorSchema,
  health: heartbeatHealthV2Schema,
});
export type HeartbeatPayloadV2 = z.infer<typeof heartbeatPayloadV2Schema>;

/** The heartbeat payload: exactly the fields of its version, nothing else (SPEC "Heartbeat", "Additions"). */
export const heartbeatPayloadSchema = z.discriminatedUnion('v', [heartbeatPayloadV1Schema, heartbeatPayloadV2Schema], {
  error: (issue) => (issue.code === 'invalid_union' ? `must be ${HEARTBEAT_VERSIONS.join(' or ')} (the heartbeat version)` : undefined),
});
export type HeartbeatPayload = z.infer<typeof heartbeatPayloadSchema>;

export const enrollRequestSchema = z.strictObject({
  code: z.string().trim().min(1, { error: 'is required: the enrollment code given by your vendor' }).max(64),
  publicKey: ed25519PublicJwkSchema,
  instanceName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N} ._-]+$/u, { error: 'may contain letters, digits, spaces, ".", "_" and "-"' }),
  version: semverSchema,
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  applianceId: applianceIdSchema,
  cabinetId: cabinetIdSchema,
  license: z.string().min(1),
  heartbeatIntervalSeconds: z.int().min(10).max(86_400),
  vendorKeys: jwksSchema,
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

export const heartbeatResponseSchema = z.object({
  accepted: z.literal(true),
  heartbeatIntervalSeconds: z.int().min(10).max(86_400),
  license: z.string().min(1).optional(),
  /** The control plane's signed time and audit anchors (protocol/src/receipt.ts). */
  receipt: z.string().min(1).optional(),
  latestVersion: semverSchema.optional(),
  latestVersionNotes: z.string().max(4000).optional(),
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;
