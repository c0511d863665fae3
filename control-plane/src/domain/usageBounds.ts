/**
 * What a signed heartbeat (or air-gap usage report) may claim. The signature proves which
 * appliance spoke, not that it told the truth: the machine's owner holds the appliance key, so a
 * correctly signed heartbeat can still carry counters in the quadrillions, a month in 9999, or a
 * lower count than the one the month is already billed on. These checks run once the signature,
 * schema and sequence have passed, and refuse with two stable codes (SPEC "Additions"):
 *
 * - `month_out_of_range`: only the current month and the one before are accepted (Europe/Paris,
 *   as billing counts them, by the control plane's clock; a month that begins within the allowed
 *   clock skew counts as current). Without it every invented month kept a signed copy of its own
 *   in the appliance file, which grew without bound and was rewritten at every checkpoint.
 * - `implausible_usage`: a counter above its ceiling (USAGE_CEILING_MULTIPLE times the largest
 *   limit the cabinet has had, never below USAGE_CEILING_FLOORS), an overage above the analyses
 *   used, or a month counter lower than the one already accepted for that month from this
 *   appliance (counters are cumulative for the month: a lower one would silently replace the
 *   billed figure).
 */
import { DomainError, type HeartbeatUsage, type PlanLimits } from '@iamanager/protocol';
import type { CabinetRecord, MonthUsage } from '../storage/records.js';
import { parisMonth, previousMonth } from './billing/calendar.js';
import { termsOn, type PlanCatalog } from './planCatalog.js';

/** A counter may reach this many times the cabinet's largest limit (users stay after a downgrade, overage is unlimited on some plans). */
export const USAGE_CEILING_MULTIPLE = 10;

/** The least a ceiling can be, so a plan limit of 0 (a custom plan) still leaves room for honest figures. */
export const USAGE_CEILING_FLOORS: Readonly<PlanLimits> = { maxUsers: 100, maxCases: 10_000, maxAnalysesMonthly: 1_000 };

/** No cabinet's appliance stores a pebibyte: storage has no plan limit, so one absolute ceiling. */
export const MAX_STORAGE_BYTES = 2 ** 50;

/** Months of signed usage an appliance record keeps (the newest); older ones are billed already, each invoice keeping its own JWS. */
export const MONTHS_KEPT = 12;

export class UsageRefusal extends DomainError {
  declare readonly code: 'implausible_usage' | 'month_out_of_range';
}

/** The months a heartbeat received at `now` may be for, oldest and newest ("YYYY-MM"). */
export function acceptedMonths(now: Date, maxSkewSeconds: number): { oldest: string; newest: string } {
  return { oldest: previousMonth(parisMonth(now)), newest: parisMonth(new Date(now.getTime() + maxSkewSeconds * 1000)) };
}

/** Throws `month_out_of_range` unless `month` is the current month or the one before. */
export function checkMonth(month: string, now: Date, maxSkewSeconds: number): void {
  const { oldest, newest } = acceptedMonths(now, maxSkewSeconds);
  if (month < oldest || month > newest) {
    throw new UsageRefusal(
      'month_out_of_range',
      `month: ${month} is not accepted: only the current month and the one before (${oldest} to ${newest}, Europe/Paris, by the control plane's clock); set the appliance clock (NTP)`,
      { month, oldest, newest },
    );
  }
}

/** The largest of each limit over the cabinet's effective terms and every plan it has had (a downgrade mid-month keeps the month's earlier figures plausible). */
export function largestLimits(cabinet: Readonly<CabinetRecord> | undefined, plans: PlanCatalog): PlanLimits {
  const largest: PlanLimits = { maxUsers: 0, maxCases: 0, maxAnalysesMonthly: 0 };
  if (!cabinet) return largest;
  const terms = [{ plan: cabinet.plan, overrides: cabinet.overrides }, ...cabinet.planHistory];
  for (const { plan, overrides } of terms) {
    // Synchronous (the ingest checks a heartbeat without a query): plans this node has read.
    const known = plans.known(plan);
    if (!known) continue;
    const { limits } = termsOn(known, overrides);
    largest.maxUsers = Math.max(largest.maxUsers, limits.maxUsers);
    largest.maxCases = Math.max(largest.maxCases, limits.maxCases);
    largest.maxAnalysesMonthly = Math.max(largest.maxAnalysesMonthly, limits.maxAnalysesMonthly);
  }
  return largest;
}

