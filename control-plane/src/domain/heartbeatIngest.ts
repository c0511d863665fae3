/**
 * Heartbeat ingest (docs/protocol.md), durable and fast. An accepted heartbeat is applied to the
 * appliance's state in memory and appended to a group-commit journal in the same synchronous step
 * (so the sequence check and its record are atomic, and a checkpoint never splits them); the
 * caller is answered only once the journal is fsynced. Checkpoints write the changed appliance
 * files and drop the journal segments the checkpoint BEFORE them covered — one checkpoint late, so
 * that an appliance file damaged on disk and recovered from its last good copy (the version before
 * its last write) is brought up to date by the replay. Replay on start applies a record only if
 * its sequence is above the appliance's, so nothing is counted twice. Before it is recorded, what
 * a heartbeat claims is bounded (domain/usageBounds.ts): its month, and its counters against the
 * cabinet's limits and the month's counters already accepted.
 */
import path from 'node:path';
import { ProtocolError, verifyHeartbeat, type HeartbeatPayload, type PlanLimits } from '@iamanager/protocol';
import { Journal } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import type { ApplianceRecord } from '../storage/records.js';
import type { ApplianceRegistry } from './appliances.js';
import { admitHeartbeat, replayHeartbeat } from './heartbeatAdmission.js';

/**
 * One accepted heartbeat, as journaled: the signed JWS itself (the counters and health are in its
 * payload, so the journal line costs one copy of them), with the appliance and the receipt time.
 */
interface HeartbeatRecord {
  a: string;
  at: string;
  jws: string;
}

/** A checkpoint also runs after this many records, to bound the replay after a crash. */
const CHECKPOINT_EVERY_RECORDS = 20_000;

export interface IngestOptions {
  maxSkewSeconds: number;
  checkpointIntervalSeconds: number;
  /** The largest limits a cabinet has had (usageBounds.largestLimits): what its counters are bounded by. */
  cabinetLimits: (cabinetId: string) => PlanLimits;
}

export class HeartbeatIngest {
  private dirty = new Set<string>();
  private sinceCheckpoint = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The segment the previous checkpoint sealed: dropped by the next one, not by its own. */
  private previousSeal: number | undefined;

  private constructor(
    private readonly journal: Journal<HeartbeatRecord>,
    private readonly appliances: ApplianceRegistry,
    private readonly options: IngestOptions,
    private readonly log: Logger,
  ) {}

  /** Opens the journal, replays what the last checkpoint did not cover, and checkpoints it. */
  static async open(dataDir: string, appliances: ApplianceRegistry, options: IngestOptions, log: Logger): Promise<HeartbeatIngest> {
    const { journal, records } = await Journal.open<HeartbeatRecord>(path.join(dataDir, 'journal'), { log });
    const ingest = new HeartbeatIngest(journal, appliances, options, log);
    let replayed = 0;
    for (const hb of records) {
      const record = appliances.find(hb.a);
      if (!record || !replayHeartbeat(record, hb.at, hb.jws, options.maxSkewSeconds, log)) continue;
      ingest.dirty.add(record.id);
      replayed++;
    }
    if (records.length > 0) log.info({ records: records.length, replayed }, 'heartbeat journal replayed');
    await ingest.checkpoint(true);
    return ingest;
  }

  /**
   * Verifies and records a heartbeat; resolves once it is durable. Throws a `ProtocolError`
   * with the rejection code otherwise.
   */
  async accept(
    jws: string,
    now: Date,
    options: { usageReport?: boolean } = {},
  ): Promise<{ payload: HeartbeatPayload; appliance: ApplianceRecord }> {
    const { payload } = await verifyHeartbeat(jws, {
      findAppliance: (id) => this.appliances.known(id),
      now,
      maxSkewSeconds: this.options.maxSkewSeconds,
      // An air-gapped cabinet's usage report was signed days before the vendor uploads it.
      skipSkewCheck: options.usageReport === true,
    });
    const record = this.appliances.find(payload.iss);
    if (!record) throw new ProtocolError('unknown_appliance', `no appliance "${payload.iss}" is enrolled`);
    // Verification awaited: decide and record in this synchronous step — two copies of one
    // heartbeat racing in cannot both be counted.
    const limits = this.options.cabinetLimits(record.cabinetId);
    const hb: HeartbeatRecord = { a: record.id, at: now.toISOString(), jws };
    const undo = admitHeartbeat(record, payload, jws, now, { maxSkewSeconds: this.options.maxSkewSeconds, limits }, this.log);
    this.dirty.add(record.id);
    try {
      await this.journal.append(hb);
    } catch (err) {
      // Not durable, so not accepted: undo unless a later heartbeat has already moved on.
      undo();
      throw err;
    }
    if (++this.sinceCheckpoint >= CHECKPOINT_EVERY_RECORDS) this.checkpointInBackground();
    return { payload, appliance: record };
  }

  /** Checkpoints every `checkpointIntervalSeconds` until `close()`. */
  startCheckpoints(): void {
    this.timer = setInterval(() => this.checkpointInBackground(), this.options.checkpointIntervalSeconds * 1000);
    this.timer.unref();
  }

  private checkpointInBackground(): void {
    this.checkpoint().catch((err: unknown) => this.log.error({ err }, 'heartbeat checkpoint failed; the journal keeps every record'));
  }

  /**
   * Writes the appliance files changed since the last checkpoint, then drops the journal
   * segments they cover. Sealing and taking the dirty set happen in one synchronous step.
   */
  async checkpoint(force = false): Promise<void> {
    while (this.running) await this.running;
    if (this.dirty.size === 0 && !force) return;
    const run = (async () => {
      const sealed = this.journal.seal();
      const ids = [...this.dirty];
      this.dirty = new Set();
      this.sinceCheckpoint = 0;
      try {
        await Promise.all(ids.map((id) => this.appliances.save(id)));
      } catch (err) {
        for (const id of ids) this.dirty.add(id);
        throw err;
      }
      // An appliance file's last good copy holds at least everything journaled before the previous
      // seal (had it changed after, this checkpoint or the one before would have written it):
      // the segments since then are what recovery needs, and are kept until the next checkpoint.
      if (this.previousSeal !== undefined) await this.journal.dropSealed(this.previousSeal);
      this.previousSeal = sealed;
    })();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = undefined;
    }
  }

  /** Final checkpoint and journal close (on shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checkpoint();
    await this.journal.close();
  }
}
