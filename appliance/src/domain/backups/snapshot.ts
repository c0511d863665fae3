/**
 * A consistent snapshot of DATA_DIR while the server keeps running. Under the write gate (no
 * storage write in flight, new ones held back) every data file is hard-linked into a folder
 * inside DATA_DIR and its size noted; then writes resume and the backup reads the links at its
 * own pace. That works because of how the stores write: a replaced file is a new inode renamed
 * over the old one (the link keeps the old content), documents are never rewritten, and the
 * audit log and journals only append (reading the noted size gives the content at the snapshot).
 * Holding writes back costs one link per file, not one copy: see docs/reliability.md.
 *
 * Left out: the lock, the command socket and other top-level dot entries (run-time markers,
 * earlier snapshots, restore staging), and temp files, last-good copies and set-aside corrupt
 * files, which are never the data itself.
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isAuxiliaryFile, quiesceWrites } from '@iamanager/kernel/storage';

const SNAPSHOT_PREFIX = '.backup-snapshot-';
const BATCH = 64;

export interface SnapshotFile {
  /** Relative to DATA_DIR, with "/" separators. */
  path: string;
  size: number;
  mode: number;
  mtime: Date;
  /** The hard link (or copy) to read from. */
  source: string;
}

export interface Snapshot {
  files: SnapshotFile[];
  /** How long writes were held back, in milliseconds. */
  heldMs: number;
  release(): Promise<void>;
}

/** True for what a backup never carries (see the module comment). */
function excludedFromBackup(relativeDir: string, entry: Dirent): boolean {
  if (relativeDir === '' && entry.name.startsWith('.')) return true;
  return isAuxiliaryFile(entry.name) || !(entry.isFile() || entry.isDirectory());
}

export async function takeSnapshot(dataDir: string): Promise<Snapshot> {
  const dir = path.join(dataDir, `${SNAPSHOT_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(dir, { mode: 0o700 });
  const release = () => fs.rm(dir, { recursive: true, force: true });
  try {
    let heldMs = 0;
    const files = await quiesceWrites(async () => {
      const started = performance.now();
      const linked = await linkTree(dataDir, dir, '');
      heldMs = performance.now() - started;
      return linked;
    });
    return { files, heldMs, release };
  } catch (err) {
    await release();
    throw err;
  }
}

/** Snapshot folders left by a process that stopped mid-backup (they are only links). */
export const isSnapshotLeftover = (name: string): boolean => name.startsWith(SNAPSHOT_PREFIX);

async function linkTree(root: string, into: string, relativeDir: string): Promise<SnapshotFile[]> {
  const entries = await fs.readdir(path.join(root, relativeDir), { withFileTypes: true });
  const files: SnapshotFile[] = [];
  const plain: Dirent[] = [];
  for (const entry of entries) {
    if (excludedFromBackup(relativeDir, entry)) continue;
    const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      await fs.mkdir(path.join(into, relative), { mode: 0o700 });
      files.push(...(await linkTree(root, into, relative)));
    } else plain.push(entry);
  }
  // Links in parallel batches: at 10 000 cases, the time writes are held is mostly syscall latency.
  for (let i = 0; i < plain.length; i += BATCH) {
    const linked = await Promise.all(
      plain.slice(i, i + BATCH).map((entry) => linkFile(root, into, relativeDir ? `${relativeDir}/${entry.name}` : entry.name)),
    );
    for (const file of linked) if (file) files.push(file);
  }
  return files;
}

async function linkFile(root: string, into: string, relative: string): Promise<SnapshotFile | undefined> {
  const from = path.join(root, relative);
  const to = path.join(into, relative);
  try {
    await fs.link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined; // removed between listing and linking: not in the snapshot
    // File systems without hard links (some network or desktop-VM mounts): copy instead, still
    // with writes held back, so the copy is as consistent as a link.
    if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EMLINK')
      await fs.copyFile(from, to);
    else throw err;
  }
  const stat = await fs.stat(to);
  return { path: relative, size: stat.size, mode: stat.mode & 0o777, mtime: stat.mtime, source: to };
}
