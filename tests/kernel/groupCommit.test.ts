import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../protocol/kernel/src/storage/groupCommit.js';

describe('group commit', () => {
  it('writes a burst in few batches, in order, and resolves each caller after its batch', async () => {
    const batches: number[][] = [];
    const commits = new GroupCommit<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      batches.push(items);
    });
    const done: number[] = [];
    await Promise.all(Array.from({ length: 100 }, (_, i) => commits.add(i).then(() => done.push(i))));
    expect(batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // The first item goes alone; everything added while it was written shares the next write.
    expect(batches).toHaveLength(2);
    expect(done).toHaveLength(100);
  });

  it('rejects only the callers of a failed batch, with the mapped error, and goes on', async () => {
    let fail = true;
    const commits = new GroupCommit<string>(
      async (items) => {
        await new Promise((r) => setTimeout(r, 1));
        if (fail && items.includes('bad')) throw new Error('ENOSPC');
      },
      (err) => new Error(`mapped: ${(err as Error).message}`),
    );
    const first = commits.add('bad');
    const later = commits.add('good');
    await expect(first).rejects.toThrow('mapped: ENOSPC');
    await expect(later).resolves.toBeUndefined();
    fail = false;
    await expect(commits.add('bad')).resolves.toBeUndefined();
  });

  it('drained() waits for everything added so far', async () => {
    const written: number[] = [];
    const commits = new GroupCommit<number>(async (items) => {
      await new Promise((r) => setTimeout(r, 3));
      written.push(...items);
    });
    for (let i = 0; i < 10; i++) void commits.add(i);
    await commits.drained();
    expect(written).toHaveLength(10);
  });
});

describe('folder syncs', () => {
  it('serve many concurrent callers, and a failing one rejects its callers without sticking', async () => {
    const { fsyncDir } = await import('../../protocol/kernel/src/storage/durableWrite.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/fsyncdir-`);
    await expect(Promise.all(Array.from({ length: 100 }, () => fsyncDir(dir)))).resolves.toHaveLength(100);
    rmSync(dir, { recursive: true });
    const gone = await Promise.allSettled([fsyncDir(dir), fsyncDir(dir)]);
    expect(gone.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const again = mkdtempSync(`${tmpdir()}/fsyncdir-`);
    await expect(fsyncDir(again)).resolves.toBeUndefined();
    rmSync(again, { recursive: true });
  });
});
