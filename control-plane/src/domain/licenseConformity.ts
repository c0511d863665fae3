/**
 * Whether an appliance runs what the vendor issued it (SPEC "Additions": `license_mismatch`).
 *
 * Whoever owns a cabinet's machine can add a key of their own to VENDOR_KEY_PINS and write a
 * license it signed: offline, nothing prevents that. It is detected instead. Every v2 heartbeat
 * names the license it runs under (`licenseId`, the license's `jti`) and every heartbeat reports
 * usage; an appliance is in mismatch when
 *
 * - it runs a license never issued to it (`unknown_license`: made on the machine);
 * - it runs one issued to it earlier while the current one has been offered in
 *   LICENSE_OFFERS_BEFORE_MISMATCH answers or more (`older_license`: renewals refused, or an old
 *   richer license replayed) — fewer offers are the ordinary delay of a renewal in flight;
 * - its usage is above the limits of the license issued to it last (`usage_above_limits`: users or
 *   open cases above the limit, or analyses above the quota of a plan without overage).
 *
 * A mismatch is kept for MISMATCH_HOLD_MS after the last heartbeat that showed it, so the fleet
 * check sees it (and raises its alert) even when the next heartbeat already looks right — a
 * renewal from the vendor replaces a forged license at once, and the forger would have to forge
 * again after every heartbeat. Judged in memory on ingest and on journal replay alike, like the
 * history rings: made durable by the ingest checkpoints, no write of its own.
 */
import { licenseClaimsSchema, type HeartbeatPayload, type LicenseClaims } from '@iamanager/protocol';
import {
  MAX_AUDIT_ANCHORS,
  type AuditAnchorRecord,
  type AuditRewound,
  type LicenseMismatch,
  type MismatchKind,
} from '../storage/applianceRecordParts.js';

export {
  MAX_AUDIT_ANCHORS,
  MISMATCH_KINDS,
  auditAnchorRecordSchema,
  auditRewoundSchema,
  licenseMismatchSchema,
  type AuditAnchorRecord,
  type AuditRewound,
  type LicenseMismatch,
  type MismatchKind,
} from '../storage/applianceRecordParts.js';
import type { IssuedLicense } from './licenses.js';
import { decodeJwt } from 'jose';

export const LICENSE_OFFERS_BEFORE_MISMATCH = 3;
/** License ids kept per appliance besides the current one (a renewal every 15 days: over a year). */
export const MAX_PREVIOUS_LICENSE_IDS = 32;
export const MISMATCH_HOLD_MS = 7 * 86_400_000;

/** What the conformity judgement reads and writes on an appliance record. */
export interface ConformityRecord {
  license: IssuedLicense;
  previousLicenseIds: string[];
  licenseOffers: number;
  licenseMismatch: LicenseMismatch | null;
  auditAnchors: AuditAnchorRecord[];
  auditRewound: AuditRewound | null;
}

const claimsCache = new WeakMap<IssuedLicense, LicenseClaims>();

/** The claims of a license this control plane signed (its own file: read, not verified). */
export function issuedClaims(license: IssuedLicense): LicenseClaims {
  let claims = claimsCache.get(license);
  if (!claims) {
    claims = licenseClaimsSchema.parse(decodeJwt(license.jws));
    claimsCache.set(license, claims);
  }
  return claims;
}

function usageAboveLimits(payload: HeartbeatPayload, claims: LicenseClaims): string | undefined {
  const { usage } = payload;
  const { limits } = claims;
  const over: string[] = [];
  if (usage.usersActive > limits.maxUsers) over.push(`${usage.usersActive} active users (license: ${limits.maxUsers})`);
  if (usage.casesOpen > limits.maxCases) over.push(`${usage.casesOpen} open cases (license: ${limits.maxCases})`);
  if (!claims.overage.allowed && usage.analysesUsed > limits.maxAnalysesMonthly)
    over.push(`${usage.analysesUsed} analyses in ${payload.month} (license: ${limits.maxAnalysesMonthly}, no overage)`);
  return over.length > 0 ? over.join(', ') : undefined;
}

