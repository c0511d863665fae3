/**
 * A real full disk without touching the host: the service runs in a private mount namespace
 * (`unshare -rm`: a user namespace maps us to root in it, so no real root is needed) on a small
 * tmpfs mounted over its DATA_DIR and seeded with a prepared data directory. Outside the namespace
 * the mount is invisible; the test reaches the files through /proc/<pid>/root.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { spawnKillable, type KillableService } from './killable.js';

/** Why a tiny disk cannot be made here, or null when it can. */
export function tinyDiskUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux (mount namespaces and tmpfs)';
  try {
    execFileSync('unshare', ['-rm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d" && rmdir "$d"'], {
      stdio: 'ignore',
    });
    return null;
  } catch {
    return 'unprivileged user namespaces are disabled here (unshare -rm fails): cannot mount a tmpfs without root';
  }
}

export interface TinyDiskService {
  url: string;
  service: KillableService;
  /** DATA_DIR as this process sees it (through /proc/<pid>/root). */
  root: string;
  /** Fills the disk to the last byte a file can take; returns how many bytes that was. */
  fill(): number;
  /** Deletes what `fill` wrote. */
  free(): void;
  /** Copies DATA_DIR out (regular files and folders) to `dest`, e.g. to restart on the same state. */
  copyOut(dest: string): void;
}

const FILLER = 'zz-filler.bin';

/**
 * Starts `node <script> serve` with DATA_DIR on a fresh tmpfs of `sizeBytes` holding a copy of
 * `seedDir`. `env` must carry everything but DATA_DIR.
 */
export async function startOnTinyDisk(
  script: string,
  seedDir: string,
  sizeBytes: number,
  env: NodeJS.ProcessEnv,
): Promise<TinyDiskService> {
  const dataDir = fs.mkdtempSync(path.join(path.dirname(seedDir), 'tiny-'));
  const wrapper = [
    'unshare',
    '-rm',
    'sh',
    '-c',
    'mount -t tmpfs -o "size=$1" tmpfs "$0" && cp -a "$2/." "$0/" && shift 2 && exec "$@"',
    dataDir,
    String(sizeBytes),
    seedDir,
  ];
  const service = spawnKillable(script, { ...env, DATA_DIR: dataDir }, { cwd: path.dirname(dataDir), wrapper });
  const port = await service.listening;
  if (port === null) throw new Error(`the service did not start on the tiny disk:\n${service.output().slice(-3000)}`);
  const root = `/proc/${service.child.pid}/root${dataDir}`;
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    root,
    fill() {
      const fd = fs.openSync(path.join(root, FILLER), 'a');
      let written = 0;
      try {
        for (let chunk = 1 << 20; chunk >= 1;) {
          try {
            written += fs.writeSync(fd, Buffer.alloc(chunk, 0x61));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            chunk = Math.floor(chunk / 2);
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      return written;
    },
    free() {
      fs.rmSync(path.join(root, FILLER), { force: true });
    },
    copyOut(dest: string) {
      fs.cpSync(root, dest, {
        recursive: true,
        filter: (src) => src !== path.join(root, FILLER) && (fs.lstatSync(src).isFile() || fs.lstatSync(src).isDirectory()),
      });
    },
  };
}
