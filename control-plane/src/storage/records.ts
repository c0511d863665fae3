/**
 * The shapes of the control plane's files, as schemas: a file that parses but does not fit is
 * treated as corrupt on read and recovered from its last good copy (see protocol storage).
 * One aggregate per file: a cabinet, an appliance, the plan catalog, the admins, the key list.
 */
import { z } from 'zod';
import {
  AI_MODELS,
  ed25519PublicJwkSchema,
  heartbeatHealthSchema,
  heartbeatHealthV2Schema,
  heartbeatUsageSchema,
  planLimitsSchema,
} from '@iamanager/protocol';
import {
  applianceHistorySchema,
  auditAnchorRecordSchema,
  auditRewoundSchema,
  emptyHistory,
  licenseMismatchSchema,
} from './applianceRecordParts.js';

export const CABINET_STATUSES = ['active', 'suspended', 'cancelled'] as const;
export type CabinetStatus = (typeof CABINET_STATUSES)[number];

export const ADMIN_ROLES = ['admin', 'billing', 'support'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const planRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  priceCents: z.int().min(0),
  limits: planLimitsSchema,
  aiModel: z.enum(AI_MODELS),
  advancedFeatures: z.boolean(),
  overage: z.object({ allowed: z.boolean(), pricePerAnalysisCents: z.int().min(0) }),
  builtIn: z.boolean(),
  createdAt: z.string(),
});
export type PlanRecord = z.infer<typeof planRecordSchema>;
export const planCatalogSchema = z.object({ custom: z.array(planRecordSchema) });
export type PlanCatalogFile = z.infer<typeof planCatalogSchema>;

export const overridesSchema = z.object({
  maxUsers: z.int().min(0).optional(),
  maxCases: z.int().min(0).optional(),
  maxAnalysesMonthly: z.int().min(0).optional(),
  aiModel: z.enum(AI_MODELS).optional(),
  advancedFeatures: z.boolean().optional(),
});
export type Overrides = z.infer<typeof overridesSchema>;

export const planHistoryEntrySchema = z.object({
  effectiveAt: z.string(),
  plan: z.string(),
  overrides: overridesSchema,
  status: z.enum(CABINET_STATUSES),
  by: z.string(),
});
export type PlanHistoryEntry = z.infer<typeof planHistoryEntrySchema>;

export const enrollmentCodeRecordSchema = z.object({
  hash: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  applianceId: z.string().nullable(),
  supersededAt: z.string().nullable(),
});
export type EnrollmentCodeRecord = z.infer<typeof enrollmentCodeRecordSchema>;

export const cabinetRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  siret: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  /** The intra-community VAT number (FR + key + SIREN), printed on its invoices; files from before it read as null. */
  vatNumber: z.string().nullable().default(null),
  plan: z.string(),
  overrides: overridesSchema,
  status: z.enum(CABINET_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Bumped by every change a license reflects; an appliance holding an older one gets a new license. */
  licenseRevision: z.int().min(1),
  planHistory: z.array(planHistoryEntrySchema),
  enrollmentCodes: z.array(enrollmentCodeRecordSchema),
  applianceId: z.string().nullable(),
});
export type CabinetRecord = z.infer<typeof cabinetRecordSchema>;

export const monthUsageSchema = z.object({
  seq: z.int(),
  usage: heartbeatUsageSchema,
  receivedAt: z.string(),
  /** The signed heartbeat that carried these counters: the billing evidence for the month. */
  jws: z.string(),
});
export type MonthUsage = z.infer<typeof monthUsageSchema>;

