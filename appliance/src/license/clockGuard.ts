/**
 * Detects a clock set back. The appliance remembers the latest time it has seen (durably, at most
 * once a minute, whenever someone uses it); a clock earlier than that by more than a few minutes
 * is reported, and license checks use the remembered time instead — so setting the clock back
 * never revives an expired license. Emptying clock.json does not help either: times the appliance
 * holds elsewhere raise the same floor (the newest audit entry, the license's issue time, signed
 * by the vendor).
 */
import path from 'node:path';
import { openDocument, type Document } from '@iamanager/protocol/storage';

const TOLERANCE_MS = 5 * 60_000;
const PERSIST_EVERY_MS = 60_000;

interface ClockState {
  latestSeenAt: string | null;
}

export class ClockGuard {
  /** Milliseconds of a time known to have passed, from other records than clock.json. */
  private floor = 0;
  private writing = false;

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

  /** The latest time known to have passed: remembered in clock.json or raised by another record. */
  private known(): number {
    const seen = this.doc.data.latestSeenAt ? Date.parse(this.doc.data.latestSeenAt) : 0;
    return Math.max(Number.isNaN(seen) ? 0 : seen, this.floor);
  }

  /** A time the appliance's own records prove has passed (an audit entry, a license's issue time). */
  raiseFloor(at: Date): void {
    if (at.getTime() > this.floor) this.floor = at.getTime();
  }

  /** True when the system clock is behind a time this appliance already saw. */
  get setBack(): boolean {
    const known = this.known();
    return known > 0 && this.clock().getTime() < known - TOLERANCE_MS;
  }

  /** The time to judge licenses by: never earlier than the latest time already seen. */
  now(): Date {
    const real = this.clock();
    const known = this.known();
    return real.getTime() >= known ? real : new Date(known);
  }

  latestSeenAt(): string | null {
    const known = this.known();
    return known > 0 ? new Date(known).toISOString() : null;
  }

  /**
   * Records the current time as seen, when it moves the mark forward by more than a minute: at
   * start and on each request from a logged-in user, so an appliance running past its license's
   * expiry keeps a mark after it (a timer would also write while nobody uses the appliance).
   */
  async observe(): Promise<void> {
    const now = this.clock().getTime();
    const seen = this.doc.data.latestSeenAt ? Date.parse(this.doc.data.latestSeenAt) : 0;
    if (now - seen < PERSIST_EVERY_MS || this.writing) return;
    this.writing = true;
    try {
      this.doc.data.latestSeenAt = new Date(now).toISOString();
      await this.doc.write();
    } finally {
      this.writing = false;
    }
  }
}
