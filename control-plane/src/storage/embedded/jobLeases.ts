/**
 * Job leases with the embedded files: one process holds DATA_DIR's lock (kernel acquireDirLock), so
 * the one node there is always runs every job, and a lease is always granted to it.
 */
import type { JobLeases } from '../stores.js';

export class EmbeddedJobLeases implements JobLeases {
  acquire(): Promise<boolean> {
    return Promise.resolve(true);
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
