/**
 * The data directory's lock. lowdb is single-process: the server and the CLI must never both write
 * the same files. Whoever runs first holds `DATA_DIR/.lock`; a lock left by a dead process (or by
 * an earlier life of our own pid, as in a restarted container where the server is always pid 1)
 * is taken over.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DomainError } from '@iamanager/protocol';

export interface DirLock {
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  purpose: string;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readDirLock(dir: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await fs.readFile(path.join(dir, '.lock'), 'utf8')) as LockInfo;
    if (info.pid === process.pid || !alive(info.pid) || info.host !== os.hostname()) return undefined;
    return info;
  } catch {
    return undefined;
  }
}

export async function acquireDirLock(dir: string, purpose: string): Promise<DirLock> {
  await fs.mkdir(dir, { recursive: true, mode: 0o750 });
  const file = path.join(dir, '.lock');
  const info: LockInfo = { pid: process.pid, purpose, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await fs.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await readDirLock(dir);
      if (holder) {
        throw new DomainError(
          'data_dir_locked',
          `${dir} is in use by ${holder.purpose} (pid ${holder.pid} since ${holder.since}): stop it, or run this command through it`,
          { pid: holder.pid },
        );
      }
      await fs.rm(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new DomainError('data_dir_locked', `could not lock ${dir}: another process keeps taking it`);
}
