/**
 * Quarantine: where a record file goes when it cannot be read and has no usable last good copy.
 * One bad record must not keep a service from starting for everyone else, and deleting it would
 * destroy the evidence someone needs to restore it: so it is moved, with its `.bak` and any copy
 * set aside earlier, under DATA_DIR/quarantine/<when>/<its path in DATA_DIR>, and the service
 * goes on without it. The folder is the record of what was quarantined: it survives restarts, and
 * an entry stays until an operator restores the file and removes the entry.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { backupPathOf, fsyncDir, storageFailure } from './durableWrite.js';

export const QUARANTINE_DIR = 'quarantine';

export interface QuarantinedFile {
  /** Where the file was, relative to DATA_DIR (e.g. `appliances/dupont-1a2b.json`). */
  file: string;
  /** Where it is now, relative to DATA_DIR. */
  movedTo: string;
  /** When it was moved (ISO). */
  at: string;
}

/** A folder name from an instant, safe on every file system (no ":"), sorting by time. */
function stampOf(now: Date): string {
  return now.toISOString().replace(/:/g, '-');
}

function instantOf(stamp: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2}(?:\.\d+)?Z)(?:-\d+)?$/.exec(stamp);
  return m ? `${m[1]}:${m[2]}:${m[3]}` : undefined;
}

/**
 * Moves `file` (inside `dataDir`), its last good copy and its earlier set-aside copies into the
 * quarantine; durable once it resolves. Returns what was recorded.
 */
export async function quarantineFile(dataDir: string, file: string, now: Date): Promise<QuarantinedFile> {
  const relative = path.relative(dataDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${file} is not inside ${dataDir}`);
  const root = path.join(dataDir, QUARANTINE_DIR);
  // Two files quarantined in the same millisecond share a folder; the same file twice does not.
  let stamp = stampOf(now);
  for (let i = 1; await exists(path.join(root, stamp, relative)); i++) stamp = `${stampOf(now)}-${i}`;
  const target = path.join(root, stamp, relative);
  const folder = path.dirname(file);
  const base = path.basename(file);
  try {
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
    const companions = (await fs.readdir(folder)).filter(
      (n) => n === path.basename(backupPathOf(file)) || n.startsWith(`${base}.corrupt-`),
    );
    for (const name of companions) await fs.rename(path.join(folder, name), path.join(path.dirname(target), name));
    await fs.rename(file, target).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // only its last good copy was there
    });
    await fsyncDir(path.dirname(target));
    await fsyncDir(folder);
  } catch (err) {
    throw storageFailure(err, file);
  }
  return { file: relative, movedTo: path.relative(dataDir, target), at: now.toISOString() };
}

/** Everything in DATA_DIR's quarantine, oldest first (the main file of each entry, not its copies). */
export async function listQuarantine(dataDir: string): Promise<QuarantinedFile[]> {
  const root = path.join(dataDir, QUARANTINE_DIR);
  let stamps: string[];
  try {
    stamps = (await fs.readdir(root)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: QuarantinedFile[] = [];
  for (const stamp of stamps) {
    const at = instantOf(stamp);
    if (!at) continue;
    const entries = await fs.readdir(path.join(root, stamp), { recursive: true, withFileTypes: true });
    const names = new Set(
      entries.filter((e) => e.isFile()).map((e) => path.relative(path.join(root, stamp), path.join(e.parentPath, e.name))),
    );
    for (const name of [...names].sort()) {
      // A copy stands for its main file only when that file itself was missing.
      const main = name.endsWith('.bak') ? name.slice(0, -'.bak'.length) : name.replace(/\.corrupt-\d+$/, '');
      if (main !== name && names.has(main)) continue;
      if (out.some((q) => q.file === main && q.movedTo === path.join(QUARANTINE_DIR, stamp, main))) continue;
      out.push({ file: main, movedTo: path.join(QUARANTINE_DIR, stamp, main), at });
    }
  }
  return out;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
