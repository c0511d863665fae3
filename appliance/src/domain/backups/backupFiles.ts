/**
 * BACKUP_DIR: the backup files this appliance made, named `iamanager-<UTC time>-<kind>.iambak` so
 * a listing sorts by age and an operator sees what each is. Only files with that name are ever
 * listed or deleted: anything else the IT person keeps there is left alone.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '@iamanager/kernel/storage';
import { BACKUP_KINDS, MAX_HEADER_FILE_BYTES, parseHeader, type BackupHeader, type BackupKind } from './backupFormat.js';
import { backupsToKeep } from './retention.js';

const NAME = /^iamanager-(\d{8})T(\d{9})Z-([a-z-]+)\.iambak$/;

export interface BackupFile {
  name: string;
  file: string;
  createdAt: Date;
  kind: BackupKind;
  bytes: number;
}

export function backupName(createdAt: Date, kind: BackupKind): string {
  const stamp = createdAt.toISOString().replace(/[-:.]/g, '');
  return `iamanager-${stamp}-${kind}.iambak`;
}

/** The time and kind a backup's name states, or undefined for any other file (off-site targets list by name too). */
export function parseBackupName(name: string): { createdAt: Date; kind: BackupKind } | undefined {
  const m = NAME.exec(name);
  if (!m || !(BACKUP_KINDS as readonly string[]).includes(m[3]!)) return undefined;
  const [d, t] = [m[1]!, m[2]!];
  const createdAt = new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.${t.slice(6, 9)}Z`,
  );
  return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, kind: m[3] as BackupKind };
}

/** The backups in `dir`, newest first (none when the folder does not exist yet). */
export async function listBackupFiles(dir: string): Promise<BackupFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: BackupFile[] = [];
  for (const name of names) {
    const parsed = parseBackupName(name);
    if (!parsed) continue;
    const stat = await fs.stat(path.join(dir, name)).catch(() => undefined);
    if (stat?.isFile()) out.push({ name, file: path.join(dir, name), ...parsed, bytes: stat.size });
  }
  return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** The plain (authenticated, not secret) header of a backup file, read without the passphrase. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(MAX_HEADER_FILE_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const parsed = parseHeader(buf.subarray(0, bytesRead));
    if (!parsed) throw new Error('the file ends inside its header');
    return parsed.header;
  } finally {
    await handle.close();
  }
}

/** Deletes the backups the retention policy does not keep; returns their names and those kept, newest first. */
export async function pruneBackups(dir: string, zone: string): Promise<{ removed: string[]; kept: BackupFile[] }> {
  const backups = await listBackupFiles(dir);
  const keep = backupsToKeep(backups, zone);
  const removed: string[] = [];
  for (const b of backups) {
    if (keep.has(b)) continue;
    await fs.rm(b.file, { force: true });
    removed.push(b.name);
  }
  if (removed.length > 0) await fsyncDir(dir);
  return { removed, kept: backups.filter((b) => keep.has(b)) };
}

/** Temp files left by a backup interrupted mid-write (never a finished backup). */
export const isBackupTemp = (name: string): boolean => name.startsWith('.iamanager-') && name.endsWith('.tmp');
