/**
 * Detects a clock set back. The appliance remembers the latest time it has seen — in memory at
 * every reading, durably at most once a minute (at start, whenever someone uses it, and at stop);
 * a clock earlier than that by more than a few minutes is reported, and license checks use the
 * remembered time instead — so setting the clock back never revives an expired license, whether
 * the appliance restarts or not. Emptying clock.json does not help either: times the appliance
 * holds elsewhere raise the same mark (the newest audit entry, the license's issue time, signed
 * by the vendor).
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const TOLERANCE_MS = 5 * 60_000;
const PERSIST_EVERY_MS = 60_000;

const clockStateSchema = z.object({
  latestSeenAt: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO time' })
    .nullable(),
});
type ClockState = z.infer<typeof clockStateSchema>;

export class ClockGuard {
  /** The latest time known to have passed (ms): read clocks, clock.json and other records raise it; the file lags by up to a minute. */
  private latest: number;
  /** The mark last written, or last tried: a write the disk refused is tried again a minute later, not at every request. */
  private attempted: number;
  private writing = false;

  private constructor(
    private readonly doc: Document<ClockState>,
    private readonly clock: () => Date,
  ) {
    this.latest = doc.data.latestSeenAt ? Date.parse(doc.data.latestSeenAt) : 0;
    this.attempted = this.latest;
  }

  static async open(dataDir: string, clock: () => Date, log?: Logger): Promise<ClockGuard> {
    const doc = await openDocument<ClockState>(path.join(dataDir, 'clock.json'), { latestSeenAt: null }, { schema: clockStateSchema, log });
    const guard = new ClockGuard(doc, clock);
    await guard.observe();
    return guard;
  }

  /** Reads the clock and raises the mark. */
  private read(): number {
    const real = this.clock().getTime();
    if (real > this.latest) this.latest = real;
    return real;
  }

  /** A time the appliance's own records prove has passed (an audit entry, a license's issue time). */
  raiseFloor(at: Date): void {
    if (at.getTime() > this.latest) this.latest = at.getTime();
  }

  /** True when the system clock is behind a time this appliance already saw. */
  get setBack(): boolean {
    return this.read() < this.latest - TOLERANCE_MS;
  }

  /** The time to judge licenses by: never earlier than the latest time already seen. */
  now(): Date {
    this.read();
    return new Date(this.latest);
  }

  latestSeenAt(): string | null {
    return this.latest > 0 ? new Date(this.latest).toISOString() : null;
  }

  /**
   * Makes the mark durable when it has moved forward by a minute or more since last written: at
   * start, on each request from a logged-in user, and at stop (a timer would also write while
   * nobody uses the appliance).
   */
  async observe(): Promise<void> {
    this.read();
    if (this.latest - this.attempted < PERSIST_EVERY_MS || this.writing) return;
    this.attempted = this.latest;
    this.writing = true;
    try {
      this.doc.data.latestSeenAt = new Date(this.latest).toISOString();
      await this.doc.write();
    } finally {
      this.writing = false;
    }
  }

  /** Writes the mark one last time (on shutdown). */
  async stop(): Promise<void> {
    await this.observe();
  }
}
