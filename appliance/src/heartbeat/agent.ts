/**
 * The heartbeat agent: one heartbeat right after start, then one per interval (with jitter, so a
 * fleet restarted together does not beat in step). Each is signed and put in the outbox first,
 * then the outbox is drained in order; failures back off exponentially and never block the
 * lawyers — the appliance stays fully usable while the control plane is away.
 */
import { HTTPError, RequestError } from 'got';
import { controlPlaneHttp } from '../controlPlaneHttp.js';
import { DomainError, heartbeatResponseSchema, signHeartbeat, type HeartbeatPayload } from '@iamanager/protocol';
import type { Logger } from '@iamanager/protocol/log';
import { loadApplianceKey } from '../enrollment/applianceKey.js';
import type { LicenseStore } from '../license/licenseStore.js';
import { monthOf, type UsageCounters } from '../usage/usageCounters.js';
import { probeHost } from './healthProbe.js';
import type { HeartbeatOutbox, QueuedHeartbeat } from './outbox.js';

export interface HeartbeatSources {
  dataDir: string;
  version: string;
  controlPlaneUrl: string | undefined;
  clock: () => Date;
  license: LicenseStore;
  usage: UsageCounters;
  usersActive: () => number;
  casesOpen: () => number;
  lastBackupAt: () => Promise<string | null>;
  errors24h: () => number;
}

export interface DrainResult {
  delivered: number;
  queued: number;
  error: string | null;
}

const MAX_BACKOFF_MS = 15 * 60_000;

export class HeartbeatAgent {
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private draining: Promise<DrainResult> | undefined;
  private nextDrain: Promise<DrainResult> | undefined;
  /** The last sequence number the pass under way sends (what was queued when it began). */
  private passUntilSeq = 0;
  private stopped = true;

  constructor(
    private readonly outbox: HeartbeatOutbox,
    private readonly sources: HeartbeatSources,
    private readonly log: Logger,
  ) {}

  /** Builds, signs and queues a heartbeat with the counters as they are now. */
  async enqueue(): Promise<QueuedHeartbeat | undefined> {
    const now = this.sources.clock();
    const signed = await this.sign(monthOf(now), now);
    return signed && this.outbox.enqueue(signed.payload, signed.jws, now);
  }

  /**
   * The month's usage as a signed heartbeat for an air-gapped cabinet to carry to the vendor
   * (`appliance usage export`). It takes the next sequence number, so it is counted once too.
   */
  async exportMonth(month: string): Promise<string> {
    const now = this.sources.clock();
    const signed = await this.sign(month, now);
    if (!signed) throw new DomainError('not_enrolled', 'this appliance is not enrolled: nothing to export');
    await this.outbox.recordExport(signed.payload);
    return signed.jws;
  }

  private async sign(month: string, now: Date): Promise<{ payload: HeartbeatPayload; jws: string } | undefined> {
    const { license } = this.sources;
    const applianceId = license.applianceId;
    const cabinetId = license.cabinetId;
    const key = await loadApplianceKey(this.sources.dataDir);
    if (!license.enrolled || !applianceId || !cabinetId || !key) return undefined;
    const usage = this.sources.usage.forMonth(month);
    const host = await probeHost(this.sources.dataDir);
    const status = license.status();
    const payload: HeartbeatPayload = {
      v: 1,
      iss: applianceId,
      sub: cabinetId,
      seq: this.outbox.nextSeq(),
      iat: Math.floor(now.getTime() / 1000),
      month,
      usage: {
        analysesUsed: usage.analysesUsed,
        analysesOverage: usage.analysesOverage,
        usersActive: this.sources.usersActive(),
        casesOpen: this.sources.casesOpen(),
        storageBytes: host.storageBytes,
      },
      health: {
        version: this.sources.version,
        uptimeSeconds: host.uptimeSeconds,
        cpuLoad: host.cpuLoad,
        memoryUsedRatio: host.memoryUsedRatio,
        diskFreeBytes: host.diskFreeBytes,
        diskFreeRatio: host.diskFreeRatio,
        lastBackupAt: await this.sources.lastBackupAt(),
        licenseExpiresAt: status.expiresAt ?? now.toISOString(),
        errors24h: this.sources.errors24h(),
      },
    };
    return { payload, jws: await signHeartbeat(payload, key.privateKey) };
  }

  /**
   * Sends queued heartbeats in order until those queued so far are sent or one fails. One pass at
   * a time: a call during a pass gets the next one, which starts after it and covers what was
   * queued meanwhile — so a caller waits for at most two passes of bounded length, however many
   * heartbeats others keep queueing (found by the fuzzer: "send now" requests waited 30 s and more).
   */
  drain(): Promise<DrainResult> {
    if (!this.draining) {
      this.draining = this.drainOnce().finally(() => (this.draining = undefined));
      return this.draining;
    }
    this.nextDrain ??= this.draining.then(
      () => {
        this.nextDrain = undefined;
        return this.drain();
      },
      () => {
        this.nextDrain = undefined;
        return this.drain();
      },
    );
    return this.nextDrain;
  }

