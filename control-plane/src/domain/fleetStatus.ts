/**
 * An appliance's health status from what its heartbeats said, at a given moment — a pure
 * function, so every threshold boundary is tested with a frozen clock (tests/control-plane/
 * fleetStatus.test.ts). Thresholds come from the configuration (FleetThresholds, config.ts).
 *
 * - offline: no heartbeat for `offlineHours` (24 h); stale: none for `staleIntervals` (3) heartbeat
 *   intervals. Both count from the enrollment when no heartbeat ever came. They take precedence:
 *   the other figures are as old as the last heartbeat.
 * - pending: enrolled, never heard from, not yet stale. Nothing is known of its health, so it is
 *   never called healthy; a license reason issued to it still outranks it.
 * - critical: disk free < `diskCriticalRatio` (5 %), errors rising (the latest `errors24h` above
 *   the one before), the license the appliance runs has expired, or `license_mismatch`: it runs a
 *   license not issued to it last or uses more than it allows (licenseConformity.ts; held 7 days
 *   after the last heartbeat that showed it).
 * - warning: disk free < `diskWarningRatio` (15 %), last backup older than `backupMaxAgeHours`
 *   (36 h; "never" counts once the appliance is that old), license expiring within
 *   `licenseWarningDays` (14 d), a version behind the latest, or `audit_rewound`: the audit chain
 *   went back from an anchor (tail deleted or rewritten, or a backup restored; held 7 days).
 *   Off-site copies (issue 17, docs/control-plane.md "Off-site copies"): `offsite_old`, the last
 *   off-site copy is older than `offsiteMaxAgeHours` (72 h); `offsite_never`, none reported while
 *   backups run (`lastBackupAt` set) and the appliance enrolled more than that long ago — the same
 *   3 days to set up a target as an old copy gets. Only v2 heartbeats carry the field: an
 *   appliance whose latest heartbeat is v1 says nothing of off-site copies and is never flagged.
 *   No backup at all is `backup_never`/`backup_old` already, so it is not flagged twice.
 * - healthy otherwise.
 * Every condition that holds is listed as a reason (with since when, where the data tells).
 */
import { versionKey, type HeartbeatHealth } from '@iamanager/protocol';
import type { FleetThresholds } from '../config.js';
import { MISMATCH_HOLD_MS, type AuditRewound, type LicenseMismatch } from './licenseConformity.js';
import type { FleetStatus } from '../storage/fleetAlertRecords.js';

// The statuses are part of the recorded alerts' format (storage/fleetAlertRecords.ts).
export { FLEET_STATUSES, type FleetStatus } from '../storage/fleetAlertRecords.js';

/** For "worst first" sorting. */
export const STATUS_SEVERITY: Readonly<Record<FleetStatus, number>> = {
  critical: 5,
  offline: 4,
  stale: 3,
  warning: 2,
  pending: 1,
  healthy: 0,
};

export type ReasonCode =
  | 'offline'
  | 'stale'
  | 'pending'
  | 'disk_critical'
  | 'disk_low'
  | 'errors_rising'
  | 'license_expired'
  | 'license_expiring'
  | 'backup_old'
  | 'backup_never'
  | 'version_behind'
  | 'license_mismatch'
  | 'audit_rewound'
  | 'offsite_old'
  | 'offsite_never';

export interface StatusReason {
  code: ReasonCode;
  level: Exclude<FleetStatus, 'healthy'>;
  message: string;
  /** When the condition began, where the data tells (e.g. the moment the silence passed the threshold). */
  since: string | null;
  /** The figure behind it (a ratio, a count, a version, a date), for screens to phrase. */
  value: number | string | null;
}

export interface StatusInput {
  enrolledAt: string;
  lastHeartbeatAt: string | null;
  health: HeartbeatHealth | null;
  previousErrors24h: number | null;
  /** Expiry of the license issued, used until a heartbeat says which license the appliance runs. */
  issuedLicenseExpiresAt: string;
  /** The last sign of a license mismatch (licenseConformity.ts), if any. */
  licenseMismatch?: LicenseMismatch | null;
  /** The last sign that the audit chain went back from an anchor (licenseConformity.ts), if any. */
  auditRewound?: AuditRewound | null;
}

export interface StatusContext {
  now: Date;
  thresholds: FleetThresholds;
  heartbeatIntervalSeconds: number;
  /** The version every appliance should run (see `latestApplianceVersion`), or null if unknown. */
  latestVersion: string | null;
}

