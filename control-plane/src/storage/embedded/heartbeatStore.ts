/**
 * Heartbeats over today's files (DATA_DIR/journal and DATA_DIR/appliances), unchanged on disk: the
 * embedded side of `HeartbeatStore`. A heartbeat is decided on the appliance's record in memory and
 * appended to a group-commit journal in the same synchronous step (so the sequence check and its
 * record are atomic, and a checkpoint never splits them); `record` resolves only once the journal
 * is fsynced, and a failed append undoes the decision. Checkpoints write the changed appliance
 * files and drop the journal segments the checkpoint BEFORE them covered — one checkpoint late, so
 * that an appliance file damaged on disk and recovered from its last good copy (the version before
 * its last write) is brought up to date by the replay. Replay on open hands each journaled
 * heartbeat to the domain, which applies it only if its sequence is above the record's, so nothing
 * is counted twice. Declared structurally, so that storage/ does not import the domain.
 */
import path from 'node:path';
import { NotFoundError } from '@iamanager/protocol';
import { Journal } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../../errors.js';
import type { ApplianceRecord } from '../records.js';
import type { HeartbeatDecision, HeartbeatEntry, HeartbeatStore } from '../stores.js';

/**
 * One accepted heartbeat as journaled (the format existing DATA_DIRs hold): the signed JWS itself
 * (its counters and health are in its payload, so the line costs one copy of them), the appliance
 * and the receipt time. The sequence is the JWS's, read again on replay.
 */
interface JournaledHeartbeat {
  a: string;
  at: string;
  jws: string;
}

/** The appliance files this store reads and checkpoints (domain/appliances.ts's registry). */
export interface HeartbeatFiles {
  find(id: string): ApplianceRecord | undefined;
  save(id: string): Promise<void>;
}

/**
 * Applies a journaled heartbeat to its appliance's record on open, if its sequence is above the
 * record's (domain/heartbeatAdmission.ts `replayHeartbeat`); true when applied.
 */
export type ReplayHeartbeat = (record: ApplianceRecord, receivedAt: string, jws: string) => boolean;

/** A checkpoint also runs after this many records, to bound the replay after a crash. */
const CHECKPOINT_EVERY_RECORDS = 20_000;

export class EmbeddedHeartbeatStore implements HeartbeatStore {
  private dirty = new Set<string>();
  private sinceCheckpoint = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The segment the previous checkpoint sealed: dropped by the next one, not by its own. */
  private previousSeal: number | undefined;
  /** Heartbeats recorded per appliance since open, those the replay applied included (see `count`). */
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly journal: Journal<JournaledHeartbeat>,
    private readonly files: HeartbeatFiles,
    private readonly checkpointIntervalSeconds: number,
    private readonly log: Logger,
  ) {}

  /** Opens the journal, replays what the last checkpoint did not cover, and checkpoints it. */
  static async open(
    dataDir: string,
    files: HeartbeatFiles,
    replay: ReplayHeartbeat,
    options: { checkpointIntervalSeconds: number },
    log: Logger,
  ): Promise<EmbeddedHeartbeatStore> {
    const { journal, records } = await Journal.open<JournaledHeartbeat>(path.join(dataDir, 'journal'), { log });
    const store = new EmbeddedHeartbeatStore(journal, files, options.checkpointIntervalSeconds, log);
    let replayed = 0;
    for (const hb of records) {
      // An appliance whose file was quarantined: its records are skipped, like its heartbeats.
      const record = files.find(hb.a);
      if (!record || !replay(record, hb.at, hb.jws)) continue;
      store.dirty.add(record.id);
      store.counted(record.id);
      replayed++;
    }
    if (records.length > 0) log.info({ records: records.length, replayed }, 'heartbeat journal replayed');
    await store.checkpoint(true);
    return store;
  }

  /**
   * Applies the journal to the appliance records in memory and writes nothing back (`db import`,
   * which moves them elsewhere): no checkpoint, the appliance files and the journal's segments stay
   * as they were (opening the journal adds an empty segment, as every start does), so the DATA_DIR
   * still opens as before. Returns how many heartbeats were applied.
   */
  static async replayInto(dataDir: string, files: HeartbeatFiles, replay: ReplayHeartbeat, log: Logger): Promise<number> {
    const { journal, records } = await Journal.open<JournaledHeartbeat>(path.join(dataDir, 'journal'), { log });
    let replayed = 0;
    for (const hb of records) {
      const record = files.find(hb.a);
      if (record && replay(record, hb.at, hb.jws)) replayed++;
    }
    await journal.close();
    return replayed;
  }

  /**
   * Records a heartbeat (HeartbeatStore.record). The record resolved is the registry's own, not a
   * copy (a copy per heartbeat would cost the hot path): the caller reads it and changes nothing —
   * the reply's license renewal goes through ApplianceStore.update, which changes this same record
   * under the same synchronous step rule, so the file has one writer.
   */
  async record(entry: HeartbeatEntry, decide: HeartbeatDecision): Promise<ApplianceRecord> {
    // Up to the append, one synchronous step: nothing can come between the checks and the change.
    const record = this.files.find(entry.applianceId);
    if (!record) throw new NotFoundError('appliance', entry.applianceId);
    // The files' counterpart of PostgreSQL's key: a sequence at or below the last is counted already.
    if (entry.seq <= record.lastSeq) {
      throw new ControlPlaneError('replayed_sequence', `seq ${entry.seq} is not above the last accepted ${record.lastSeq}`, {
        lastSeq: record.lastSeq,
      });
    }
    const undo = decide(record);
    if (record.lastSeq !== entry.seq) {
      // The domain must move lastSeq to what it accepted, or the next heartbeat's check is wrong.
      undo?.();
      throw new Error(`heartbeat store: decide() left lastSeq at ${record.lastSeq}, not at the recorded seq ${entry.seq}`);
    }
    this.dirty.add(record.id);
    try {
      await this.journal.append({ a: record.id, at: entry.receivedAt, jws: entry.jws });
    } catch (err) {
      // Not durable, so not accepted: undo unless a later heartbeat has already moved on.
      undo?.();
      throw err;
    }
    this.counted(record.id);
    if (++this.sinceCheckpoint >= CHECKPOINT_EVERY_RECORDS) this.checkpointInBackground();
    return record;
  }

  /**
   * The files keep a heartbeat's effect (the sequence, the month's signed counters, the history),
   * not every heartbeat: this counts those recorded since the store was opened, the ones its
   * replay applied included — after a crash, exactly the acknowledged heartbeats no checkpoint
   * had written yet.
   */
  count(applianceId: string): Promise<number> {
    return Promise.resolve(this.counts.get(applianceId) ?? 0);
  }

  private counted(applianceId: string): void {
    this.counts.set(applianceId, (this.counts.get(applianceId) ?? 0) + 1);
  }

  /** Checkpoints every `checkpointIntervalSeconds` until `close()`. */
  startCheckpoints(): void {
    this.timer = setInterval(() => this.checkpointInBackground(), this.checkpointIntervalSeconds * 1000);
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
        await Promise.all(ids.map((id) => this.files.save(id)));
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
