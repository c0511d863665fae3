/**
 * The fleet view: every enrolled appliance with its cabinet, plan, version, last heartbeat,
 * usage against its limits and latest health — and the month's usage of a cabinet for billing.
 */
import type { HeartbeatHealth, HeartbeatUsage, PlanLimits } from '@iamanager/protocol';
import type { ApplianceRecord, CabinetStatus, MonthUsage } from '../storage/records.js';
import type { ApplianceRegistry } from './appliances.js';
import type { CabinetRegistry } from './cabinets.js';
import type { PlanCatalog } from './planCatalog.js';

export interface FleetEntry {
  applianceId: string;
  instanceName: string;
  cabinetId: string;
  cabinetName: string | null;
  cabinetStatus: CabinetStatus | null;
  plan: string | null;
  version: string;
  enrolledAt: string;
  revoked: boolean;
  lastHeartbeatAt: string | null;
  licenseExpiresAt: string;
  month: string | null;
  usage: HeartbeatUsage | null;
  limits: PlanLimits | null;
  health: HeartbeatHealth | null;
}

export interface FleetContext {
  cabinets: CabinetRegistry;
  appliances: ApplianceRegistry;
  plans: PlanCatalog;
}

function latestMonth(record: ApplianceRecord): string | null {
  const months = Object.keys(record.months).sort();
  return months.at(-1) ?? null;
}

export function listFleet(ctx: FleetContext, options: { includeRevoked: boolean }): FleetEntry[] {
  return ctx.appliances
    .list()
    .filter((a) => options.includeRevoked || a.revokedAt === null)
    .sort((a, b) => a.cabinetId.localeCompare(b.cabinetId) || a.enrolledAt.localeCompare(b.enrolledAt))
    .map((a) => {
      const cabinet = ctx.cabinets.find(a.cabinetId);
      const terms = cabinet && ctx.plans.find(cabinet.plan) ? ctx.plans.effectiveTerms(cabinet.plan, cabinet.overrides) : undefined;
      const month = latestMonth(a);
      return {
        applianceId: a.id,
        instanceName: a.instanceName,
        cabinetId: a.cabinetId,
        cabinetName: cabinet?.name ?? null,
        cabinetStatus: cabinet?.status ?? null,
        plan: cabinet?.plan ?? null,
        version: a.health?.version ?? a.enrolledVersion,
        enrolledAt: a.enrolledAt,
        revoked: a.revokedAt !== null,
        lastHeartbeatAt: a.lastHeartbeatAt,
        licenseExpiresAt: new Date(a.license.exp * 1000).toISOString(),
        month,
        usage: month ? a.months[month]!.usage : null,
        limits: terms?.limits ?? null,
        health: a.health,
      };
    });
}

/**
 * A cabinet's usage for a month: the counters of the last heartbeat received for that month from
 * any of its appliances (after a re-enrollment the new appliance carries the month on), with the
 * signed heartbeat that carried them as evidence.
 */
export function cabinetMonthUsage(ctx: Pick<FleetContext, 'appliances'>, cabinetId: string, month: string): (MonthUsage & { applianceId: string }) | undefined {
  let best: (MonthUsage & { applianceId: string }) | undefined;
  for (const a of ctx.appliances.list()) {
    const m = a.cabinetId === cabinetId ? a.months[month] : undefined;
    if (m && (!best || m.receivedAt > best.receivedAt)) best = { ...m, applianceId: a.id };
  }
  return best;
}
