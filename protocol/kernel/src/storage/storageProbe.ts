/**
 * The health check's storage probe: a durable write of a fresh stamp and a read back, so a full or
 * read-only disk shows before real writes start failing. Health checks that arrive together share
 * the probe in flight: two probes racing on one file read back each other's stamp and would report
 * a healthy disk as broken (a monitoring burst, or a load balancer and Docker checking at once).
 */
import { randomBytes } from 'node:crypto';
import { writeFileDurable } from './durableWrite.js';
import { readTextFile } from './fd.js';

/** Returns the probe for `file`: resolves when the disk wrote and read back, rejects otherwise. */
export function storageProbe(file: string, clock: () => Date = () => new Date()): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  const probe = async () => {
    const stamp = JSON.stringify({ checkedAt: clock().toISOString(), nonce: randomBytes(6).toString('hex') });
    await writeFileDurable(file, stamp, { keepBackup: false });
    if ((await readTextFile(file)) !== stamp) throw new Error('read back a different value than was written');
  };
  return () =>
    (inFlight ??= probe().finally(() => {
      inFlight = undefined;
    }));
}