export interface StatusResult {
  status: FleetStatus;
  reasons: StatusReason[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;

/**
 * The input as numbers, parsed once: the fleet keeps these per appliance until its next
 * heartbeat, so a page over 10 000 appliances does arithmetic, not date parsing.
 */
export interface StatusFacts {
  enrolledMs: number;
  lastHeartbeatMs: number | null;
  health: {
    diskFreeRatio: number;
    errors24h: number;
    lastBackupMs: number | null;
    /** v2 heartbeats only (`offsiteReported`); null: no off-site copy yet. */
    offsiteReported: boolean;
    lastOffsiteMs: number | null;
    version: string;
    versionKey: number;
  } | null;
  previousErrors24h: number | null;
  licenseExpiresMs: number;
  mismatch: { kind: string; message: string; sinceMs: number; untilMs: number } | null;
  rewound: { fromLength: number; toLength: number; sinceMs: number; untilMs: number } | null;
}

export function statusFacts(input: StatusInput): StatusFacts {
  const h = input.health;
  return {
    enrolledMs: Date.parse(input.enrolledAt),
    lastHeartbeatMs: input.lastHeartbeatAt === null ? null : Date.parse(input.lastHeartbeatAt),
    health: h
      ? {
          diskFreeRatio: h.diskFreeRatio,
          errors24h: h.errors24h,
          lastBackupMs: h.lastBackupAt === null ? null : Date.parse(h.lastBackupAt),
          // A v1 health has no such key at all; v2 always has it (null until a first copy).
          offsiteReported: h.lastOffsiteBackupAt !== undefined,
          lastOffsiteMs: h.lastOffsiteBackupAt === undefined || h.lastOffsiteBackupAt === null ? null : Date.parse(h.lastOffsiteBackupAt),
          version: h.version,
          versionKey: versionKey(h.version),
        }
      : null,
    previousErrors24h: input.previousErrors24h,
    licenseExpiresMs: Date.parse(h?.licenseExpiresAt ?? input.issuedLicenseExpiresAt),
    rewound: input.auditRewound
      ? {
          fromLength: input.auditRewound.from.length,
          toLength: input.auditRewound.to.length,
          sinceMs: Date.parse(input.auditRewound.since),
          untilMs: Date.parse(input.auditRewound.lastSeenAt) + MISMATCH_HOLD_MS,
        }
      : null,
    mismatch: input.licenseMismatch
      ? {
          kind: input.licenseMismatch.kind,
          message: input.licenseMismatch.message,
          sinceMs: Date.parse(input.licenseMismatch.since),
          untilMs: Date.parse(input.licenseMismatch.lastSeenAt) + MISMATCH_HOLD_MS,
        }
      : null,
  };
}

/** The moments at which time alone changes a condition (no heartbeat needed). */
function moments(f: StatusFacts, t: FleetThresholds, heartbeatIntervalSeconds: number) {
  const lastSeen = f.lastHeartbeatMs ?? f.enrolledMs;
  return {
    lastSeen,
    staleAt: lastSeen + t.staleIntervals * heartbeatIntervalSeconds * 1000,
    offlineAt: lastSeen + t.offlineHours * HOUR_MS,
    /** The backup is late strictly after this (no backup yet: counted from the enrollment). */
    backupLateAfter: (f.health?.lastBackupMs ?? f.enrolledMs) + t.backupMaxAgeHours * HOUR_MS,
    /** The off-site copy is late strictly after this (none yet: counted from the enrollment). */
    offsiteLateAfter: (f.health?.lastOffsiteMs ?? f.enrolledMs) + t.offsiteMaxAgeHours * HOUR_MS,
    licenseWarnAt: f.licenseExpiresMs - t.licenseWarningDays * DAY_MS,
    licenseExpiredAt: f.licenseExpiresMs,
  };
}

function freshness(f: StatusFacts, m: ReturnType<typeof moments>, ctx: StatusContext): StatusReason | undefined {
  const now = ctx.now.getTime();
  if (now < m.staleAt) {
    if (f.lastHeartbeatMs !== null) return undefined; // most appliances are fresh: build no string for them
    const enrolled = iso(f.enrolledMs);
    return { code: 'pending', level: 'pending', message: `enrolled on ${enrolled}, no heartbeat yet`, since: enrolled, value: null };
  }
  const last = f.lastHeartbeatMs === null ? null : iso(f.lastHeartbeatMs);
  const what = last ? `no heartbeat since ${last}` : `no heartbeat since enrollment (${iso(f.enrolledMs)})`;
  if (now >= m.offlineAt)
    return {
      code: 'offline',
      level: 'offline',
      message: `${what}: ${ctx.thresholds.offlineHours} h or more`,
      since: iso(m.offlineAt),
      value: last,
    };
  return {
    code: 'stale',
    level: 'stale',
    message: `${what}: ${ctx.thresholds.staleIntervals} heartbeat intervals or more`,
    since: iso(m.staleAt),
    value: last,
  };
}

function licenseReason(m: ReturnType<typeof moments>, ctx: StatusContext): StatusReason | undefined {
  const now = ctx.now.getTime();
  const exp = iso(m.licenseExpiredAt);
  if (now >= m.licenseExpiredAt)
    return {
      code: 'license_expired',
      level: 'critical',
      message: `the license the appliance runs expired on ${exp}`,
      since: exp,
      value: exp,
    };
  if (now >= m.licenseWarnAt)
    return {
      code: 'license_expiring',
      level: 'warning',
      message: `the license expires on ${exp}, within ${ctx.thresholds.licenseWarningDays} days`,
      since: iso(m.licenseWarnAt),
      value: exp,
    };
  return undefined;
}

function mismatchReason(f: StatusFacts, ctx: StatusContext): StatusReason | undefined {
  if (!f.mismatch || ctx.now.getTime() >= f.mismatch.untilMs) return undefined;
  return {
    code: 'license_mismatch',
    level: 'critical',
    message: `license mismatch: the appliance ${f.mismatch.message}`,
    since: iso(f.mismatch.sinceMs),
    value: f.mismatch.kind,
  };
}

function rewoundReason(f: StatusFacts, ctx: StatusContext): StatusReason | undefined {
  if (!f.rewound || ctx.now.getTime() >= f.rewound.untilMs) return undefined;
  const { fromLength, toLength } = f.rewound;
  const what =
    toLength < fromLength
      ? `${toLength} entries, fewer than the ${fromLength} already anchored`
      : `entry ${toLength} differs from the one anchored`;
  return {
    code: 'audit_rewound',
    level: 'warning',
    message: `the audit log went back: ${what} (its tail deleted or rewritten, or a backup restored)`,
    since: iso(f.rewound.sinceMs),
    value: toLength,
  };
}

let latestKey: { version: string; key: number } | undefined;
function latestVersionKey(version: string): number {
  if (latestKey?.version !== version) latestKey = { version, key: versionKey(version) };
  return latestKey.key;
}

function healthReasons(
  f: StatusFacts,
  health: NonNullable<StatusFacts['health']>,
  m: ReturnType<typeof moments>,
  ctx: StatusContext,
): StatusReason[] {
  const t = ctx.thresholds;
  const reasons: StatusReason[] = [];
  if (health.diskFreeRatio < t.diskCriticalRatio) {
    reasons.push({
      code: 'disk_critical',
      level: 'critical',
      message: `disk free ${percent(health.diskFreeRatio)}, below ${percent(t.diskCriticalRatio)}`,
      since: null,
      value: health.diskFreeRatio,
    });
  } else if (health.diskFreeRatio < t.diskWarningRatio) {
    reasons.push({
      code: 'disk_low',
      level: 'warning',
      message: `disk free ${percent(health.diskFreeRatio)}, below ${percent(t.diskWarningRatio)}`,
      since: null,
      value: health.diskFreeRatio,
    });
  }
  if (f.previousErrors24h !== null && health.errors24h > f.previousErrors24h) {
    reasons.push({
      code: 'errors_rising',
      level: 'critical',
      message: `errors over 24 h rose from ${f.previousErrors24h} to ${health.errors24h}`,
      since: f.lastHeartbeatMs === null ? null : iso(f.lastHeartbeatMs),
      value: health.errors24h,
    });
  }
  if (ctx.now.getTime() > m.backupLateAfter) {
    if (health.lastBackupMs === null) {
      reasons.push({
        code: 'backup_never',
        level: 'warning',
        message: `no backup reported, enrolled more than ${t.backupMaxAgeHours} h ago`,
        since: iso(m.backupLateAfter),
        value: null,
      });
    } else {
      const last = iso(health.lastBackupMs);
      reasons.push({
        code: 'backup_old',
        level: 'warning',
        message: `last backup on ${last}, more than ${t.backupMaxAgeHours} h ago`,
        since: iso(m.backupLateAfter),
        value: last,
      });
    }
  }
  const offsite = offsiteReason(health, m, ctx);
  if (offsite) reasons.push(offsite);
  if (ctx.latestVersion && health.versionKey < latestVersionKey(ctx.latestVersion)) {
    reasons.push({
      code: 'version_behind',
      level: 'warning',
      message: `runs ${health.version}, the latest is ${ctx.latestVersion}`,
      since: null,
      value: health.version,
    });
  }
  return reasons;
}

function offsiteReason(
  health: NonNullable<StatusFacts['health']>,
  m: ReturnType<typeof moments>,
  ctx: StatusContext,
): StatusReason | undefined {
  const hours = ctx.thresholds.offsiteMaxAgeHours;
  if (!health.offsiteReported || ctx.now.getTime() <= m.offsiteLateAfter) return undefined;
  if (health.lastOffsiteMs !== null) {
    const last = iso(health.lastOffsiteMs);
    return {
      code: 'offsite_old',
      level: 'warning',
      message: `last off-site copy on ${last}, more than ${hours} h ago`,
      since: iso(m.offsiteLateAfter),
      value: last,
    };
  }
  // No backup at all is already backup_never/backup_old: an off-site copy of nothing is not news.
  if (health.lastBackupMs === null) return undefined;
  return {
    code: 'offsite_never',
    level: 'warning',
    message: `no off-site copy reported while backups run, enrolled more than ${hours} h ago`,
    since: iso(m.offsiteLateAfter),
    value: null,
  };
}

const HEALTHY: StatusResult = Object.freeze({ status: 'healthy', reasons: Object.freeze([]) as unknown as StatusReason[] });

/** The status from parsed facts (what the fleet calls, with facts kept per appliance). */
export function statusFromFacts(f: StatusFacts, ctx: StatusContext): StatusResult {
  const m = moments(f, ctx.thresholds, ctx.heartbeatIntervalSeconds);
  const fresh = freshness(f, m, ctx);
  const reasons = f.health ? healthReasons(f, f.health, m, ctx) : [];
  const license = licenseReason(m, ctx);
  if (license) reasons.push(license);
  const mismatch = mismatchReason(f, ctx);
  if (mismatch) reasons.push(mismatch);
  const rewound = rewoundReason(f, ctx);
  if (rewound) reasons.push(rewound);
  if (fresh) reasons.push(fresh);
  if (reasons.length === 0) return HEALTHY;
  reasons.sort((a, b) => STATUS_SEVERITY[b.level] - STATUS_SEVERITY[a.level]);
  // Stale and offline take precedence over what the (old) figures say; pending only over nothing.
  return { status: fresh && fresh.level !== 'pending' ? fresh.level : reasons[0]!.level, reasons };
}

export function applianceStatus(input: StatusInput, ctx: StatusContext): StatusResult {
  return statusFromFacts(statusFacts(input), ctx);
}

/**
 * The next moment the status of these facts can change with no new heartbeat (a silence or a
 * backup age passing its threshold, a license reaching its warning or expiry): until then the
 * result of `statusFromFacts` stays the same, so the fleet can keep it.
 */
export function nextStatusChange(f: StatusFacts, ctx: Omit<StatusContext, 'latestVersion'>): number {
  const m = moments(f, ctx.thresholds, ctx.heartbeatIntervalSeconds);
  const now = ctx.now.getTime();
  let next = Infinity;
  for (const at of [
    m.staleAt,
    m.offlineAt,
    m.licenseWarnAt,
    m.licenseExpiredAt,
    f.health ? m.backupLateAfter + 1 : Infinity,
    // With neither a backup nor an off-site copy, the off-site threshold changes nothing (offsiteReason).
    f.health?.offsiteReported && (f.health.lastOffsiteMs !== null || f.health.lastBackupMs !== null) ? m.offsiteLateAfter + 1 : Infinity,
    f.mismatch?.untilMs ?? Infinity,
    f.rewound?.untilMs ?? Infinity,
  ]) {
    if (at > now && at < next) next = at;
  }
  return next;
}
