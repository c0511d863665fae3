/**
 * Job leases with the embedded files: one process holds DATA_DIR's lock (kernel acquireDirLock), so
 * the leases live in its memory, with the same rules as the `job_leases` row — a free or expired
 * lease is taken, the holder renews its own, another holder waits for the expiry or the release.
 * The process's one schedule per job therefore always gets its lease and runs as before the seam;
 * two holders in one process (tests, or a job started twice) run it one at a time.
 */
import type { JobLeases } from '../stores.js';

export class EmbeddedJobLeases implements JobLeases {
  private readonly held = new Map<string, { holder: string; expiresAt: number }>();

  acquire(job: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const lease = this.held.get(job);
    if (lease && lease.holder !== holder && lease.expiresAt > now.getTime()) return Promise.resolve(false);
    this.held.set(job, { holder, expiresAt: now.getTime() + ttlMs });
    return Promise.resolve(true);
  }

  release(job: string, holder: string): Promise<void> {
    if (this.held.get(job)?.holder === holder) this.held.delete(job);
    return Promise.resolve();
  }
}
