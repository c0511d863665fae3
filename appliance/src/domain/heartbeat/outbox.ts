/**
 * The heartbeat outbox: every heartbeat is signed and written here durably BEFORE it is sent, and
 * leaves only once the control plane has acknowledged it — so none is lost across restarts and
 * outages, and since the control plane counts each (appliance, seq) once, none is counted twice.
 * It also keeps what the cabinet's admin may inspect: last sent, last acknowledged, queued, and the
 * exact payload of the last heartbeat.
 */
import path from 'node:path';
import { z } from 'zod';
import type { HeartbeatPayload } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

/** A week of outage at the default 15-minute interval, with room to spare. */
const MAX_QUEUED = 2000;

const queuedSchema = z.object({ seq: z.number().int(), month: z.string(), jws: z.string(), createdAt: z.string() });
export type QueuedHeartbeat = z.infer<typeof queuedSchema>;

const outboxSchema = z.object({
  applianceId: z.string().nullable(),
  lastSeq: z.number().int().min(0),
  queue: z.array(queuedSchema),
  lastSentAt: z.string().nullable(),
  lastAckAt: z.string().nullable(),
  lastAckSeq: z.number().int().min(0),
  lastError: z.string().nullable(),
  lastPayload: z.unknown().nullable(),
  latestVersion: z.string().nullable(),
  latestVersionNotes: z.string().nullable(),
});
export type OutboxState = z.infer<typeof outboxSchema>;

/** A fresh state each time: lowdb keeps the defaults object itself as the data, and the queue is pushed to in place. */
const empty = (): OutboxState => ({
  applianceId: null,
  lastSeq: 0,
  queue: [],
  lastSentAt: null,
  lastAckAt: null,
  lastAckSeq: 0,
  lastError: null,
  lastPayload: null,
  latestVersion: null,
  latestVersionNotes: null,
});

export class HeartbeatOutbox {
  private constructor(
    readonly doc: Document<OutboxState>,
    private readonly log: Logger,
  ) {}

  static async open(dataDir: string, log: Logger): Promise<HeartbeatOutbox> {
    return new HeartbeatOutbox(
      await openDocument<OutboxState>(path.join(dataDir, 'heartbeat-outbox.json'), empty(), { schema: outboxSchema, log }),
      log,
    );
  }

  get state(): Readonly<OutboxState> {
    return this.doc.data;
  }

  nextSeq(): number {
    return this.doc.data.lastSeq + 1;
  }

  /**
   * Queues a signed heartbeat: in memory at once (the next one then takes the next `seq`), durably
   * once `saved` resolves — heartbeats queued together share a write. Over the cap, older
   * heartbeats of a month that has a newer one go first (counters are cumulative, so the newest
   * carries them).
   */
  enqueue(payload: HeartbeatPayload, jws: string, now: Date): { item: QueuedHeartbeat; saved: Promise<void> } {
    const d = this.doc.data;
    const item = { seq: payload.seq, month: payload.month, jws, createdAt: now.toISOString() };
    d.lastSeq = payload.seq;
    d.queue.push(item);
    d.lastPayload = payload;
    while (d.queue.length > MAX_QUEUED) {
      const superseded = d.queue.findIndex((q, i) => d.queue.slice(i + 1).some((later) => later.month === q.month));
      d.queue.splice(superseded >= 0 ? superseded : 0, 1);
    }
    return { item, saved: this.doc.write() };
  }

  /** An exported heartbeat takes a sequence number but is carried by hand, not queued. */
  async recordExport(payload: HeartbeatPayload): Promise<void> {
    this.doc.data.lastSeq = payload.seq;
    this.doc.data.lastPayload = payload;
    await this.doc.write();
  }

  peek(): QueuedHeartbeat | undefined {
    return this.doc.data.queue[0];
  }

  /** Takes a delivered heartbeat out of the queue: in memory at once, on disk when the returned promise resolves. */
  async acknowledge(seq: number, now: Date, reply: { latestVersion?: string; latestVersionNotes?: string }): Promise<void> {
    const d = this.doc.data;
    d.queue = d.queue.filter((q) => q.seq !== seq);
    d.lastSentAt = now.toISOString();
    d.lastAckAt = now.toISOString();
    d.lastAckSeq = Math.max(d.lastAckSeq, seq);
    d.lastError = null;
    if (reply.latestVersion) d.latestVersion = reply.latestVersion;
    if (reply.latestVersionNotes !== undefined) d.latestVersionNotes = reply.latestVersionNotes;
    await this.doc.write();
  }

  /** Numbers the next heartbeat after `seq` when the control plane has already seen that far (after a restore). */
  async skipPast(seq: number): Promise<void> {
    if (!Number.isSafeInteger(seq) || seq <= this.doc.data.lastSeq) return;
    this.doc.data.lastSeq = seq;
    await this.doc.write();
  }

  /**
   * Takes out a heartbeat the control plane refused for what it says (its month or its counters):
   * sent again it would be refused again, and it would hold back every heartbeat queued after it.
   * The refusal stays as `lastError`, for the cabinet's admin to see.
   */
  async discard(seq: number, now: Date, error: string): Promise<void> {
    const d = this.doc.data;
    d.queue = d.queue.filter((q) => q.seq !== seq);
    d.lastSentAt = now.toISOString();
    d.lastError = error;
    await this.doc.write();
  }

  async recordAttempt(now: Date, error: string | null): Promise<void> {
    this.doc.data.lastSentAt = now.toISOString();
    if (error !== null) this.doc.data.lastError = error;
    await this.doc.write();
  }

  /** A new enrollment is a new appliance id: its sequence starts again, and heartbeats signed with the old key can never be delivered. */
  async reset(applianceId: string): Promise<void> {
    if (this.doc.data.queue.length > 0)
      this.log.warn({ dropped: this.doc.data.queue.length }, 'heartbeat: new enrollment, dropping heartbeats signed with the previous key');
    this.doc.data = { ...empty(), applianceId };
    await this.doc.write();
  }
}
