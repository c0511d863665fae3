/**
 * The process's write gate: lets a backup copy the data directory while the server runs, with
 * every file whole. Each storage write (a durable replace, a removal, an append with its fsync)
 * runs inside `duringWrite`; `quiesceWrites` waits for the writes in flight to finish, holds new
 * ones back while its callback runs, then lets them go. The callback must be short (hard-linking
 * a snapshot, not copying it) and must not write through the gate itself, or it would wait for
 * itself.
 *
 * Only leaf operations are gated (one file replaced, one batch appended): a gated write never
 * starts another, so a quiesce can never wait on a write that waits on the quiesce.
 */

let inFlight = 0;
let drained: Array<() => void> = [];
/** Set while a quiesce holds writes back; new writes wait for it. */
let held: Promise<void> | undefined;

/** Runs one storage write; waits first while a snapshot holds writes back. */
export async function duringWrite<T>(write: () => Promise<T>): Promise<T> {
  while (held) await held;
  inFlight++;
  try {
    return await write();
  } finally {
    inFlight--;
    if (inFlight === 0) {
      const waiting = drained;
      drained = [];
      for (const resolve of waiting) resolve();
    }
  }
}

/**
 * Runs `snapshot` while no storage write is in flight in this process: waits for those already
 * started, holds new ones back until `snapshot` settles. Quiesces run one at a time.
 */
export async function quiesceWrites<T>(snapshot: () => Promise<T>): Promise<T> {
  while (held) await held;
  let release!: () => void;
  held = new Promise<void>((resolve) => (release = resolve));
  try {
    if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
    return await snapshot();
  } finally {
    held = undefined;
    release();
  }
}