function mismatchOf(record: ConformityRecord, payload: HeartbeatPayload): { kind: MismatchKind; message: string } | undefined {
  const current = record.license;
  if (payload.v === 2 && payload.licenseId !== current.jti) {
    if (!record.previousLicenseIds.includes(payload.licenseId)) {
      return {
        kind: 'unknown_license',
        message: `runs license "${payload.licenseId}", which the control plane never issued to it (the latest is "${current.jti}"): a license made on the machine, with a key of its own`,
      };
    }
    if (record.licenseOffers >= LICENSE_OFFERS_BEFORE_MISMATCH) {
      return {
        kind: 'older_license',
        message: `runs license "${payload.licenseId}", an older one: the latest, "${current.jti}", was offered in ${record.licenseOffers} answers and not installed`,
      };
    }
  }
  const over = usageAboveLimits(payload, issuedClaims(current));
  if (over) return { kind: 'usage_above_limits', message: `reports usage above the limits issued to it: ${over}` };
  return undefined;
}

/**
 * Judges an accepted heartbeat and keeps its audit anchor. Returns an undo for a heartbeat whose
 * journal append failed (see heartbeatIngest.ts).
 */
export function judgeHeartbeat(record: ConformityRecord, payload: HeartbeatPayload, at: string): () => void {
  const before = {
    mismatch: record.licenseMismatch,
    anchors: record.auditAnchors,
    rewound: record.auditRewound,
    offers: record.licenseOffers,
  };
  const found = mismatchOf(record, payload);
  // Its answer offers the current license (heartbeatReply.ts): counted with the heartbeat itself —
  // in its journal entry or its transaction — rather than by a write of the answer's own, which
  // cost every heartbeat of an appliance not running it a durable file write.
  if (!runsLicense(record, payload)) record.licenseOffers += 1;
  if (found) {
    const since = record.licenseMismatch?.since ?? at;
    record.licenseMismatch = { ...found, licenseId: payload.v === 2 ? payload.licenseId : null, since, lastSeenAt: at };
  } else if (record.licenseMismatch && Date.parse(at) >= Date.parse(record.licenseMismatch.lastSeenAt) + MISMATCH_HOLD_MS) {
    record.licenseMismatch = null;
  }
  if (payload.v === 2) {
    const { head, length } = payload.audit;
    const passed = record.auditAnchors.find((a) => a.length > length || (a.length === length && a.head !== head));
    if (passed)
      record.auditRewound = {
        from: { head: passed.head, length: passed.length },
        to: { head, length },
        since: record.auditRewound?.since ?? at,
        lastSeenAt: at,
      };
    else if (record.auditRewound && Date.parse(at) >= Date.parse(record.auditRewound.lastSeenAt) + MISMATCH_HOLD_MS)
      record.auditRewound = null;
    const last = record.auditAnchors.at(-1);
    if (!last || last.length !== payload.audit.length || last.head !== payload.audit.head) {
      const anchors = [...record.auditAnchors, { head: payload.audit.head, length: payload.audit.length, seq: payload.seq, at }];
      record.auditAnchors = anchors.slice(-MAX_AUDIT_ANCHORS);
    }
  }
  return () => {
    record.licenseOffers = before.offers;
    record.licenseMismatch = before.mismatch;
    record.auditAnchors = before.anchors;
    record.auditRewound = before.rewound;
  };
}

/** Whether the heartbeat runs the record's license: v2 names it; v1 tells it by the expiry it reports (no two licenses of an appliance share one). */
export function runsLicense(record: Pick<ConformityRecord, 'license'>, payload: HeartbeatPayload): boolean {
  if (payload.v === 2) return payload.licenseId === record.license.jti;
  return Math.floor(Date.parse(payload.health.licenseExpiresAt) / 1000) === record.license.exp;
}

/** Records a newly issued license: the one it replaces joins the ids issued to this appliance. */
export function replaceLicense(record: ConformityRecord, issued: IssuedLicense): void {
  record.previousLicenseIds = [...record.previousLicenseIds, record.license.jti].slice(-MAX_PREVIOUS_LICENSE_IDS);
  record.license = issued;
  record.licenseOffers = 0;
}

/** The mismatch still shown at `now` (held MISMATCH_HOLD_MS after it was last seen), if any. */
export function mismatchAt(mismatch: LicenseMismatch | null, nowMs: number): LicenseMismatch | null {
  return mismatch && nowMs < Date.parse(mismatch.lastSeenAt) + MISMATCH_HOLD_MS ? mismatch : null;
}
