/**
 * The storage write gate a backup snapshot stands on: a quiesce waits for writes in flight,
 * holds new ones back while it runs, then lets them through, in order.
 */
import { describe, expect, it } from 'vitest';
import { duringWrite, quiesceWrites } from '@iamanager/kernel/storage';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the write gate', () => {
  it('waits for a write in flight, and holds a new one back until the snapshot is done', async () => {
    const events: string[] = [];
    const slowWrite = deferred();
    const first = duringWrite(async () => {
      events.push('write 1 starts');
      await slowWrite.promise;
      events.push('write 1 ends');
    });
    const snapshotDone = deferred();
    const snapshot = quiesceWrites(async () => {
      events.push('snapshot starts');
      await snapshotDone.promise;
      events.push('snapshot ends');
    });
    const second = duringWrite(async () => {
      events.push('write 2');
    });
    await tick();
    expect(events).toEqual(['write 1 starts']);
    slowWrite.resolve();
    await tick();
    expect(events).toEqual(['write 1 starts', 'write 1 ends', 'snapshot starts']);
    snapshotDone.resolve();
    await Promise.all([first, snapshot, second]);
    expect(events).toEqual(['write 1 starts', 'write 1 ends', 'snapshot starts', 'snapshot ends', 'write 2']);
  });

  it('lets writes go again when the snapshot fails, and passes its error on', async () => {
    await expect(quiesceWrites(() => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone');
    await expect(duringWrite(() => Promise.resolve('written'))).resolves.toBe('written');
  });

  it('runs two snapshots one after the other', async () => {
    const events: string[] = [];
    const a = quiesceWrites(async () => {
      events.push('a');
      await tick();
      events.push('a done');
    });
    const b = quiesceWrites(() => {
      events.push('b');
      return Promise.resolve();
    });
    await Promise.all([a, b]);
    expect(events).toEqual(['a', 'a done', 'b']);
  });
});
