/**
 * An appliance's health status from what its heartbeats said, at a given moment — a pure
 * function, so every threshold boundary is tested with a frozen clock (tests/control-plane/
 * fleetStatus.test.ts). Thresholds come from the configuration (FleetThresholds, config.ts).
 *
 * - offline: no heartbeat for `offlineHours` (24 h); stale: none for `staleIntervals` (3) heartbeat
 *   intervals. Both count from the enrollment when no heartbeat ever came. They take precedence:
 *   the other figures are as old as the last heartbeat.
 * - critical: disk free < `diskCriticalRatio` (5 %), errors rising (the latest `errors24h` above
 *   the one before), or the license the appliance runs has expired.
 * - warning: disk free < `diskWarningRatio` (15 %), last backup older than `backupMaxAgeHours`
 *   (36 h; "never" counts once the appliance is that old), license expiring within
 *   `licenseWarningDays` (14 d), or a version behind the latest.
 * - healthy otherwise.
 * Every condition that holds is listed as a reason (with since when, where the data tells).
 */
import { compareVersions, type HeartbeatHealth } from '@iamanager/protocol';
import type { FleetThresholds } from '../config.js';

export const FLEET_STATUSES = ['healthy', 'warning', 'critical', 'stale', 'offline'] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

/** For "worst first" sorting. */
export const STATUS_SEVERITY: Readonly<Record<FleetStatus, number>> = { critical: 4, offline: 3, stale: 2, warning: 1, healthy: 0 };

export type ReasonCode = 'offline' | 'stale' | 'disk_critical' | 'disk_low' | 'errors_rising' | 'license_expired' | 'license_expiring' | 'backup_old' | 'backup_never' | 'version_behind';

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

function freshness(input: StatusInput, ctx: StatusContext): StatusReason | undefined {
  const lastSeen = Date.parse(input.lastHeartbeatAt ?? input.enrolledAt);
  const silent = ctx.now.getTime() - lastSeen;
  const what = input.lastHeartbeatAt ? `no heartbeat since ${input.lastHeartbeatAt}` : `no heartbeat since enrollment (${input.enrolledAt})`;
  const offlineMs = ctx.thresholds.offlineHours * HOUR_MS;
  if (silent >= offlineMs) return { code: 'offline', level: 'offline', message: `${what}: ${ctx.thresholds.offlineHours} h or more`, since: iso(lastSeen + offlineMs), value: input.lastHeartbeatAt };
  const staleMs = ctx.thresholds.staleIntervals * ctx.heartbeatIntervalSeconds * 1000;
  if (silent >= staleMs) return { code: 'stale', level: 'stale', message: `${what}: ${ctx.thresholds.staleIntervals} heartbeat intervals or more`, since: iso(lastSeen + staleMs), value: input.lastHeartbeatAt };
  return undefined;
}

function licenseReasons(input: StatusInput, ctx: StatusContext): StatusReason[] {
  const expiresAt = input.health?.licenseExpiresAt ?? input.issuedLicenseExpiresAt;
  const exp = Date.parse(expiresAt);
  const now = ctx.now.getTime();
  if (exp <= now) return [{ code: 'license_expired', level: 'critical', message: `the license the appliance runs expired on ${expiresAt}`, since: iso(exp), value: expiresAt }];
  const warnFrom = exp - ctx.thresholds.licenseWarningDays * DAY_MS;
  if (now >= warnFrom) return [{ code: 'license_expiring', level: 'warning', message: `the license expires on ${expiresAt}, within ${ctx.thresholds.licenseWarningDays} days`, since: iso(warnFrom), value: expiresAt }];
  return [];
}

function healthReasons(input: StatusInput, health: HeartbeatHealth, ctx: StatusContext): StatusReason[] {
  const t = ctx.thresholds;
  const reasons: StatusReason[] = [];
  if (health.diskFreeRatio < t.diskCriticalRatio) {
    reasons.push({ code: 'disk_critical', level: 'critical', message: `disk free ${percent(health.diskFreeRatio)}, below ${percent(t.diskCriticalRatio)}`, since: null, value: health.diskFreeRatio });
  } else if (health.diskFreeRatio < t.diskWarningRatio) {
    reasons.push({ code: 'disk_low', level: 'warning', message: `disk free ${percent(health.diskFreeRatio)}, below ${percent(t.diskWarningRatio)}`, since: null, value: health.diskFreeRatio });
  }
  if (input.previousErrors24h !== null && health.errors24h > input.previousErrors24h) {
    reasons.push({ code: 'errors_rising', level: 'critical', message: `errors over 24 h rose from ${input.previousErrors24h} to ${health.errors24h}`, since: input.lastHeartbeatAt, value: health.errors24h });
  }
  const maxAgeMs = t.backupMaxAgeHours * HOUR_MS;
  const now = ctx.now.getTime();
  if (health.lastBackupAt === null) {
    const due = Date.parse(input.enrolledAt) + maxAgeMs;
    if (now > due) reasons.push({ code: 'backup_never', level: 'warning', message: `no backup reported, enrolled more than ${t.backupMaxAgeHours} h ago`, since: iso(due), value: null });
  } else if (now - Date.parse(health.lastBackupAt) > maxAgeMs) {
    reasons.push({ code: 'backup_old', level: 'warning', message: `last backup on ${health.lastBackupAt}, more than ${t.backupMaxAgeHours} h ago`, since: iso(Date.parse(health.lastBackupAt) + maxAgeMs), value: health.lastBackupAt });
  }
  if (ctx.latestVersion && compareVersions(health.version, ctx.latestVersion) < 0) {
    reasons.push({ code: 'version_behind', level: 'warning', message: `runs ${health.version}, the latest is ${ctx.latestVersion}`, since: null, value: health.version });
  }
  return reasons;
}

export function applianceStatus(input: StatusInput, ctx: StatusContext): StatusResult {
  const fresh = freshness(input, ctx);
  const reasons = [...(fresh ? [fresh] : []), ...(input.health ? healthReasons(input, input.health, ctx) : []), ...licenseReasons(input, ctx)].sort(
    (a, b) => STATUS_SEVERITY[b.level] - STATUS_SEVERITY[a.level],
  );
  const status: FleetStatus = fresh ? fresh.level : (reasons[0]?.level ?? 'healthy');
  return { status, reasons };
}
