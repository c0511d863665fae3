/**
 * `appliance backup restore FILE`, on a stopped appliance only. The backup is decrypted and
 * checked in full into a staging folder inside DATA_DIR first, so a wrong passphrase or a damaged
 * file changes nothing. Only then is the current content moved aside to
 * `DATA_DIR/.pre-restore-<time>/` (never deleted: the IT person removes it once satisfied) and
 * the staged files moved in — renames within one file system, so the switch takes moments.
 * Current data is moved aside only with --force, so a restore cannot silently replace a cabinet.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { DomainError } from '@iamanager/protocol';
import { acquireDirLock, fsyncDir, fsyncPath, sweepTempFiles } from '@iamanager/kernel/storage';
import { readBackupFile, type BackupCounts } from './backupArchive.js';
import { OFFSITE_FILE } from './offsite/offsiteStore.js';
import { ApplianceError } from '../../errors.js';

export interface RestoreResult {
  file: string;
  createdAt: string;
  kind: string;
  files: number;
  counts: BackupCounts;
  /** Where the data that was in DATA_DIR went, or null when there was none. */
  previousData: string | null;
}

const STAGING_PREFIX = '.restore-';
const ASIDE_PREFIX = '.pre-restore-';
/**
 * What a fresh DATA_DIR may hold without counting as data: the session key generated at start-up,
 * run-time markers, and the off-site targets added on a replacement machine to restore from one
 * (the backup brings its own).
 */
const isScaffolding = (name: string) => name === 'secret-key' || name === OFFSITE_FILE || name.startsWith('.');

/** True when a server answers on the command socket: it holds the data open, so a restore must wait. */
function serverAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const STOP_FIRST =
  'stop it first (Docker: `docker compose stop appliance`; VM: `sudo systemctl stop iamanager-appliance`), restore, then start it again';

export async function restoreBackup(options: {
  dataDir: string;
  socketPath: string;
  file: string;
  passphrase: string;
  force: boolean;
  now: Date;
}): Promise<RestoreResult> {
  const { dataDir } = options;
  if (await serverAnswers(options.socketPath))
    throw new ApplianceError('server_running', `the appliance is running on ${dataDir}: ${STOP_FIRST}`);
  const lock = await acquireDirLock(dataDir, 'appliance backup restore').catch((err: unknown) => {
    if ((err as DomainError).code === 'data_dir_locked')
      throw new ApplianceError(
        'server_running',
        `${dataDir} is in use by another process (pid ${String((err as DomainError).details?.pid ?? '?')}): ${STOP_FIRST}`,
      );
    throw err;
  });
  try {
    await sweepTempFiles(dataDir, (name) => name.startsWith(STAGING_PREFIX));
    const current = (await fs.readdir(dataDir)).filter((n) => n !== '.lock' && !n.startsWith(ASIDE_PREFIX));
    const data = current.filter((n) => !isScaffolding(n));
    if (data.length > 0 && !options.force) {
      throw new ApplianceError(
        'restore_target_not_empty',
        `${dataDir} already holds data (${data.slice(0, 5).join(', ')}${data.length > 5 ? ', …' : ''}): add --force to move it to ${path.join(dataDir, `${ASIDE_PREFIX}<time>`)} and restore (nothing is deleted)`,
        { entries: data.length },
      );
    }
    const stamp = options.now.toISOString().replace(/[-:.]/g, '');
    const staging = path.join(dataDir, `${STAGING_PREFIX}${stamp}`);
    await fs.mkdir(staging, { mode: 0o700 });
    let read: Awaited<ReturnType<typeof readBackupFile>>;
    try {
      read = await stage(options.file, options.passphrase, staging);
    } catch (err) {
      await fs.rm(staging, { recursive: true, force: true });
      throw err;
    }
    // Checked in full: from here on, switch.
    const aside = path.join(dataDir, `${ASIDE_PREFIX}${stamp}`);
    await fs.mkdir(aside, { mode: 0o700 });
    for (const name of current) await fs.rename(path.join(dataDir, name), path.join(aside, name));
    await fsyncDir(aside);
    for (const name of await fs.readdir(staging)) await fs.rename(path.join(staging, name), path.join(dataDir, name));
    await fsyncDir(dataDir);
    await fs.rm(staging, { recursive: true, force: true });
    const keptAside = data.length > 0;
    if (!keptAside) await fs.rm(aside, { recursive: true, force: true });
    await fsyncDir(dataDir);
    return {
      file: options.file,
      createdAt: read.header.createdAt,
      kind: read.header.kind,
      files: read.manifest.files.length,
      counts: read.manifest.counts,
      previousData: keptAside ? aside : null,
    };
  } finally {
    await lock.release();
  }
}

/**
 * Writes every file of the backup under `staging`, then fsyncs every file and every folder before
 * anything is switched. The fsyncs run in parallel batches after the writes: one by one, 10 000
 * case files would each wait for the disk in turn.
 */
async function stage(file: string, passphrase: string, staging: string): Promise<Awaited<ReturnType<typeof readBackupFile>>> {
  const dirs = new Set<string>([staging]);
  const files: string[] = [];
  const read = await readBackupFile(file, passphrase, async (entry) => {
    const target = path.join(staging, ...entry.path.split('/'));
    let dir = path.dirname(target);
    if (!dirs.has(dir)) await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    while (dir.startsWith(staging) && !dirs.has(dir)) {
      dirs.add(dir);
      dir = path.dirname(dir);
    }
    const handle = await fs.open(target, 'wx', (entry.mode & 0o777) | 0o600);
    try {
      for await (const chunk of entry.stream as AsyncIterable<Buffer>) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    files.push(target);
  });
  for (let i = 0; i < files.length; i += SYNC_BATCH) await Promise.all(files.slice(i, i + SYNC_BATCH).map(fsyncPath));
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await fsyncDir(dir);
  return read;
}

const SYNC_BATCH = 64;
