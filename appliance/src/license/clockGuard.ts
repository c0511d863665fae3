/**
 * Detects a clock set back. The appliance remembers the latest time it has seen (durably, at most
 * once a minute); a clock earlier than that by more than a few minutes is reported, and license
 * checks use the remembered time instead — so setting the clock back never revives an expired
 * license.
 */
import path from 'node:path';
import { openDocument, type Document } from '@iamanager/protocol/storage';

const TOLERANCE_MS = 5 * 60_000;
const PERSIST_EVERY_MS = 60_000;

interface ClockState {
  latestSeenAt: string | null;
}

export class ClockGuard {
  private constructor(
    private readonly doc: Document<ClockState>,
    private readonly clock: () => Date,
  ) {}

  static async open(dataDir: string, clock: () => Date): Promise<ClockGuard> {
    const doc = await openDocument<ClockState>(path.join(dataDir, 'clock.json'), { latestSeenAt: null });
    const guard = new ClockGuard(doc, clock);
    await guard.observe();
    return guard;
  }

  /** True when the system clock is behind a time this appliance already saw. */
  get setBack(): boolean {
    const seen = this.doc.data.latestSeenAt;
    return seen !== null && this.clock().getTime() < Date.parse(seen) - TOLERANCE_MS;
  }

  /** The time to judge licenses by: never earlier than the latest time already seen. */
  now(): Date {
    const real = this.clock();
    const seen = this.doc.data.latestSeenAt ? Date.parse(this.doc.data.latestSeenAt) : 0;
    return real.getTime() >= seen ? real : new Date(seen);
  }

  latestSeenAt(): string | null {
    return this.doc.data.latestSeenAt;
  }

  /** Records the current time as seen, when it moves the mark forward by more than a minute. */
  async observe(): Promise<void> {
    const now = this.clock().getTime();
    const seen = this.doc.data.latestSeenAt ? Date.parse(this.doc.data.latestSeenAt) : 0;
    if (now - seen < PERSIST_EVERY_MS) return;
    this.doc.data.latestSeenAt = new Date(now).toISOString();
    await this.doc.write();
  }
}
