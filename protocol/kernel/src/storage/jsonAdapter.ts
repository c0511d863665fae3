/**
 * A lowdb adapter that is durable and recovers. lowdb's own JSONFile never fsyncs and shares one
 * temp name per file; this one writes through `writeFileDurable`, and on read falls back to the
 * last good copy when the file is truncated, corrupt or fails its schema — saying so in the log,
 * and setting the bad file aside for inspection rather than deleting it.
 */
import fs from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { StorageError, backupPathOf, writeFileDurable, type DurableWriteOptions } from './durableWrite.js';
import { readTextFile } from './fd.js';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface JsonAdapterOptions<T> extends DurableWriteOptions {
  /** Checked on read: a file that parses but does not fit is treated as corrupt. */
  schema?: z.ZodType<T>;
  log?: Logger;
  /**
   * When a write fails (full disk) and no later write is queued, put the document's data back as
   * it is on disk, so a refused change is not visible either (default true). Off only for state
   * that is durable elsewhere first (a journal) and must stay ahead of its file.
   */
  rollbackOnFailure?: boolean;
}

export class DurableJsonAdapter<T> implements Adapter<T> {
  readonly file: string;
  private readonly options: JsonAdapterOptions<T>;
  private pending: { data: T; waiters: Waiter[] } | undefined;
  private writing = false;
  /** True when the file (and its last good copy) did not exist when read. */
  missingAtRead = false;
  /** What a missing file stands for (the defaults a restart starts from), set by `openDocument`. */
  whenMissing: string | undefined;
  /** Set by `openDocument`: puts the in-memory data back to what the disk holds. */
  onRollback: ((value: T) => void) | undefined;

  constructor(file: string, options: JsonAdapterOptions<T> = {}) {
    this.file = file;
    this.options = options;
  }

  async read(): Promise<T | null> {
    const main = await this.tryRead(this.file);
    if (main.ok) return main.value;
    const backup = await this.tryRead(backupPathOf(this.file));
    if (main.reason === 'missing' && !backup.ok && backup.reason === 'missing') {
      this.missingAtRead = true;
      return null;
    }
    if (!backup.ok) {
      throw new StorageError(
        'storage_corrupt',
        `${this.file} is ${main.reason} and has no usable last good copy: restore it from a backup`,
        { file: this.file },
      );
    }
    const aside = `${this.file}.corrupt-${Date.now()}`;
    if (main.reason !== 'missing') await fs.rename(this.file, aside).catch(() => undefined);
    this.options.log?.warn(
      { file: this.file, reason: main.reason, setAside: main.reason === 'missing' ? undefined : aside },
      'storage: recovered file from its last good copy',
    );
    // Put the good copy back in place at once, so a second crash cannot find the bad file again.
    await writeFileDurable(this.file, JSON.stringify(backup.value), { ...this.options, keepBackup: false });
    return backup.value;
  }

  private async tryRead(file: string): Promise<{ ok: true; value: T } | { ok: false; reason: 'missing' | 'corrupt' | 'invalid' }> {
    let text: string;
    try {
      text = await readTextFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing' };
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'corrupt' };
    }
    if (this.options.schema) {
      const parsed = this.options.schema.safeParse(value);
      if (!parsed.success) return { ok: false, reason: 'invalid' };
      value = parsed.data;
    }
    return { ok: true, value: value as T };
  }

  /**
   * Resolves once a version of the file that includes `data` as it is now is durable. Writes
   * that arrive while one is in flight are folded into the next one (group commit): each caller
   * still waits for its own change to reach the disk, but N callers cost two writes, not N.
   */
  write(data: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending) this.pending.data = data;
      else this.pending = { data, waiters: [] };
      this.pending.waiters.push({ resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending) {
      const batch = this.pending;
      this.pending = undefined;
      try {
        // Serialise now: changes made after this point belong to the next batch.
        const text = JSON.stringify(batch.data);
        await writeFileDurable(this.file, text, this.options);
        for (const w of batch.waiters) w.resolve();
      } catch (err) {
        // A later write still queued carries its own changes (and these): leave it to decide.
        if (!this.pending && this.options.rollbackOnFailure !== false) await this.rollBack();
        for (const w of batch.waiters) w.reject(err);
      }
    }
    this.writing = false;
  }

  /**
   * Puts the in-memory data back as the disk holds it, read again (keeping a copy in memory for
   * this would cost a serialisation of every document at start-up). Skipped if a write was queued
   * meanwhile, or if the disk cannot be read back.
   */
  private async rollBack(): Promise<void> {
    try {
      const onDisk = await this.tryRead(this.file);
      const value = onDisk.ok
        ? onDisk.value
        : onDisk.reason === 'missing' && this.whenMissing !== undefined
          ? (JSON.parse(this.whenMissing) as T)
          : undefined;
      if (value !== undefined && !this.pending) this.onRollback?.(value);
    } catch {
      // unreadable: memory stays as it is, ahead of the disk
    }
  }

  /** Resolves when no write is queued or in flight (used on shutdown). */
  async flushed(): Promise<void> {
    while (this.writing || this.pending) await new Promise((r) => setTimeout(r, 5));
  }
}
