/**
 * Fleet alerts: what changed in each appliance's health and since when. Every
 * FLEET_CHECK_INTERVAL_SECONDS (and at start-up) the status of every appliance is computed
 * (fleetStatus.ts) and compared with the one last recorded; a change of status, or of the reasons
 * behind it, is recorded as a transition with the time it was noticed and each reason's own
 * "since". Status can change with no heartbeat at all (stale, offline, a license running out), so
 * this runs on a clock rather than on ingest — which keeps the heartbeat path free of it.
 * Kept in a FleetAlertStore (DATA_DIR/fleet-alerts.json, or PostgreSQL), written only when
 * something changed; the newest MAX_TRANSITIONS transitions are kept.
 */
import type { Logger } from '@iamanager/kernel/log';
import type { FleetAlertState, FleetStatus, StatusTransition } from '../storage/fleetAlertRecords.js';
import type { FleetAlertChange, FleetAlertStore, TransitionQuery } from '../storage/stores.js';
import { fleetStatuses, type FleetContext } from './fleet.js';
import { LeasedSchedule, type JobLeaseHolder } from './leasedSchedule.js';

export { MAX_TRANSITIONS, type StatusTransition } from '../storage/fleetAlertRecords.js';

export type AlertQuery = TransitionQuery;

/** The periodic check's name in `job_leases`. */
export const FLEET_CHECK_JOB = 'fleet-check';

export class FleetMonitor {
  private schedule: LeasedSchedule<number> | undefined;
  private running: Promise<number> | undefined;

  /** Records in `store` (storage/stores.ts FleetAlertStore: DATA_DIR/fleet-alerts.json, or PostgreSQL). */
  constructor(
    private readonly store: FleetAlertStore,
    private readonly ctx: FleetContext,
    private readonly log: Logger,
  ) {}

  /** Compares every appliance's status with the last recorded one; records and returns how many changed. */
  check(): Promise<number> {
    // One check at a time: a slow write must not let two checks record the same change twice.
    this.running ??= this.runCheck().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runCheck(): Promise<number> {
    const statuses = await fleetStatuses(this.ctx);
    const at = this.ctx.clock().toISOString();
    // Decided on the statuses as the store holds them under its lock, not on what this node read
    // before: another node's check that committed meanwhile is not recorded twice.
    const change = await this.store.record((current) => changesSince(current, statuses, at));
    if (change.transitions.length > 0) this.log.info({ changes: change.transitions.length }, 'fleet status changes recorded');
    return change.transitions.length;
  }

  /** Recorded transitions, newest first. */
  alerts(query: AlertQuery): Promise<StatusTransition[]> {
    return this.store.transitions(query);
  }

  /** Since when each tracked appliance has had its recorded status (absent before the first check saw it). */
  async recorded(): Promise<Map<string, { status: FleetStatus; since: string }>> {
    return new Map([...(await this.store.current())].map(([id, c]) => [id, { status: c.status, since: c.since }]));
  }

  /**
   * Checks now, then every `intervalSeconds` until `close()`, on the node holding the job lease
   * `fleet-check` (the others skip: their check would find nothing new to record).
   */
  async start(intervalSeconds: number, node: JobLeaseHolder): Promise<void> {
    this.schedule = new LeasedSchedule(FLEET_CHECK_JOB, () => this.check(), {
      ...node,
      everyMs: intervalSeconds * 1000,
      clock: this.ctx.clock,
      log: this.log,
      failure: 'fleet status check failed; it runs again at the next interval',
    });
    await this.schedule.start();
  }

  async close(): Promise<void> {
    await this.schedule?.stop();
    await this.running;
  }
}

/** What a check changes, given the recorded statuses and the ones it computed at `at`. */
function changesSince(
  current: ReadonlyMap<string, FleetAlertState>,
  statuses: Awaited<ReturnType<typeof fleetStatuses>>,
  at: string,
): FleetAlertChange {
  const change: FleetAlertChange = { set: new Map(), forget: [], transitions: [] };
  const seen = new Set<string>();
  for (const e of statuses) {
    seen.add(e.applianceId);
    const before = current.get(e.applianceId);
    const codes: string[] = e.reasons.map((r) => r.code).sort();
    if (before && before.status === e.status && before.codes.join() === codes.join()) continue;
    change.set.set(e.applianceId, { status: e.status, since: before && before.status === e.status ? before.since : at, codes });
    // A new appliance waits for its first heartbeat, then (usually) turns healthy: neither is news.
    if ((!before || before.status === 'pending') && (e.status === 'healthy' || e.status === 'pending')) continue;
    change.transitions.push({
      applianceId: e.applianceId,
      cabinetId: e.cabinetId,
      from: before?.status ?? null,
      to: e.status,
      at,
      raised: codes.filter((c) => !before?.codes.includes(c)),
      cleared: (before?.codes ?? []).filter((c) => !codes.includes(c)),
      reasons: e.reasons.map((r) => ({ code: r.code, level: r.level, message: r.message, since: r.since, value: r.value })),
    });
  }
  // Revoked (re-enrolled) appliances leave the fleet: their status stops being tracked.
  for (const id of current.keys()) if (!seen.has(id)) change.forget.push(id);
  return change;
}
