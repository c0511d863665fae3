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
import { ProtocolError, heartbeatPayloadSchema, verifyHeartbeat, type HeartbeatPayload, type PlanLimits } from '@iamanager/protocol';
import { Journal } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import type { ApplianceRecord } from '../storage/records.js';
import { recordInHistory } from './applianceHistory.js';
import type { ApplianceRegistry } from './appliances.js';
import { judgeHeartbeat } from './licenseConformity.js';
import { acceptedMonths, checkMonth, checkUsage, pruneMonths, type UsageRefusal } from './usageBounds.js';
import { decodeJwt } from 'jose';

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

/**
 * Applies an accepted heartbeat to the record in memory (on accept and on replay alike, so the
 * history rings rebuild from the journal after a crash), keeping only the months `newestMonth`
 * allows (usageBounds.pruneMonths). Returns an undo for a failed append.
 */
function apply(record: ApplianceRecord, payload: HeartbeatPayload, hb: HeartbeatRecord, newestMonth: string): () => void {
  const before = {
    lastSeq: record.lastSeq,
    lastHeartbeatAt: record.lastHeartbeatAt,
    health: record.health,
    previousErrors24h: record.previousErrors24h,
    month: record.months[payload.month],
  };
  record.lastSeq = payload.seq;
  record.lastHeartbeatAt = hb.at;
  record.previousErrors24h = record.health?.errors24h ?? null;
  record.health = payload.health;
  const month = record.months[payload.month];
  if (!month || month.seq < payload.seq)
    record.months[payload.month] = { seq: payload.seq, usage: payload.usage, receivedAt: hb.at, jws: hb.jws };
  const pruned = pruneMonths(record.months, newestMonth);
  const undoHistory = recordInHistory(record.history, payload);
  const undoJudgement = judgeHeartbeat(record, payload, hb.at);
  return () => {
    // Only while no later heartbeat has moved the record on.
    if (record.lastSeq !== payload.seq) return;
    undoJudgement();
    undoHistory();
    record.lastSeq = before.lastSeq;
    record.lastHeartbeatAt = before.lastHeartbeatAt;
    record.health = before.health;
    record.previousErrors24h = before.previousErrors24h;
    Object.assign(record.months, pruned);
    if (before.month) record.months[payload.month] = before.month;
    else delete record.months[payload.month];
  };
}

/** The payload of a journaled heartbeat (verified before it was journaled), or undefined if damaged. */
function journaledPayload(hb: HeartbeatRecord): HeartbeatPayload | undefined {
  try {
    const parsed = heartbeatPayloadSchema.safeParse(decodeJwt(hb.jws));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface IngestOptions {
  maxSkewSeconds: number;
  checkpointIntervalSeconds: number;
  /** The largest limits a cabinet has had (usageBounds.largestLimits): what its counters are bounded by. */
  cabinetLimits: (cabinetId: string) => PlanLimits | Promise<PlanLimits>;
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
      const payload = record && journaledPayload(hb);
      if (!record || !payload || payload.seq <= record.lastSeq) {
        if (record && !payload) log.error({ applianceId: hb.a }, 'heartbeat journal: skipped a record whose payload does not parse');
        continue;
      }
      // Accepted once, so not checked again; only the months kept follow the receipt time.
      apply(record, payload, hb, acceptedMonths(new Date(hb.at), options.maxSkewSeconds).newest);
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
    // Read from the cabinet store before the synchronous step below (an appliance's cabinet never changes).
    const limits = await this.options.cabinetLimits(record.cabinetId);
    // Verification awaited: re-check what may have changed meanwhile, then record, all in this
    // synchronous step — two copies of one heartbeat racing in cannot both be counted.
    if (record.revokedAt) throw new ProtocolError('revoked_appliance', 'this appliance key was revoked (the cabinet re-enrolled)');
    if (payload.seq <= record.lastSeq) {
      throw new ProtocolError('replayed_sequence', `seq ${payload.seq} is not above the last accepted ${record.lastSeq}`, {
        lastSeq: record.lastSeq,
      });
    }
    // Signed by the appliance, but its owner holds that key: bound what it claims before it counts.
    try {
      checkMonth(payload.month, now, this.options.maxSkewSeconds);
      checkUsage(payload.usage, limits, record.months[payload.month], payload.month);
    } catch (err) {
      // `/metrics` counts refusals by reason only: the log tells the vendor which cabinet.
      this.log.warn(
        {
          applianceId: record.id,
          cabinetId: record.cabinetId,
          seq: payload.seq,
          code: (err as UsageRefusal).code,
          reason: (err as Error).message,
        },
        'heartbeat refused for what it claims',
      );
      throw err;
    }
    const hb: HeartbeatRecord = { a: record.id, at: now.toISOString(), jws };
    const undo = apply(record, payload, hb, acceptedMonths(now, this.options.maxSkewSeconds).newest);
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
