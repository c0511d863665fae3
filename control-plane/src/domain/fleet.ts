/**
 * The fleet view: every enrolled appliance with its cabinet, plan, version, last heartbeat,
 * usage against its limits, latest health and health status — filtered, sorted and paged for the
 * API and the dashboard alike — and the month's usage of a cabinet for billing.
 */
import { versionKey, type HeartbeatHealth, type HeartbeatUsage, type PlanLimits } from '@iamanager/protocol';
import { SHIPPED_APPLIANCE_VERSION } from './applianceRelease.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { CabinetRecord, CabinetStatus } from '../storage/records.js';
import type { ApplianceListing, ApplianceStore } from '../storage/stores.js';
import type { CabinetRegistry } from './cabinets.js';
import {
  FLEET_STATUSES,
  STATUS_SEVERITY,
  nextStatusChange,
  statusFacts,
  statusFromFacts,
  type FleetStatus,
  type StatusContext,
  type StatusFacts,
  type StatusReason,
  type StatusResult,
} from './fleetStatus.js';
import { termsOn, type PlanCatalog } from './planCatalog.js';
import { LIMIT_FLAG_SEVERITY, commercialFlags, type CommercialFlags } from './fleetLimits.js';

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
  status: FleetStatus;
  reasons: StatusReason[];
  /** Near (≥ 80 %) or at its plan's limits: a commercial flag beside the status, not a health alert (fleetLimits.ts). */
  commercial: CommercialFlags;
}

export interface FleetContext {
  cabinets: CabinetRegistry;
  /** Listed once per request or pass: the whole fleet is scored from one read. */
  appliances: Pick<ApplianceStore, 'list'>;
  plans: PlanCatalog;
  config: Pick<Config, 'fleet' | 'heartbeatIntervalSeconds' | 'latestApplianceVersion'>;
  clock: Clock;
}

/** Ids and ISO dates are ASCII: a plain comparison orders them, without localeCompare's collation cost at 10 000 rows. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function latestMonth(record: ApplianceListing): string | null {
  let latest: string | null = null;
  for (const month in record.months) if (latest === null || month > latest) latest = month;
  return latest;
}

function runningVersion(a: ApplianceListing): string {
  return a.health?.version ?? a.enrolledVersion;
}

/**
 * The version every appliance should run: LATEST_APPLIANCE_VERSION when configured (what the
 * vendor has released — also sent in heartbeat replies), otherwise the release this control plane
 * ships with. Only the vendor decides it: were it the highest version any appliance reports, one
 * appliance claiming 99999.0.0 would put every other one in `version_behind`.
 */
export function latestApplianceVersion(ctx: { config: Pick<Config, 'latestApplianceVersion'> }): string {
  return ctx.config.latestApplianceVersion ?? SHIPPED_APPLIANCE_VERSION;
}

/** An appliance with its cabinet and status: the cheap part, computed for the whole fleet per request. */
interface Scored {
  record: ApplianceListing;
  cabinet: CabinetRecord | undefined;
  result: StatusResult;
}

function statusContext(ctx: FleetContext): StatusContext {
  return {
    now: ctx.clock(),
    thresholds: ctx.config.fleet,
    heartbeatIntervalSeconds: ctx.config.heartbeatIntervalSeconds,
    latestVersion: latestApplianceVersion(ctx),
  };
}

/**
 * Each appliance's status, kept until something can change it: its next heartbeat (`lastSeq`),
 * a new license (`exp`), another latest version, or the next threshold that time alone crosses
 * (`nextStatusChange`). Keyed by the record object itself, so nothing outlives the record. A
 * fleet page then costs a lookup per appliance, not a status computation.
 */
interface KeptStatus {
  seq: number;
  exp: number;
  latestVersion: string | null;
  facts: StatusFacts;
  result: StatusResult;
  validUntil: number;
}
const kept = new WeakMap<ApplianceListing, KeptStatus>();

