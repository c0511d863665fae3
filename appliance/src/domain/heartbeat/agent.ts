/**
 * The heartbeat agent: one heartbeat right after start and right after an enrollment, then one
 * per interval (with jitter, so a fleet restarted together does not beat in step). Each is signed and put in the outbox first,
 * then the outbox is drained in order; failures back off exponentially and never block the
 * lawyers — the appliance stays fully usable while the control plane is away.
 *
 * `iat` is the time a heartbeat is sent, as the control plane checks it against its own clock: a
 * heartbeat that waited in the outbox is signed again when it goes, with the same `seq`, `month`
 * and counters. The schedule runs on the monotonic clock, so setting the system clock back or
 * forward neither stops the heartbeats nor fires a burst of them.
 */
import type * as ControlPlaneHttp from '../../controlPlaneHttp.js';
import {
  CURRENT_HEARTBEAT_VERSION,
  heartbeatPayloadSchema,
  heartbeatResponseSchema,
  signHeartbeat,
  type AuditAnchor,
  type HeartbeatPayload,
} from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { loadApplianceKey } from '../enrollment/applianceKey.js';
import type { LicenseStore } from '../license/licenseStore.js';
import type { UsageCounters } from '../usage/usageCounters.js';
import { probeHost } from './healthProbe.js';
import type { HeartbeatOutbox, QueuedHeartbeat } from '../../storage/outbox.js';
import { ApplianceError } from '../../errors.js';
import { decodeJwt } from 'jose';

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
  /** The newest successful off-site copy (absent where no off-site copies are wired, e.g. some tests). */
  lastOffsiteBackupAt?: () => string | null;
  errors24h: () => number;
  /** Where the audit chain stands (its head hash and length): the control plane keeps it as an anchor. */
  auditHead: () => AuditAnchor;
}

export interface DrainResult {
  delivered: number;
  queued: number;
  error: string | null;
}

const MAX_BACKOFF_MS = 15 * 60_000;

/**
 * Refusals of what a heartbeat says, which no retry changes: a month the control plane no longer
 * takes (after an outage of over a month) and counters it finds implausible (below those it
 * accepted for the month, after a restore). The heartbeat is dropped; those after it still go.
 */
const REFUSED_FOR_GOOD: ReadonlySet<string> = new Set(['month_out_of_range', 'implausible_usage']);

export class HeartbeatAgent {
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 0;
  private draining: Promise<DrainResult> | undefined;
  private nextDrain: Promise<DrainResult> | undefined;
  /** The last sequence number the pass under way sends (what was queued when it began). */
  private passUntilSeq = 0;
  private stopped = true;
  /** Heartbeats are signed one at a time: each takes the next sequence number only once the one before is queued. */
  private signing: Promise<unknown> = Promise.resolve();
  /** Aborts a delivery in flight on stop, so a control plane that hangs does not hold up a shutdown. */
  private inFlight = new AbortController();

  constructor(
    private readonly outbox: HeartbeatOutbox,
    private readonly sources: HeartbeatSources,
    private readonly log: Logger,
  ) {}

  /**
   * A new enrollment is a new appliance id: its outbox starts again, and the control plane hears
   * from it now rather than an interval later — until then the fleet can only say "pending".
   */
  async resetForNewEnrollment(applianceId: string): Promise<void> {
    await this.outbox.reset(applianceId);
    this.beatSoon();
  }

  /** Builds, signs and queues a heartbeat with the counters as they are now. */
  async enqueue(): Promise<QueuedHeartbeat | undefined> {
    const queued = await this.oneAtATime(async () => {
      const now = this.sources.clock();
      const signed = await this.sign(this.sources.usage.currentMonth(), now);
      return signed && this.outbox.enqueue(signed.payload, signed.jws, now);
    });
    // Waited for outside the one-at-a-time section: heartbeats queued together share one write.
    await queued?.saved;
    return queued?.item;
  }

