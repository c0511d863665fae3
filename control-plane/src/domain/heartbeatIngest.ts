/**
 * Heartbeat ingest (SPEC "Heartbeat"), durable and fast. An accepted heartbeat is applied to the
 * appliance's state in memory and appended to a group-commit journal in the same synchronous step
 * (so the sequence check and its record are atomic, and a checkpoint never splits them); the
 * caller is answered only once the journal is fsynced. Checkpoints write the changed appliance
 * files and drop the journal segments they cover. Replay on start applies a record only if its
 * sequence is above the appliance's, so nothing is counted twice.
 */
import path from 'node:path';
import { ProtocolError, verifyHeartbeat, type HeartbeatHealth, type HeartbeatPayload, type HeartbeatUsage } from '@iamanager/protocol';
import { Journal } from '@iamanager/protocol/storage';
import type { Logger } from '@iamanager/protocol/log';
import type { ApplianceRecord } from '../storage/records.js';
import type { ApplianceRegistry } from './appliances.js';

/** One accepted heartbeat, as journaled (short keys: the journal is the hot write path). */
interface HeartbeatRecord {
  a: string;
  seq: number;
  month: string;
  usage: HeartbeatUsage;
  health: HeartbeatHealth;
  jws: string;
  at: string;
}

/** A checkpoint also runs after this many records, to bound the replay after a crash. */
const CHECKPOINT_EVERY_RECORDS = 20_000;

function apply(record: ApplianceRecord, hb: HeartbeatRecord): void {
  record.lastSeq = hb.seq;
  record.lastHeartbeatAt = hb.at;
  record.health = hb.health;
  const month = record.months[hb.month];
  if (!month || month.seq < hb.seq) record.months[hb.month] = { seq: hb.seq, usage: hb.usage, receivedAt: hb.at, jws: hb.jws };
}

export interface IngestOptions {
  maxSkewSeconds: number;
  checkpointIntervalSeconds: number;
}

export class HeartbeatIngest {
  private dirty = new Set<string>();
  private sinceCheckpoint = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

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
      if (!record || hb.seq <= record.lastSeq) continue;
      apply(record, hb);
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
  async accept(jws: string, now: Date): Promise<{ payload: HeartbeatPayload; appliance: ApplianceRecord }> {
    const { payload } = await verifyHeartbeat(jws, {
      findAppliance: (id) => this.appliances.known(id),
      now,
      maxSkewSeconds: this.options.maxSkewSeconds,
    });
    const record = this.appliances.find(payload.iss);
    if (!record) throw new ProtocolError('unknown_appliance', `no appliance "${payload.iss}" is enrolled`);
    // Verification awaited: re-check what may have changed meanwhile, then record, all in this
    // synchronous step — two copies of one heartbeat racing in cannot both be counted.
    if (record.revokedAt) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');
    if (payload.seq <= record.lastSeq) {
      throw new ProtocolError('replayed_sequence', `seq ${payload.seq} is not above the last accepted ${record.lastSeq}`, { lastSeq: record.lastSeq });
    }
    const hb: HeartbeatRecord = { a: record.id, seq: payload.seq, month: payload.month, usage: payload.usage, health: payload.health, jws, at: now.toISOString() };
    const before = { lastSeq: record.lastSeq, lastHeartbeatAt: record.lastHeartbeatAt, health: record.health, month: record.months[hb.month] };
    apply(record, hb);
    this.dirty.add(record.id);
    try {
      await this.journal.append(hb);
    } catch (err) {
      // Not durable, so not accepted: undo unless a later heartbeat has already moved on.
      if (record.lastSeq === hb.seq) {
        record.lastSeq = before.lastSeq;
        record.lastHeartbeatAt = before.lastHeartbeatAt;
        record.health = before.health;
        if (before.month) record.months[hb.month] = before.month;
        else delete record.months[hb.month];
      }
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
      await this.journal.dropSealed(sealed);
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