export const applianceRecordSchema = z.object({
  id: z.string(),
  cabinetId: z.string(),
  publicKey: ed25519PublicJwkSchema,
  instanceName: z.string(),
  enrolledVersion: z.string(),
  enrolledAt: z.string(),
  revokedAt: z.string().nullable(),
  license: z.object({
    jws: z.string(),
    jti: z.string(),
    iat: z.int(),
    exp: z.int(),
    revision: z.int(),
    plan: z.string(),
    /** It carries the vendor contact and plan offers (licenses issued before them read as false). */
    withOffers: z.boolean().default(false),
  }),
  /** The appliance said (header `x-iamanager-license-claims`) that it reads the contact and offers claims. */
  readsOffers: z.boolean().default(false),
  lastSeq: z.int().min(0),
  lastHeartbeatAt: z.string().nullable(),
  /** As the latest heartbeat said it, v1 or v2 (v2 adds `lastOffsiteBackupAt`). */
  health: z.union([heartbeatHealthV2Schema, heartbeatHealthSchema]).nullable(),
  /** `errors24h` of the heartbeat before the latest: errors are "rising" when the latest is higher. */
  previousErrors24h: z.int().min(0).nullable().default(null),
  months: z.record(z.string(), monthUsageSchema),
  /** Hourly and daily rings of usage and resources (domain/applianceHistory.ts); files from before it start empty. */
  history: applianceHistorySchema.default(emptyHistory),
  /** The ids of licenses issued to this appliance before the current one, newest last (domain/licenseConformity.ts). */
  previousLicenseIds: z.array(z.string()).default([]),
  /** How many heartbeat answers carried the current license while the appliance ran another. */
  licenseOffers: z.int().min(0).default(0),
  /** The latest sign that the appliance runs a license not issued to it last, or uses more than it allows. */
  licenseMismatch: licenseMismatchSchema.nullable().default(null),
  /** Where the appliance's audit chain stood, as its v2 heartbeats said: the anchors `audit verify` checks against. */
  auditAnchors: z.array(auditAnchorRecordSchema).default([]),
  /** The latest sign that the audit chain went back (shorter, or rewritten at an anchored length). */
  auditRewound: auditRewoundSchema.nullable().default(null),
});
export type ApplianceRecord = z.infer<typeof applianceRecordSchema>;

export const apiTokenRecordSchema = z.object({
  id: z.string(),
  hash: z.string(),
  createdAt: z.string(),
  /** Tokens from before expiries were kept read as null and get one when the file is opened (domain/admins.ts). */
  expiresAt: z.string().nullable().default(null),
  revokedAt: z.string().nullable().default(null),
  /** Written at most once an hour per token (LAST_USED_RESOLUTION_MS), so a busy script does not rewrite the file. */
  lastUsedAt: z.string().nullable().default(null),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecordSchema>;
/**
 * An admin's second factor (domain/adminSecondFactor.ts). The TOTP secret is sealed (AES-256-GCM
 * under DATA_DIR/second-factor-key.json, domain/secondFactorSeal.ts), never stored in clear;
 * recovery codes are kept as hashes only, and a used one is removed.
 */
export const adminSecondFactorSchema = z.object({
  sealedSecret: z.string().min(1),
  enrolledAt: z.string(),
  /** The last TOTP time step accepted: a code of that step or an earlier one is a replay. */
  lastUsedStep: z.int().min(0).nullable(),
  recoveryHashes: z.array(z.string()),
  recoveryCodesAt: z.string(),
});
export type AdminSecondFactorRecord = z.infer<typeof adminSecondFactorSchema>;
/** A secret shown for enrolment, not yet confirmed with a code from it. */
export const pendingSecondFactorSchema = z.object({ sealedSecret: z.string().min(1), startedAt: z.string() });
export type PendingSecondFactorRecord = z.infer<typeof pendingSecondFactorSchema>;

export const adminRecordSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(ADMIN_ROLES),
  passwordHash: z.string(),
  createdAt: z.string(),
  tokens: z.array(apiTokenRecordSchema),
  /** Bumped to end every dashboard session of this admin (logout); files from before it read as 0. */
  sessionEpoch: z.int().min(0).default(0),
  /** Set when the admin is disabled: no login, no session, no token from then on. */
  disabledAt: z.string().nullable().default(null),
  passwordChangedAt: z.string().nullable().default(null),
  /** Files from before second factors read as none. */
  secondFactor: adminSecondFactorSchema.nullable().default(null),
  secondFactorPending: pendingSecondFactorSchema.nullable().default(null),
  /** The last reset of this admin's second factor by another admin or the CLI: who and when. */
  secondFactorReset: z.object({ at: z.string(), by: z.string() }).nullable().default(null),
});
export type AdminRecord = z.infer<typeof adminRecordSchema>;
export const adminsFileSchema = z.object({ admins: z.array(adminRecordSchema) });
export type AdminsFile = z.infer<typeof adminsFileSchema>;

export const vendorKeysFileSchema = z.object({
  keys: z.array(z.object({ kid: z.string(), createdAt: z.string(), publicKey: ed25519PublicJwkSchema })),
});
export type VendorKeysFile = z.infer<typeof vendorKeysFileSchema>;