  /** Runs `task` after every signing before it: two heartbeats never take the same `seq`. */
  private oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = this.signing.then(task, task);
    this.signing = run.catch(() => undefined);
    return run;
  }

  /**
   * The month's usage as a signed heartbeat for an air-gapped cabinet to carry to the vendor
   * (`appliance usage export`). It takes the next sequence number, so it is counted once too.
   */
  exportMonth(month: string): Promise<string> {
    return this.oneAtATime(async () => {
      const now = this.sources.clock();
      const signed = await this.sign(month, now);
      if (!signed) throw new ApplianceError('not_enrolled', 'this appliance is not enrolled: nothing to export');
      await this.outbox.recordExport(signed.payload);
      return signed.jws;
    });
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
    const licenseId = license.licenseId;
    if (!licenseId) return undefined;
    const payload: HeartbeatPayload = {
      v: CURRENT_HEARTBEAT_VERSION,
      iss: applianceId,
      sub: cabinetId,
      seq: this.outbox.nextSeq(),
      iat: Math.floor(now.getTime() / 1000),
      month,
      licenseId,
      audit: this.sources.auditHead(),
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
        // The newest successful push to an off-site target (docs/backup.md « Copies hors site »).
        lastOffsiteBackupAt: this.sources.lastOffsiteBackupAt?.() ?? null,
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
    const again = (): Promise<DrainResult> => {
      this.nextDrain = undefined;
      return this.drain();
    };
    this.nextDrain ??= this.draining.then(again, again);
    return this.nextDrain;
  }

  private async drainOnce(): Promise<DrainResult> {
    let delivered = 0;
    if (!this.outbox.peek()) return { delivered, queued: 0, error: null };
    const url = this.sources.controlPlaneUrl;
    if (!url)
      return {
        delivered,
        queued: this.outbox.state.queue.length,
        error: 'CONTROL_PLANE_URL is not set: heartbeats stay queued (export usage by hand for an air-gapped cabinet)',
      };
    // got is loaded on the first delivery, after the server listens: restarts stay quick.
    const http = await import('../../controlPlaneHttp.js');
    // Acknowledgements are not awaited one by one: the outbox folds those that arrive while a
    // write is in flight into the next one, so draining a week of heartbeats costs a handful of
    // rewrites of the file, not one each. A crash before they are written only re-sends
    // heartbeats the control plane answers `replayed_sequence`, which count as delivered.
    let saved: Promise<void> = Promise.resolve();
    // Read from disk once a pass, not once a heartbeat: a week's backlog is re-signed as it goes.
    let key: ReturnType<typeof loadApplianceKey> | undefined;
    const signingKey = () => (key ??= loadApplianceKey(this.sources.dataDir));
    this.passUntilSeq = this.outbox.state.queue.at(-1)?.seq ?? 0;
    try {
      for (let item = this.outbox.peek(); item && item.seq <= this.passUntilSeq; item = this.outbox.peek()) {
        const sent = await this.send(http, url, item, signingKey);
        if (typeof sent === 'string') {
          await this.outbox.recordAttempt(this.sources.clock(), sent);
          return { delivered, queued: this.outbox.state.queue.length, error: sent };
        }
        saved = sent.saved;
        saved.catch(() => undefined); // only the last is awaited (below): it covers the earlier ones
        if (!sent.discarded) delivered++;
      }
    } finally {
      await saved;
    }
    return { delivered, queued: this.outbox.state.queue.length, error: null };
  }

  /**
   * One delivery attempt. On success the heartbeat leaves the outbox at once (in memory) and
   * `saved` resolves when that is written; refused for good, it leaves likewise, `discarded`; on
   * any other failure, the reason.
   */
  private async send(
    http: typeof ControlPlaneHttp,
    url: string,
    item: QueuedHeartbeat,
    signingKey: () => ReturnType<typeof loadApplianceKey>,
  ): Promise<{ saved: Promise<void>; discarded?: true } | string> {
    const now = this.sources.clock();
    try {
      const body = await http.controlPlaneHttp
        .post(new URL('/v1/heartbeats', url), {
          body: await this.signedForSending(item, now, signingKey),
          headers: { 'content-type': 'application/jose' },
          timeout: { connect: 5_000, request: 15_000 },
          retry: { limit: 0 },
          signal: this.inFlight.signal,
        })
        .json();
      const reply = heartbeatResponseSchema.parse(body);
      const saved = this.outbox.acknowledge(item.seq, now, reply);
      saved.catch(() => undefined); // the caller awaits it; this only keeps a failure before then from going unhandled
      await this.sources.license.setHeartbeatInterval(reply.heartbeatIntervalSeconds);
      if (reply.license) await this.applyLicense(reply.license, http, url);
      if (reply.receipt) await this.applyReceipt(reply.receipt);
      return { saved };
    } catch (err) {
      if (err instanceof http.HTTPError) {
        const answer = http.controlPlaneAnswer(err.response.body);
        // Already counted: an earlier attempt reached the control plane but its answer was lost.
        if (answer.error === 'replayed_sequence') {
          const saved = this.outbox.acknowledge(item.seq, now, {});
          saved.catch(() => undefined);
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
          return { saved };
        }
        const refusal =
          `the control plane refused heartbeat ${item.seq} (${err.response.statusCode} ${answer.error ?? ''}): ${answer.message ?? ''}`.trim();
        if (answer.error !== undefined && REFUSED_FOR_GOOD.has(answer.error)) {
          this.log.warn(
            { seq: item.seq, month: item.month, code: answer.error },
            'heartbeat: refused for what it says, dropped so those queued after it can go',
          );
          const saved = this.outbox.discard(item.seq, now, refusal);
          saved.catch(() => undefined);
          return { saved, discarded: true };
        }
        return refusal;
      }
      if (err instanceof http.RequestError) return `cannot reach the control plane (${err.code})`;
      return `heartbeat ${item.seq} failed: ${(err as Error).message}`;
    }
  }

  /**
   * The queued heartbeat, signed again if it was signed at another second than now: the control
   * plane judges `iat` against its own clock (`clock_skew`), and one that waited out an outage must
   * still be accepted. Sequence number, month, counters and audit head are those it was queued
   * with; `licenseId`, like `iat`, is what holds when it is sent — the license the answer to an
   * earlier heartbeat of the backlog installed, not the one it replaced (the control plane would
   * take a backlog still naming the old one for an appliance refusing its license).
   */
  private async signedForSending(item: QueuedHeartbeat, now: Date, signingKey: () => ReturnType<typeof loadApplianceKey>): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    const queued = heartbeatPayloadSchema.parse(decodeJwt(item.jws));
    const licenseId = this.sources.license.licenseId;
    if (queued.iat === iat && (queued.v !== 2 || !licenseId || queued.licenseId === licenseId)) return item.jws;
    const payload: HeartbeatPayload = queued.v === 2 && licenseId ? { ...queued, licenseId, iat } : { ...queued, iat };
    const key = await signingKey();
    if (!key) throw new ApplianceError('not_enrolled', 'the appliance key is missing: enroll again');
    return signHeartbeat(payload, key.privateKey);
  }

  private async applyLicense(jws: string, http: typeof ControlPlaneHttp, url: string): Promise<void> {
    const { license } = this.sources;
    if (jws === license.licenseJws) return; // the answer to each heartbeat of a backlog carries it
    const published = async () =>
      http.fetchVendorKeys(url, { timeout: { connect: 5_000, request: 15_000 }, retry: { limit: 0 }, signal: this.inFlight.signal });
    // From the control plane: it replaces the license installed even if that one is newer (see install).
    try {
      // Signed by a key not held yet (the vendor rotated): with pins, learn the published keys.
      if (license.vendorKeysPinned && !license.holdsKeyFor(jws))
        await license.installWithPublishedKeys(jws, await published(), { fromControlPlane: true });
      else {
        try {
          await license.install({ license: jws, fromControlPlane: true });
        } catch (err) {
          // The key held under that kid is not the vendor's (license.json rewritten): with pins, the
          // published keys decide — only a pinned key is ever used.
          if (!license.vendorKeysPinned || (err as { code?: string }).code !== 'bad_signature') throw err;
          await license.installWithPublishedKeys(jws, await published(), { fromControlPlane: true });
        }
      }
    } catch (err) {
      this.log.error(
        { code: (err as { code?: string }).code, message: (err as Error).message },
        'heartbeat: the license in the answer does not verify; keeping the current one',
      );
    }
  }

  /** The control plane's signed time becomes the clock floor (license/licenseStore.ts). */
  private async applyReceipt(jws: string): Promise<void> {
    try {
      await this.sources.license.acceptReceipt(jws);
    } catch (err) {
      this.log.error(
        { code: (err as { code?: string }).code, message: (err as Error).message },
        'heartbeat: the receipt in the answer does not verify; its time is not used',
      );
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
    this.inFlight = new AbortController();
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private nextBeatAt = 0;
  private ticking = false;
  private wakeRequested = false;

  /** The next tick queues a heartbeat at once (one chain of ticks: a tick under way takes the wake-up with it). */
  private beatSoon(): void {
    this.nextBeatAt = 0;
    if (this.stopped) return;
    if (this.ticking) {
      this.wakeRequested = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  /**
   * A heartbeat is queued once per interval (±10 % jitter, so a fleet restarted together does not
   * beat in step); between beats, a failed delivery is retried with exponential backoff. Retries
   * only drain the outbox — they never add heartbeats, so an outage queues one per interval.
   */
  private async tick(): Promise<void> {
    this.ticking = true;
    this.wakeRequested = false;
    const intervalMs = this.sources.license.heartbeatIntervalSeconds * 1000;
    let failed: boolean;
    try {
      if (performance.now() >= this.nextBeatAt) {
        // Set before the heartbeat is queued: an enrollment meanwhile (beatSoon) resets it.
        this.nextBeatAt = performance.now() + Math.round(intervalMs * (0.9 + Math.random() * 0.2));
        await this.enqueue().catch((err: unknown) => {
          this.nextBeatAt = 0; // not queued: try again after the backoff, not an interval later
          throw err;
        });
      }
      const result = await this.drain();
      failed = result.error !== null;
      if (failed) this.log.warn({ queued: result.queued, error: result.error }, 'heartbeat: not delivered, will retry');
    } catch (err) {
      failed = true;
      this.log.error({ err }, 'heartbeat: could not be prepared');
    }
    this.backoffMs = failed ? Math.min(MAX_BACKOFF_MS, Math.max(1_000, this.backoffMs * 2)) : 0;
    this.ticking = false;
    if (this.wakeRequested) return this.schedule(0);
    const untilBeat = Math.max(0, this.nextBeatAt - performance.now());
    this.schedule(failed ? Math.min(untilBeat, this.backoffMs) : untilBeat);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.inFlight.abort();
    await this.draining;
    await this.nextDrain;
  }
}