function statusOf(a: ApplianceListing, sc: StatusContext): StatusResult {
  let k = kept.get(a);
  if (k && k.seq === a.lastSeq && k.exp === a.license.exp) {
    if (sc.now.getTime() < k.validUntil && k.latestVersion === sc.latestVersion) return k.result;
  } else {
    const facts = statusFacts({
      enrolledAt: a.enrolledAt,
      lastHeartbeatAt: a.lastHeartbeatAt,
      health: a.health,
      previousErrors24h: a.previousErrors24h,
      issuedLicenseExpiresAt: new Date(a.license.exp * 1000).toISOString(),
      licenseMismatch: a.licenseMismatch,
      auditRewound: a.auditRewound,
    });
    k = {
      seq: a.lastSeq,
      exp: a.license.exp,
      latestVersion: sc.latestVersion,
      facts,
      result: statusFromFacts(facts, sc),
      validUntil: nextStatusChange(facts, sc),
    };
    kept.set(a, k);
    return k.result;
  }
  k.result = statusFromFacts(k.facts, sc);
  k.latestVersion = sc.latestVersion;
  k.validUntil = nextStatusChange(k.facts, sc);
  return k.result;
}

/** Every cabinet by id, read once from the cabinet store for a whole pass over the fleet. */
async function cabinetsById(ctx: FleetContext): Promise<Map<string, CabinetRecord>> {
  return new Map((await ctx.cabinets.list()).map((c) => [c.id, c]));
}

function score(
  cabinets: ReadonlyMap<string, CabinetRecord>,
  records: Iterable<ApplianceListing>,
  options: { includeRevoked: boolean; plan?: string | undefined },
  sc: StatusContext,
): Scored[] {
  const out: Scored[] = [];
  for (const a of records) {
    if (!options.includeRevoked && a.revokedAt !== null) continue;
    const cabinet = cabinets.get(a.cabinetId);
    if (options.plan && cabinet?.plan !== options.plan) continue;
    out.push({ record: a, cabinet, result: statusOf(a, sc) });
  }
  return out;
}

/** The full entry, built only for what goes out (a page of the overview, not the whole fleet). */
function limitsOf(ctx: FleetContext, cabinet: CabinetRecord | undefined): PlanLimits | null {
  const plan = cabinet && ctx.plans.known(cabinet.plan);
  return cabinet && plan ? termsOn(plan, cabinet.overrides).limits : null;
}

function commercialOf(ctx: FleetContext, s: Scored, now: Date): CommercialFlags {
  const month = latestMonth(s.record);
  return commercialFlags(month ? s.record.months[month]!.usage : null, month, limitsOf(ctx, s.cabinet), now);
}

function toEntry(ctx: FleetContext, s: Scored, now: Date): FleetEntry {
  const a = s.record;
  const cabinet = s.cabinet;
  const limits = limitsOf(ctx, cabinet);
  const month = latestMonth(a);
  return {
    applianceId: a.id,
    instanceName: a.instanceName,
    cabinetId: a.cabinetId,
    cabinetName: cabinet?.name ?? null,
    cabinetStatus: cabinet?.status ?? null,
    plan: cabinet?.plan ?? null,
    version: runningVersion(a),
    enrolledAt: a.enrolledAt,
    revoked: a.revokedAt !== null,
    lastHeartbeatAt: a.lastHeartbeatAt,
    licenseExpiresAt: new Date(a.license.exp * 1000).toISOString(),
    month,
    usage: month ? a.months[month]!.usage : null,
    limits,
    health: a.health,
    status: s.result.status,
    reasons: s.result.reasons,
    commercial: commercialOf(ctx, s, now),
  };
}

const byCabinet = (a: Scored, b: Scored) =>
  compareText(a.record.cabinetId, b.record.cabinetId) || compareText(a.record.enrolledAt, b.record.enrolledAt);

/** Every appliance (of one cabinet, if given), by cabinet then enrollment date. */
export async function listFleet(ctx: FleetContext, options: { includeRevoked: boolean; cabinetId?: string }): Promise<FleetEntry[]> {
  const cabinets = await cabinetsById(ctx);
  // Reads plans created on other nodes into the catalog (plans never change), so `known` finds every cabinet's.
  await ctx.plans.list();
  const records = await ctx.appliances.list();
  const wanted = options.cabinetId === undefined ? records : records.filter((a) => a.cabinetId === options.cabinetId);
  const sc = statusContext(ctx);
  return score(cabinets, wanted, { includeRevoked: options.includeRevoked }, sc)
    .sort(byCabinet)
    .map((s) => toEntry(ctx, s, sc.now));
}

