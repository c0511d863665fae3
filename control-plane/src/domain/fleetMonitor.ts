/**
 * Fleet alerts: what changed in each appliance's health and since when. Every
 * FLEET_CHECK_INTERVAL_SECONDS (and at start-up) the status of every appliance is computed
 * (fleetStatus.ts) and compared with the one last recorded; a change of status, or of the reasons
 * behind it, is recorded as a transition with the time it was noticed and each reason's own
 * "since". Status can change with no heartbeat at all (stale, offline, a license running out), so
 * this runs on a clock rather than on ingest — which keeps the heartbeat path free of it.
 * One file, DATA_DIR/fleet-alerts.json, written only when something changed; the newest
 * MAX_TRANSITIONS transitions are kept.
 */
import path from 'node:path';
import { z } from 'zod';
import { openDocument, StorageError, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { fleetStatuses, type FleetContext } from './fleet.js';
import { FLEET_STATUSES, type FleetStatus } from './fleetStatus.js';
import type { RecordQuarantine } from './quarantine.js';

export const MAX_TRANSITIONS = 10_000;

const statusSchema = z.enum(FLEET_STATUSES);
const reasonSchema = z.object({
  code: z.string(),
  level: z.string(),
  message: z.string(),
  since: z.string().nullable(),
  value: z.union([z.number(), z.string()]).nullable(),
});
const transitionSchema = z.object({
  applianceId: z.string(),
  cabinetId: z.string(),
  /** null: the first status recorded for this appliance (only recorded when it is not healthy). */
  from: statusSchema.nullable(),
  to: statusSchema,
  at: z.string(),
  /** Reason codes that appeared and that cleared with this change. */
  raised: z.array(z.string()),
  cleared: z.array(z.string()),
  /** Every reason that holds after the change. */
  reasons: z.array(reasonSchema),
});
export type StatusTransition = z.infer<typeof transitionSchema>;

const currentSchema = z.object({ status: statusSchema, since: z.string(), codes: z.array(z.string()) });
const alertsFileSchema = z.object({ current: z.record(z.string(), currentSchema), transitions: z.array(transitionSchema) });
type AlertsFile = z.infer<typeof alertsFileSchema>;

export interface AlertQuery {
  applianceId?: string | undefined;
  cabinetId?: string | undefined;
  status?: FleetStatus | undefined;
  limit: number;
}

export class FleetMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  private constructor(
    private readonly doc: Document<AlertsFile>,
    private readonly ctx: FleetContext,
    private readonly log: Logger,
  ) {}

  static async open(dataDir: string, ctx: FleetContext, log: Logger, quarantine: RecordQuarantine): Promise<FleetMonitor> {
    const file = path.join(dataDir, 'fleet-alerts.json');
    const open = () => openDocument<AlertsFile>(file, { current: {}, transitions: [] }, { schema: alertsFileSchema, log });
    try {
      return new FleetMonitor(await open(), ctx, log);
    } catch (err) {
      // Derived state: the next check records every appliance's status afresh.
      if (!(err instanceof StorageError) || err.code !== 'storage_corrupt') throw err;
      await quarantine.take(file, err);
      return new FleetMonitor(await open(), ctx, log);
    }
  }

  /** Compares every appliance's status with the last recorded one; records and returns how many changed. */
  check(): Promise<number> {
    // One check at a time: a slow write must not let two checks record the same change twice.
    this.running ??= this.runCheck().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runCheck(): Promise<number> {
    const statuses = await fleetStatuses(this.ctx);
    const at = this.ctx.clock().toISOString();
    const data = this.doc.data;
    const seen = new Set<string>();
    const added: StatusTransition[] = [];
    for (const e of statuses) {
      seen.add(e.applianceId);
      const before = data.current[e.applianceId];
      const codes: string[] = e.reasons.map((r) => r.code).sort();
      if (before && before.status === e.status && before.codes.join() === codes.join()) continue;
      data.current[e.applianceId] = { status: e.status, since: before && before.status === e.status ? before.since : at, codes };
      // A new appliance waits for its first heartbeat, then (usually) turns healthy: neither is news.
      if ((!before || before.status === 'pending') && (e.status === 'healthy' || e.status === 'pending')) continue;
      added.push({
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
    let forgotten = 0;
    // Revoked (re-enrolled) appliances leave the fleet: their status stops being tracked.
    for (const id of Object.keys(data.current)) {
      if (!seen.has(id)) {
        delete data.current[id];
        forgotten++;
      }
    }
    if (added.length === 0 && forgotten === 0) return 0;
    data.transitions.push(...added);
    if (data.transitions.length > MAX_TRANSITIONS) data.transitions.splice(0, data.transitions.length - MAX_TRANSITIONS);
    await this.doc.write();
    if (added.length > 0) this.log.info({ changes: added.length }, 'fleet status changes recorded');
    return added.length;
  }

  /** Recorded transitions, newest first. */
  alerts(query: AlertQuery): StatusTransition[] {
    const out: StatusTransition[] = [];
    const all = this.doc.data.transitions;
    for (let i = all.length - 1; i >= 0 && out.length < query.limit; i--) {
      const t = all[i]!;
      if (query.applianceId && t.applianceId !== query.applianceId) continue;
      if (query.cabinetId && t.cabinetId !== query.cabinetId) continue;
      if (query.status && t.to !== query.status) continue;
      out.push(t);
    }
    return out;
  }

  /** Since when the appliance has had its recorded status (null before the first check saw it). */
  recorded(applianceId: string): { status: FleetStatus; since: string } | null {
    const c = this.doc.data.current[applianceId];
    return c ? { status: c.status, since: c.since } : null;
  }

  /** Every appliance's recorded status and every transition kept, oldest first, as copies (`db import`). */
  recordedState(): { current: Record<string, { status: FleetStatus; since: string; codes: string[] }>; transitions: StatusTransition[] } {
    return structuredClone(this.doc.data);
  }

  /** Checks now, then every `intervalSeconds` until `close()`. */
  async start(intervalSeconds: number): Promise<void> {
    await this.check();
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.log.error({ err }, 'fleet status check failed; it runs again at the next interval'));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
