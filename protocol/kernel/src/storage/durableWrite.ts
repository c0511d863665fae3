/**
 * Crash-safe file replacement. A reader sees either the old file or the new one, never a mix, and
 * once `writeFileDurable` resolves the new content survives a power cut:
 *   1. write a temp file with a unique name (concurrent writers never share one) and fsync it;
 *   2. hard-link the current file as `<file>.bak` — the last good copy, kept for recovery;
 *   3. rename the temp file over the target (atomic on POSIX) and fsync the folder, which is what
 *      makes the rename itself durable (ext4/xfs only promise it after the directory is synced).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '@iamanager/protocol';
import { closeFd, fdatasyncFd, fsyncFd, ftruncateFd, openFd, writeAllFd } from './fd.js';
import { GroupCommit } from './groupCommit.js';
import { duringWrite } from './writeGate.js';

let counter = 0;

export class StorageError extends DomainError {}

/** Maps the file-system errors a user can act on to typed errors with a fix; others pass through. */
export function storageFailure(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageError('storage_full', `the disk holding ${path.dirname(file)} is full: free some space; nothing was changed`, {
      file,
    });
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StorageError('storage_unwritable', `cannot write ${file} (${code}): check the owner and permissions of DATA_DIR`, { file });
  }
  return err;
}

export function backupPathOf(file: string): string {
  return `${file}.bak`;
}

/** Per folder, the syncs requested while one runs: they share the next (see `fsyncDir`). */
const folderSyncs = new Map<string, GroupCommit<null>>();

/**
 * Makes the folder's entries (renames, new files, removals) durable. Callers that ask while a sync
 * of the same folder is running share the next one, which starts after all their changes: with
 * many writers in one folder (cases/), a burst costs a few folder syncs, not one each.
 */
export function fsyncDir(dir: string): Promise<void> {
  let syncs = folderSyncs.get(dir);
  if (!syncs) {
    syncs = new GroupCommit<null>(() => fsyncPath(dir));
    folderSyncs.set(dir, syncs);
  }
  const done = syncs.add(null);
  const forget = (): void => {
    if (syncs.idle && folderSyncs.get(dir) === syncs) folderSyncs.delete(dir);
  };
  done.then(forget, forget);
  return done;
}

/** fsync of one file or folder, now (`fsyncDir` shares folder syncs between callers). */
export async function fsyncPath(file: string): Promise<void> {
  const fd = await openFd(file, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}

export interface DurableWriteOptions {
  /** File mode for new files; secrets use 0o600. */
  mode?: number;
  /** Keep the previous version as `<file>.bak` (default true). */
  keepBackup?: boolean;
}

export function writeFileDurable(file: string, data: string | Uint8Array, options: DurableWriteOptions = {}): Promise<void> {
  return duringWrite(() => replaceFile(file, data, options));
}

async function replaceFile(file: string, data: string | Uint8Array, options: DurableWriteOptions): Promise<void> {
  const dir = path.dirname(file);
  const tmp = `${file}.${process.pid}.${++counter}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = await openFd(tmp, 'wx', options.mode ?? 0o640);
    try {
      await writeAllFd(fd, data);
      await fsyncFd(fd);
    } finally {
      await closeFd(fd);
    }
    if (options.keepBackup !== false) await linkBackup(file, tmp);
    await fs.rename(tmp, file);
    await fsyncDir(dir);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw storageFailure(err, file);
  }
}

async function linkBackup(file: string, tmp: string): Promise<void> {
  const bakTmp = `${tmp}.bak`;
  try {
    await fs.link(file, bakTmp);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // first write: nothing to keep
    throw err;
  }
  await fs.rename(bakTmp, backupPathOf(file));
}

/**
 * Removes a file durably (the removal itself is synced). Its content is kept as `<file>.removed`
 * and its `.bak` dropped, so recovery never brings a removed document back.
 */
export function removeFileDurable(file: string): Promise<void> {
  return duringWrite(() => removeFile(file));
}

async function removeFile(file: string): Promise<void> {
  try {
    await fs.rm(backupPathOf(file), { force: true });
    await fs.rename(file, `${file}.removed`);
    await fsyncDir(path.dirname(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageFailure(err, file);
  }
}

/** True for the names our writers leave behind (temp files, backups): never data. */
export function isAuxiliaryFile(name: string): boolean {
  return name.endsWith('.tmp') || name.endsWith('.bak') || name.endsWith('.removed') || name.includes('.corrupt-');
}

/**
 * Deletes what work interrupted by a crash left in `dir` — by default temp files from a write;
 * callers name their own leftovers (snapshot folders, a restore's staging copy). Never the only
 * copy of anything.
 */
export async function sweepTempFiles(
  dir: string,
  isLeftover: (name: string) => boolean = (name) => name.endsWith('.tmp'),
): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  const leftovers = names.filter(isLeftover);
  for (const name of leftovers) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  return leftovers.length;
}

/**
 * Appends `text` to a file opened for appending (`size` bytes of whole lines) and syncs it. If the
 * disk takes only part of it (ENOSPC), the file is cut back to `size`: a torn line left there
 * would glue itself to the next append, acknowledged, and take it down with it when read.
 */
export async function appendOrCutBack(fd: number, text: string, size: number): Promise<void> {
  try {
    await writeAllFd(fd, text);
    await fdatasyncFd(fd);
  } catch (err) {
    await ftruncateFd(fd, size).catch(() => undefined);
    throw err;
  }
}