/** Each appliance's status and reasons, without the rest of the entry (for the periodic check). */
export async function fleetStatuses(
  ctx: FleetContext,
): Promise<Array<{ applianceId: string; cabinetId: string; status: FleetStatus; reasons: StatusReason[] }>> {
  const cabinets = await cabinetsById(ctx);
  return score(cabinets, await ctx.appliances.list(), { includeRevoked: false }, statusContext(ctx)).map((s) => ({
    applianceId: s.record.id,
    cabinetId: s.record.cabinetId,
    status: s.result.status,
    reasons: s.result.reasons,
  }));
}

export const FLEET_SORTS = ['status', 'cabinet', 'plan', 'version', 'lastHeartbeat', 'limits'] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export interface FleetQuery {
  status?: FleetStatus | undefined;
  plan?: string | undefined;
  sort: FleetSort;
  includeRevoked: boolean;
  page: number;
  perPage: number;
}

export interface FleetPage {
  appliances: FleetEntry[];
  total: number;
  page: number;
  perPage: number;
  pages: number;
  /** How many appliances of each status (before the status filter, after the plan filter). */
  counts: Record<FleetStatus, number>;
  latestVersion: string | null;
}

function sorter(ctx: FleetContext, sort: FleetSort, rows: readonly Scored[], now: Date): (a: Scored, b: Scored) => number {
  switch (sort) {
    case 'cabinet':
      return byCabinet;
    case 'status':
      return (a, b) => STATUS_SEVERITY[b.result.status] - STATUS_SEVERITY[a.result.status] || byCabinet(a, b);
    case 'plan':
      return (a, b) => compareText(a.cabinet?.plan ?? '', b.cabinet?.plan ?? '') || byCabinet(a, b);
    case 'version': {
      // One number per appliance, so sorting does not split version strings 130 000 times.
      const keys = new Map(rows.map((r) => [r, versionKey(runningVersion(r.record))]));
      return (a, b) => keys.get(a)! - keys.get(b)! || byCabinet(a, b);
    }
    case 'limits': {
      // At the limit first, then near it, each by how much of its tightest limit is used: the sales to make.
      const flags = new Map(rows.map((r) => [r, commercialOf(ctx, r, now)]));
      return (a, b) => {
        const fa = flags.get(a)!;
        const fb = flags.get(b)!;
        return LIMIT_FLAG_SEVERITY[fb.flag] - LIMIT_FLAG_SEVERITY[fa.flag] || fb.highestRatio - fa.highestRatio || byCabinet(a, b);
      };
    }
    case 'lastHeartbeat':
      // Longest silent first: the ones to look at.
      return (a, b) => compareText(a.record.lastHeartbeatAt ?? '', b.record.lastHeartbeatAt ?? '') || byCabinet(a, b);
  }
}

/**
 * One page of the fleet, filtered by status and plan and sorted; a page past the end gives the
 * last. Statuses are computed for the whole fleet (the counts need them), full entries only for
 * the page.
 */
export async function queryFleet(ctx: FleetContext, query: FleetQuery): Promise<FleetPage> {
  const cabinets = await cabinetsById(ctx);
  // Reads plans created on other nodes into the catalog (plans never change), so `known` finds every cabinet's.
  await ctx.plans.list();
  const sc = statusContext(ctx);
  const scored = score(cabinets, await ctx.appliances.list(), { includeRevoked: query.includeRevoked, plan: query.plan }, sc);
  const counts = Object.fromEntries(FLEET_STATUSES.map((s) => [s, 0])) as Record<FleetStatus, number>;
  for (const s of scored) counts[s.result.status]++;
  const matching = query.status ? scored.filter((s) => s.result.status === query.status) : scored;
  matching.sort(sorter(ctx, query.sort, matching, sc.now));
  const pages = Math.max(1, Math.ceil(matching.length / query.perPage));
  const page = Math.min(query.page, pages);
  return {
    appliances: matching.slice((page - 1) * query.perPage, page * query.perPage).map((s) => toEntry(ctx, s, sc.now)),
    total: matching.length,
    page,
    perPage: query.perPage,
    pages,
    counts,
    latestVersion: sc.latestVersion,
  };
}
