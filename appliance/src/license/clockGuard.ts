/**
 * Detects a clock set back. The appliance remembers the latest time it has seen — in memory at
 * every reading, durably at most once a minute while it runs — and a clock earlier than that by
 * more than a few minutes is reported, while license checks use the remembered time instead: so
 * setting the clock back never revives an expired license, whether the appliance restarts or not.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/protocol/log';
import { openDocument, type Document } from '@iamanager/protocol/storage';

const TOLERANCE_MS = 5 * 60_000;
const PERSIST_EVERY_MS = 60_000;

const clockStateSchema = z.object({ latestSeenAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO time' }).nullable() });
type ClockState = z.infer<typeof clockStateSchema>;

export class ClockGuard {
  /** The latest time seen, in memory (ms since the epoch); the file lags it by up to a minute. */
  private latest: number;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly doc: Document<ClockState>,
    private readonly clock: () => Date,
  ) {
    this.latest = doc.data.latestSeenAt ? Date.parse(doc.data.latestSeenAt) : 0;
  }

  static async open(dataDir: string, clock: () => Date, log?: Logger): Promise<ClockGuard> {
    const doc = await openDocument<ClockState>(path.join(dataDir, 'clock.json'), { latestSeenAt: null }, { schema: clockStateSchema, log });
    const guard = new ClockGuard(doc, clock);
    await guard.observe();
    return guard;
  }

  /** Reads the clock and raises the in-memory mark. */
  private read(): number {
    const real = this.clock().getTime();
    if (real > this.latest) this.latest = real;
    return real;
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

  /** Makes the mark durable, when it has moved forward by a minute or more since last written. */
  async observe(): Promise<void> {
    this.read();
    const written = this.doc.data.latestSeenAt ? Date.parse(this.doc.data.latestSeenAt) : 0;
    if (this.latest - written < PERSIST_EVERY_MS) return;
    this.doc.data.latestSeenAt = new Date(this.latest).toISOString();
    await this.doc.write();
  }

  /** Writes the mark every minute while the appliance runs (a full disk is retried next minute). */
  start(onError: (err: unknown) => void): void {
    this.timer = setInterval(() => this.observe().catch(onError), PERSIST_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.observe();
  }
}