/**
 * `largestLimits` for the heartbeat ingest, on any backend: a plan of the cabinet this node has not
 * read yet (one created on another node) is read first — a query the first time a node meets a
 * plan, then memory, since plans never change — so the ingest's decision stays synchronous.
 */
export async function readLargestLimits(cabinet: Readonly<CabinetRecord> | undefined, plans: PlanCatalog): Promise<PlanLimits> {
  if (cabinet) {
    for (const { plan } of [cabinet, ...cabinet.planHistory]) if (!plans.known(plan)) await plans.find(plan);
  }
  return largestLimits(cabinet, plans);
}

/** The ceiling of each counter for limits: the documented multiple, never below the floors. */
export function usageCeilings(limits: PlanLimits): { analysesUsed: number; usersActive: number; casesOpen: number; storageBytes: number } {
  const ceiling = (key: keyof PlanLimits) => Math.max(limits[key] * USAGE_CEILING_MULTIPLE, USAGE_CEILING_FLOORS[key]);
  return {
    analysesUsed: ceiling('maxAnalysesMonthly'),
    usersActive: ceiling('maxUsers'),
    casesOpen: ceiling('maxCases'),
    storageBytes: MAX_STORAGE_BYTES,
  };
}

/**
 * Throws `implausible_usage`, naming the field, when the counters cannot be true: above their
 * ceilings, more overage than analyses, or below what was already accepted for the month.
 */
export function checkUsage(usage: HeartbeatUsage, limits: PlanLimits, accepted: MonthUsage | undefined, month: string): void {
  const ceilings = usageCeilings(limits);
  for (const field of ['analysesUsed', 'usersActive', 'casesOpen', 'storageBytes'] as const) {
    if (usage[field] > ceilings[field]) {
      const why = field === 'storageBytes' ? 'the absolute ceiling' : `${USAGE_CEILING_MULTIPLE} × the cabinet's largest plan limit`;
      throw new UsageRefusal(
        'implausible_usage',
        `usage.${field}: ${usage[field]} is above ${ceilings[field]} (${why}); no honest appliance reports it`,
        { field, value: usage[field], ceiling: ceilings[field] },
      );
    }
  }
  if (usage.analysesOverage > usage.analysesUsed) {
    throw new UsageRefusal(
      'implausible_usage',
      `usage.analysesOverage: ${usage.analysesOverage} is above usage.analysesUsed (${usage.analysesUsed}); overage analyses are part of those used`,
      { field: 'analysesOverage', value: usage.analysesOverage, ceiling: usage.analysesUsed },
    );
  }
  if (!accepted) return;
  for (const field of ['analysesUsed', 'analysesOverage'] as const) {
    if (usage[field] < accepted.usage[field]) {
      throw new UsageRefusal(
        'implausible_usage',
        `usage.${field}: ${usage[field]} is below ${accepted.usage[field]}, already accepted for ${month} (seq ${accepted.seq}); month counters only grow — an appliance restored from an older backup is accepted again once its counters pass that figure`,
        { field, value: usage[field], accepted: accepted.usage[field], acceptedSeq: accepted.seq },
      );
    }
  }
}

/**
 * Drops the months a record no longer needs: any after `newest` (invented before months were
 * checked) and all but the MONTHS_KEPT newest up to it. Returns what it removed, for an undo.
 */
export function pruneMonths<T>(months: Record<string, T>, newest: string): Record<string, T> {
  const removed: Record<string, T> = {};
  const kept = Object.keys(months)
    .filter((m) => m <= newest)
    .sort()
    .slice(-MONTHS_KEPT);
  const keep = new Set(kept);
  for (const month of Object.keys(months)) {
    if (keep.has(month)) continue;
    removed[month] = months[month]!;
    delete months[month];
  }
  return removed;
}
