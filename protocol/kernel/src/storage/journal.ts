/**
 * An append-only journal with group commit (see groupCommit.ts), for writes that arrive faster
 * than one fsync each (heartbeat ingest).
 *
 * Each line is `<sha256-prefix> <json>\n`. A crash can leave a torn last line; replay drops it
 * (it was never acknowledged). Segments let the owner checkpoint without stopping appends:
 * `seal()` switches appends to a new segment in the same synchronous step as the owner snapshots
 * its state; once that snapshot is durable, `dropSealed()` deletes the older segments.
 * Replay must be idempotent: records of a sealed segment may already be in the snapshot.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { appendOrCutBack, fsyncDir, storageFailure } from './durableWrite.js';
import { readTextFile } from './fd.js';
import { GroupCommit } from './groupCommit.js';
import { duringWrite } from './writeGate.js';

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

const SEGMENT = /^(\d{10})\.log$/;

export class Journal<R> {
  private readonly dir: string;
  private readonly log: Logger | undefined;
  private segment: number;
  private handle: fs.FileHandle | undefined;
  private readonly commits = new GroupCommit<string>(
    (lines) => this.writeLines(lines),
    (err) => storageFailure(err, path.join(this.dir, segName(this.segment))),
  );
  private sealedUpTo = 0;
  /** Per segment handle, the bytes known to be complete lines: a failed append is cut back to it. */
  private readonly sizes = new WeakMap<fs.FileHandle, number>();

  private constructor(dir: string, segment: number, log: Logger | undefined) {
    this.dir = dir;
    this.segment = segment;
    this.log = log;
  }

  /** Opens the journal folder and returns every intact record, oldest first. */
  static async open<R>(dir: string, options: { log?: Logger } = {}): Promise<{ journal: Journal<R>; records: R[] }> {
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    const segments = (await fs.readdir(dir))
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const records: R[] = [];
    for (const seg of segments) records.push(...(await readSegment<R>(path.join(dir, segName(seg)), options.log)));
    const last = segments.at(-1) ?? 0;
    const journal = new Journal<R>(dir, last + 1, options.log);
    // Every segment found on disk is older than the new one: the first checkpoint drops them all
    // (segments left by several crashes in a row included).
    journal.sealedUpTo = segments[0] ?? 0;
    await journal.openSegment();
    return { journal, records };
  }

  private async openSegment(): Promise<void> {
    const handle = await fs.open(path.join(this.dir, segName(this.segment)), 'a', 0o640);
    this.sizes.set(handle, (await handle.stat()).size);
    this.handle = handle;
    await fsyncDir(this.dir);
  }

  /** Resolves once the record is durable. */
  append(record: R): Promise<void> {
    const json = JSON.stringify(record);
    return this.commits.add(`${checksum(json)} ${json}\n`);
  }

  private async writeLines(lines: string[]): Promise<void> {
    if (!this.handle) await this.pendingOpen;
    const handle = this.handle;
    if (!handle) throw new Error('journal is closed');
    const text = lines.join('');
    const size = this.sizes.get(handle) ?? 0;
    await duringWrite(() => appendOrCutBack(handle.fd, text, size));
    this.sizes.set(handle, size + Buffer.byteLength(text));
  }

  /**
   * Starts a new segment for every append from now on. Call it in the same synchronous step as
   * snapshotting the state the journal feeds; then make the snapshot durable; then `dropSealed()`.
   */
  seal(): number {
    const sealed = this.segment;
    const previous = this.handle;
    this.segment += 1;
    this.handle = undefined;
    const opening = this.openSegment();
    // Appends made before the new segment opens wait for it (see writeLines).
    this.pendingOpen = opening;
    // FileHandle.close() waits for the handle's pending writes, so an in-flight flush completes.
    void opening.then(
      () => previous?.close().catch(() => undefined),
      (err: unknown) => this.log?.error({ err }, 'journal: cannot open a new segment'),
    );
    return sealed;
  }

  private pendingOpen: Promise<void> | undefined;

  /** Deletes the segments up to `sealed` (returned by `seal()`), once their effect is durable elsewhere. */
  async dropSealed(sealed: number): Promise<void> {
    await this.pendingOpen;
    for (let seg = this.sealedUpTo; seg <= sealed; seg++) {
      await fs.rm(path.join(this.dir, segName(seg)), { force: true });
    }
    this.sealedUpTo = sealed;
    await fsyncDir(this.dir);
  }

  async close(): Promise<void> {
    await this.pendingOpen;
    await this.commits.drained();
    await this.handle?.close();
    this.handle = undefined;
  }
}

function segName(n: number): string {
  return `${String(n).padStart(10, '0')}.log`;
}

async function readSegment<R>(file: string, log: Logger | undefined): Promise<R[]> {
  const text = await readTextFile(file);
  const lines = text.split('\n');
  const records: R[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const space = line.indexOf(' ');
    const json = line.slice(space + 1);
    if (space !== 16 || checksum(json) !== line.slice(0, 16)) {
      // Only the last line can be torn by a crash; anything earlier is damage worth shouting about.
      const last = i >= lines.length - 2;
      if (last) log?.warn({ file, line: i + 1 }, 'journal: dropped a torn last record (written, never acknowledged)');
      else log?.error({ file, line: i + 1 }, 'journal: skipped a damaged record');
      continue;
    }
    records.push(JSON.parse(json) as R);
  }
  return records;
}