  private async drainOnce(): Promise<DrainResult> {
    let delivered = 0;
    if (!this.outbox.peek()) return { delivered, queued: 0, error: null };
    const url = this.sources.controlPlaneUrl;
    if (!url) return { delivered, queued: this.outbox.state.queue.length, error: 'CONTROL_PLANE_URL is not set: heartbeats stay queued (export usage by hand for an air-gapped cabinet)' };
    this.passUntilSeq = this.outbox.state.queue.at(-1)?.seq ?? 0;
    for (let item = this.outbox.peek(); item && item.seq <= this.passUntilSeq; item = this.outbox.peek()) {
      const error = await this.send(url, item);
      if (error !== null) {
        await this.outbox.recordAttempt(this.sources.clock(), error);
        return { delivered, queued: this.outbox.state.queue.length, error };
      }
      delivered++;
    }
    return { delivered, queued: this.outbox.state.queue.length, error: null };
  }

  /** One delivery attempt; null when the control plane has counted this heartbeat. */
  private async send(url: string, item: QueuedHeartbeat): Promise<string | null> {
    const now = this.sources.clock();
    try {
      const body = await controlPlaneHttp
        .post(new URL('/v1/heartbeats', url), { body: item.jws, headers: { 'content-type': 'application/jose' }, timeout: { connect: 5_000, request: 15_000 }, retry: { limit: 0 } })
        .json();
      const reply = heartbeatResponseSchema.parse(body);
      await this.outbox.recordAttempt(now, null);
      await this.outbox.acknowledge(item.seq, now, reply);
      await this.sources.license.setHeartbeatInterval(reply.heartbeatIntervalSeconds);
      if (reply.license) await this.applyLicense(reply.license);
      return null;
    } catch (err) {
      if (err instanceof HTTPError) {
        const answer = parseError(String(err.response.body));
        // Already counted: an earlier attempt reached the control plane but its answer was lost.
        if (answer.error === 'replayed_sequence') {
          await this.outbox.acknowledge(item.seq, now, {});
          // Either an earlier attempt was counted and its answer lost, or this appliance is behind
          // the control plane (restored from a backup) and this heartbeat was never counted. The
          // two look alike, so number the next heartbeats after the last one accepted and, when
          // nothing else is queued, send the current figures again in a fresh one: at worst one
          // heartbeat too many, which the counters (cumulative for the month) make harmless.
          const accepted = answer.details?.lastSeq;
          if (typeof accepted === 'number') {
            await this.outbox.skipPast(accepted);
            if (this.outbox.state.queue.length === 0) {
              // Part of this pass: it stands for the heartbeat just found already counted.
              const fresh = await this.enqueue();
              if (fresh) this.passUntilSeq = Math.max(this.passUntilSeq, fresh.seq);
            }
          }
          return null;
        }
        return `the control plane refused heartbeat ${item.seq} (${err.response.statusCode} ${answer.error ?? ''}): ${answer.message ?? ''}`.trim();
      }
      if (err instanceof RequestError) return `cannot reach the control plane (${err.code})`;
      return `heartbeat ${item.seq} failed: ${(err as Error).message}`;
    }
  }

  private async applyLicense(jws: string): Promise<void> {
    try {
      await this.sources.license.install({ license: jws });
    } catch (err) {
      this.log.error({ code: (err as { code?: string }).code, message: (err as Error).message }, 'heartbeat: the license in the answer does not verify; keeping the current one');
    }
  }

  /** Queues one heartbeat and sends everything queued (`appliance heartbeat`, the admin page). */
  async beatNow(): Promise<DrainResult & { seq: number | null }> {
    const item = await this.enqueue();
    const result = await this.drain();
    return { ...result, seq: item?.seq ?? null };
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private nextBeatAt = 0;

  /**
   * A heartbeat is queued once per interval (±10 % jitter, so a fleet restarted together does not
   * beat in step); between beats, a failed delivery is retried with exponential backoff. Retries
   * only drain the outbox — they never add heartbeats, so an outage queues one per interval.
   */
  private async tick(): Promise<void> {
    const intervalMs = this.sources.license.heartbeatIntervalSeconds * 1000;
    let failed: boolean;
    try {
      if (Date.now() >= this.nextBeatAt) {
        await this.enqueue();
        this.nextBeatAt = Date.now() + Math.round(intervalMs * (0.9 + Math.random() * 0.2));
      }
      const result = await this.drain();
      failed = result.error !== null;
      if (failed) this.log.warn({ queued: result.queued, error: result.error }, 'heartbeat: not delivered, will retry');
    } catch (err) {
      failed = true;
      this.log.error({ err }, 'heartbeat: could not be prepared');
    }
    this.backoffMs = failed ? Math.min(MAX_BACKOFF_MS, Math.max(1_000, this.backoffMs * 2)) : 0;
    const untilBeat = Math.max(0, this.nextBeatAt - Date.now());
    this.schedule(failed ? Math.min(untilBeat, this.backoffMs) : untilBeat);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.nextDrain;
    await this.draining;
  }
}

function parseError(text: string): { error?: string; message?: string; details?: { lastSeq?: unknown } } {
  try {
    return JSON.parse(text) as { error?: string; message?: string; details?: { lastSeq?: unknown } };
  } catch {
    return {};
  }
}
