/**
 * The parts of an appliance record that the domain computes and storage keeps: the health
 * history's rings and the license-conformity findings. Their shapes live here, with the record
 * (records.ts), so that storage never imports the domain; the domain modules that fill them
 * (domain/applianceHistory.ts, domain/licenseConformity.ts) import these and re-export them.
 */
import { z } from 'zod';
import { auditAnchorSchema } from '@iamanager/protocol';

export const HOURLY_BUCKETS = 24;
export const DAILY_BUCKETS = 30;

/** One bucket: averages are kept as sums (÷ heartbeats), the worst disk and error figures, and the last counters. */
export const historyBucketSchema = z.object({
  /** Hours (or days) since the epoch: which hour (day) this slot holds. */
  index: z.int(),
  heartbeats: z.int().min(1),
  cpuLoadSum: z.number().min(0),
  memoryUsedSum: z.number().min(0),
  diskFreeRatioMin: z.number().min(0).max(1),
  errors24hMax: z.int().min(0),
  analysesUsed: z.int().min(0),
  usersActive: z.int().min(0),
  casesOpen: z.int().min(0),
  storageBytes: z.int().min(0),
});
export type HistoryBucket = z.infer<typeof historyBucketSchema>;

export const applianceHistorySchema = z.object({
  hourly: z.array(historyBucketSchema.nullable()).length(HOURLY_BUCKETS),
  daily: z.array(historyBucketSchema.nullable()).length(DAILY_BUCKETS),
});
export type ApplianceHistory = z.infer<typeof applianceHistorySchema>;

export function emptyHistory(): ApplianceHistory {
  return { hourly: Array<HistoryBucket | null>(HOURLY_BUCKETS).fill(null), daily: Array<HistoryBucket | null>(DAILY_BUCKETS).fill(null) };
}

export const MISMATCH_KINDS = ['unknown_license', 'older_license', 'usage_above_limits'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export const licenseMismatchSchema = z.object({
  kind: z.enum(MISMATCH_KINDS),
  message: z.string(),
  /** The license the appliance said it runs (null for a v1 heartbeat, which does not say). */
  licenseId: z.string().nullable(),
  since: z.string(),
  lastSeenAt: z.string(),
});
export type LicenseMismatch = z.infer<typeof licenseMismatchSchema>;

/**
 * Audit anchors kept per appliance. The newest alone covers every entry up to it (each hash
 * chains all before it); older ones narrow down where a rewrite begins. A heartbeat whose chain
 * has not grown replaces nothing.
 */
export const MAX_AUDIT_ANCHORS = 32;
export const auditAnchorRecordSchema = auditAnchorSchema.extend({ seq: z.int().min(1), at: z.string() });
export type AuditAnchorRecord = z.infer<typeof auditAnchorRecordSchema>;

/**
 * The audit chain went back: a heartbeat reported fewer entries than an anchor already kept, or as
 * many with another head. Its tail was deleted or rewritten — or a backup was restored. Seen by the
 * vendor without `audit verify` being run on the appliance; held like a mismatch.
 */
export const auditRewoundSchema = z.object({
  /** The anchor it went back from, and what the heartbeat reported. */
  from: z.object({ head: z.string(), length: z.int() }),
  to: z.object({ head: z.string(), length: z.int() }),
  since: z.string(),
  lastSeenAt: z.string(),
});
export type AuditRewound = z.infer<typeof auditRewoundSchema>;
