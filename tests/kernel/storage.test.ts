import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DocumentCollection, Journal, acquireDirLock, openDocument, writeFileDurable } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function recordingLog(): Logger & { lines: Array<{ level: string; obj: unknown; msg: string }> } {
  const lines: Array<{ level: string; obj: unknown; msg: string }> = [];
  const at = (level: string) => (obj: unknown, msg: string) => lines.push({ level, obj, msg });
  return { lines, warn: at('warn'), error: at('error'), info: at('info'), debug: at('debug') } as never;
}

describe('openDocument', () => {
  it('writes through to disk, so a fresh reader sees every acknowledged write', async () => {
    const file = path.join(dir, 'a.json');
    const doc = await openDocument(file, { n: 0 });
    doc.data.n = 1;
    await doc.write();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ n: 1 });
    const again = await openDocument(file, { n: 0 });
    expect(again.data).toEqual({ n: 1 });
  });

  it('folds concurrent writes into few disk writes and acknowledges each after its data is on disk', async () => {
    const file = path.join(dir, 'b.json');
    const doc = await openDocument<{ items: number[] }>(file, { items: [] });
    // Every durable write ends with the rename of its temp file over the target (durableWrite.ts,
    // through node:fs/promises): count those, and note what each one put on disk.
    const rename = fsPromises.rename.bind(fsPromises);
    const onDisk = new Set<number>();
    let fileWrites = 0;
    const spy = vi.spyOn(fsPromises, 'rename').mockImplementation(async (from, to) => {
      await rename(from, to);
      if (to !== file) return; // the last good copy (.bak) moved into place
      fileWrites++;
      for (const i of (JSON.parse(fs.readFileSync(file, 'utf8')) as { items: number[] }).items) onDisk.add(i);
    });
    try {
      const acknowledgedBeforeOnDisk: number[] = [];
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          doc.data.items.push(i);
          await doc.write();
          if (!onDisk.has(i)) acknowledgedBeforeOnDisk.push(i);
        }),
      );
      expect(acknowledgedBeforeOnDisk).toEqual([]);
      expect(fileWrites).toBeGreaterThan(0);
      expect(fileWrites).toBeLessThan(20);
    } finally {
      spy.mockRestore();
    }
    expect((JSON.parse(fs.readFileSync(file, 'utf8')) as { items: number[] }).items).toHaveLength(200);
  });

  it('recovers a truncated file from its last good copy, says so in the log and keeps the bad file aside', async () => {
    const file = path.join(dir, 'c.json');
    const doc = await openDocument(file, { v: 0 });
    doc.data.v = 1;
    await doc.write();
    doc.data.v = 2;
    await doc.write();
    fs.writeFileSync(file, '{"v": 2, "trunc'); // a torn write by something else (disk fault, editor)
    const log = recordingLog();
    const recovered = await openDocument(file, { v: 0 }, { log });
    expect(recovered.data).toEqual({ v: 1 });
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('recovered'))).toBe(true);
    expect(fs.readdirSync(dir).some((n) => n.startsWith('c.json.corrupt-'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ v: 1 });
  });

  it('treats a file that parses but breaks its schema as corrupt', async () => {
    const file = path.join(dir, 'd.json');
    const schema = z.object({ v: z.number() });
    const doc = await openDocument(file, { v: 0 }, { schema });
    doc.data.v = 5;
    await doc.write();
    doc.data.v = 6;
    await doc.write();
    fs.writeFileSync(file, '{"v":"six"}');
    const recovered = await openDocument(file, { v: 0 }, { schema, log: recordingLog() });
    expect(recovered.data).toEqual({ v: 5 });
  });

  it('refuses to start from defaults when a file and its last good copy are both damaged', async () => {
    const file = path.join(dir, 'e.json');
    fs.writeFileSync(file, '{bad');
    fs.writeFileSync(`${file}.bak`, '{worse');
    await expect(openDocument(file, { v: 0 })).rejects.toMatchObject({ code: 'storage_corrupt' });
  });

  it('creates files with the requested mode', async () => {
    const file = path.join(dir, 'secret.json');
    await writeFileDurable(file, '{}', { mode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('DocumentCollection', () => {
  it('keeps one file per aggregate and refuses ids that could escape the folder', async () => {
    const col = await DocumentCollection.open<{ name: string }>(path.join(dir, 'cases'));
    await col.create('case-1', { name: 'A' });
    await col.create('case-2', { name: 'B' });
    expect(
      fs
        .readdirSync(path.join(dir, 'cases'))
        .filter((n) => n.endsWith('.json'))
        .sort(),
    ).toEqual(['case-1.json', 'case-2.json']);
    await expect(col.create('../evil', { name: 'x' })).rejects.toMatchObject({ code: 'invalid_id' });
    await expect(col.create('case-1', { name: 'again' })).rejects.toMatchObject({ code: 'already_exists' });
    const reopened = await DocumentCollection.open<{ name: string }>(path.join(dir, 'cases'));
    expect([...reopened.values()].map((v) => v.name).sort()).toEqual(['A', 'B']);
  });

  it('creates an id once when creations race: one wins, getOrCreate callers share it', async () => {
    const col = await DocumentCollection.open<{ name: string }>(path.join(dir, 'usage'));
    const raced = await Promise.allSettled([col.create('m', { name: 'first' }), col.create('m', { name: 'second' })]);
    expect(raced.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(col.get('m')!.data.name).toBe('first');
    const shared = await Promise.all([col.getOrCreate('n', () => ({ name: 'one' })), col.getOrCreate('n', () => ({ name: 'two' }))]);
    expect(shared[0]).toBe(shared[1]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'usage', 'n.json'), 'utf8'))).toEqual({ name: 'one' });
  });

  it('does not bring a removed document back on reopening', async () => {
    const col = await DocumentCollection.open<{ name: string }>(path.join(dir, 'cases'));
    await col.create('gone', { name: 'A' });
    const doc = col.get('gone')!;
    doc.data.name = 'B';
    await doc.write();
    await col.remove('gone');
    const reopened = await DocumentCollection.open<{ name: string }>(path.join(dir, 'cases'));
    expect(reopened.has('gone')).toBe(false);
  });
});

describe('Journal', () => {
  it('returns every appended record after reopening, in order', async () => {
    const { journal } = await Journal.open<{ i: number }>(path.join(dir, 'j'));
    await Promise.all(Array.from({ length: 500 }, (_, i) => journal.append({ i })));
    await journal.close();
    const { records, journal: again } = await Journal.open<{ i: number }>(path.join(dir, 'j'));
    await again.close();
    expect(records.map((r) => r.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('drops a torn last line (written but never acknowledged) and logs it', async () => {
    const { journal } = await Journal.open<{ i: number }>(path.join(dir, 'j'));
    await journal.append({ i: 1 });
    await journal.close();
    const seg = fs.readdirSync(path.join(dir, 'j')).find((n) => n.endsWith('.log'))!;
    fs.appendFileSync(path.join(dir, 'j', seg), '0123456789abcdef {"i":2');
    const log = recordingLog();
    const { records, journal: again } = await Journal.open<{ i: number }>(path.join(dir, 'j'), { log });
    await again.close();
    expect(records).toEqual([{ i: 1 }]);
    expect(log.lines.some((l) => l.level === 'warn')).toBe(true);
  });

  it('keeps the records appended after a checkpoint seal and drops the sealed ones', async () => {
    const { journal } = await Journal.open<{ i: number }>(path.join(dir, 'j'));
    await journal.append({ i: 1 });
    const sealed = journal.seal();
    const pending = journal.append({ i: 2 });
    await journal.dropSealed(sealed);
    await pending;
    await journal.close();
    const { records, journal: again } = await Journal.open<{ i: number }>(path.join(dir, 'j'));
    await again.close();
    expect(records).toEqual([{ i: 2 }]);
  });
});

describe('acquireDirLock', () => {
  it('refuses a second holder while the first lives, and takes over a lock left by a dead process', async () => {
    const lock = await acquireDirLock(dir, 'server');
    fs.writeFileSync(path.join(dir, '.lock'), JSON.stringify({ pid: process.ppid, purpose: 'server', host: os.hostname(), since: 'now' }));
    await expect(acquireDirLock(dir, 'cli')).rejects.toMatchObject({ code: 'data_dir_locked' });
    await lock.release();
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
    fs.writeFileSync(path.join(dir, '.lock'), JSON.stringify({ pid: deadPid, purpose: 'server', host: os.hostname(), since: 'then' }));
    const taken = await acquireDirLock(dir, 'cli');
    await taken.release();
  });
});

describe('a full disk', () => {
  it('gives a clear storage_full error, leaves the previous file intact and rolls memory back to it', () => {
    // A 64 KiB tmpfs in a private mount namespace: a real ENOSPC, without touching the host.
    const script = `
      import { openDocument } from '${new URL('../../protocol/kernel/dist/storage/index.js', import.meta.url).pathname}';
      const doc = await openDocument('/mnt/full/doc.json', { v: 'small' });
      await doc.write();
      doc.data.v = 'x'.repeat(200000);
      try { await doc.write(); console.log('no-error'); }
      catch (err) { console.log(err.code + '|' + err.message); }
      console.log('memory:' + doc.data.v);
      const fresh = await openDocument('/mnt/full/new.json', { v: 'fresh' });
      fresh.data.v = 'y'.repeat(200000);
      await fresh.write().catch(() => undefined);
      console.log('fresh:' + fresh.data.v);
      const again = await openDocument('/mnt/full/doc.json', { v: 'default' });
      console.log('after:' + again.data.v);
    `;
    const out = execFileSync('unshare', [
      '-rm',
      'sh',
      '-c',
      `mkdir -p /mnt/full 2>/dev/null || true; mount -t tmpfs -o size=64k tmpfs /mnt/full && ${process.execPath} --input-type=module -e "$0"`,
      script,
    ]).toString();
    expect(out).toMatch(/^storage_full\|the disk holding \/mnt\/full is full: free some space; nothing was changed$/m);
    expect(out).toContain('after:small');
    // The refused change is not visible in memory either: back to the file, or to the defaults a
    // document never written stands for.
    expect(out).toContain('memory:small');
    expect(out).toContain('fresh:fresh');
  });
});
