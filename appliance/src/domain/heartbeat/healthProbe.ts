/**
 * Health figures for the heartbeat, from systeminformation: CPU load, memory, free disk where
 * DATA_DIR lives, uptime — plus the size of DATA_DIR. Figures only: no path, name or host detail
 * leaves the cabinet.
 */
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface HostHealth {
  uptimeSeconds: number;
  cpuLoad: number;
  memoryUsedRatio: number;
  diskFreeBytes: number;
  diskFreeRatio: number;
  storageBytes: number;
}

const clamp = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/** Figures a minute old are fresh enough for a heartbeat, and spare the host repeated probes. */
const FRESH_FOR_MS = 60_000;
let last: { dataDir: string; at: number; health: Promise<HostHealth> } | undefined;

/**
 * The host's figures, probed at most once a minute: `systeminformation` runs `df` and friends
 * synchronously, blocking every request meanwhile, and "send a heartbeat now" can be asked for
 * many times in a row.
 */
export function probeHost(dataDir: string, now = Date.now()): Promise<HostHealth> {
  if (last && last.dataDir === dataDir && now - last.at < FRESH_FOR_MS) return last.health;
  const health = probe(dataDir);
  last = { dataDir, at: now, health };
  health.catch(() => {
    if (last?.health === health) last = undefined;
  });
  return health;
}

async function probe(dataDir: string): Promise<HostHealth> {
  // Loaded on the first probe (after the server listens): a restart should not wait for it.
  const { default: si } = await import('systeminformation');
  const [load, mem, disks, storageBytes] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize(), folderBytes(dataDir)]);
  const resolved = path.resolve(dataDir);
  // The file system holding DATA_DIR: the longest mount point that prefixes it.
  const disk = disks
    .filter((d) => resolved === d.mount || resolved.startsWith(d.mount.endsWith('/') ? d.mount : `${d.mount}/`))
    .sort((a, b) => b.mount.length - a.mount.length)[0];
  const size = disk?.size ?? 0;
  const free = disk?.available ?? 0;
  return {
    uptimeSeconds: Math.floor(si.time().uptime),
    cpuLoad: clamp(load.currentLoad / 100),
    memoryUsedRatio: clamp(mem.total > 0 ? mem.active / mem.total : 0),
    diskFreeBytes: Math.max(0, Math.floor(free)),
    diskFreeRatio: clamp(size > 0 ? free / size : 0),
    storageBytes,
  };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(p);
    else if (entry.isFile()) total += (await fs.stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
