/**
 * A folder target: an SMB or NFS share the IT person mounted on the Docker host (or the VM) and
 * bound into the appliance (docs/backup.md « Copies hors site »). Writes are durable the same way
 * the appliance's own files are: a temp file, fsync, rename, fsync of the folder — so a copy cut
 * off halfway (network drop, power loss) never carries a backup's name.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, fsyncPath } from '@iamanager/kernel/storage';
import { ApplianceError } from '../../../errors.js';
import { parseBackupName } from '../backupFiles.js';
import type { FolderSettings } from './targetSettings.js';
import type { OffsiteFile, OffsiteTarget } from './target.js';

const PART = '.part';
const PROBE = '.iamanager-offsite-probe';

/** `a` is `b` or lies inside it. */
const within = (a: string, b: string) => a === b || a.startsWith(`${b}${path.sep}`);

/**
 * Refuses a folder that is not somewhere else: the appliance's own DATA_DIR or BACKUP_DIR (or a
 * folder holding or inside either) would be lost with the appliance, which is what the copy is
 * for. A folder that does not exist is refused too: the share is not mounted.
 */
export async function checkFolder(folder: string, own: { dataDir: string; backupDir: string }): Promise<void> {
  const resolved = path.resolve(folder);
  for (const [name, dir] of [
    ['DATA_DIR', own.dataDir],
    ['BACKUP_DIR', own.backupDir],
  ] as const) {
    const mine = path.resolve(dir);
    if (within(resolved, mine) || within(mine, resolved))
      throw new ApplianceError(
        'offsite_target_refused',
        `path: ${resolved} is the appliance's own ${name} (${mine}) or holds it: a copy there dies with the appliance; give the folder where the cabinet's share (SMB/NFS) is mounted`,
        { field: 'path' },
      );
  }
  const stat = await fs.stat(resolved).catch(() => undefined);
  if (!stat?.isDirectory())
    throw new ApplianceError(
      'offsite_target_refused',
      `path: ${resolved} is not a folder on the appliance: mount the share there first (and bind it into the container), then add the target`,
      { field: 'path' },
    );
}

/** The file system's failure as an off-site error naming the folder and what to check. */
function failure(err: unknown, folder: string, doing: 'write' | 'read'): ApplianceError {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof ApplianceError) return err;
  if (code === 'ENOENT' && doing === 'write')
    return new ApplianceError('offsite_unreachable', `${folder} is gone: is the share still mounted? (${(err as Error).message})`);
  return new ApplianceError(
    doing === 'write' ? 'offsite_write_failed' : 'offsite_read_failed',
    `cannot ${doing} in ${folder}: ${(err as Error).message}${code === 'EACCES' || code === 'EPERM' ? ' (give the appliance’s user the right to write there)' : ''}`,
  );
}

export class FolderTarget implements OffsiteTarget {
  readonly kind = 'folder' as const;
  readonly id: string;
  readonly label: string;
  private readonly folder: string;

  constructor(settings: FolderSettings) {
    this.id = settings.id;
    this.label = settings.label;
    this.folder = path.resolve(settings.path);
  }

  private async present(): Promise<void> {
    const stat = await fs.stat(this.folder).catch(() => undefined);
    if (!stat?.isDirectory())
      throw new ApplianceError(
        'offsite_unreachable',
        `${this.folder} does not exist or is not a folder: is the share mounted (and bound into the container)?`,
      );
  }

  async put(name: string, localPath: string): Promise<void> {
    await this.present();
    const final = path.join(this.folder, name);
    const part = path.join(this.folder, `.${name}${PART}`);
    try {
      await fs.copyFile(localPath, part);
      await fsyncPath(part);
      const [sent, local] = await Promise.all([fs.stat(part), fs.stat(localPath)]);
      if (sent.size !== local.size)
        throw new ApplianceError(
          'offsite_copy_mismatch',
          `${part}: ${sent.size} bytes written of ${local.size}: the share is full or failing`,
        );
      await fs.rename(part, final);
      await fsyncDir(this.folder);
    } catch (err) {
      await fs.rm(part, { force: true }).catch(() => undefined);
      throw failure(err, this.folder, 'write');
    }
  }

  async list(): Promise<OffsiteFile[]> {
    await this.present();
    try {
      const out: OffsiteFile[] = [];
      for (const name of await fs.readdir(this.folder)) {
        if (!parseBackupName(name)) continue;
        const stat = await fs.stat(path.join(this.folder, name)).catch(() => undefined);
        if (stat?.isFile()) out.push({ name, size: stat.size, modifiedAt: stat.mtime.toISOString() });
      }
      return out;
    } catch (err) {
      throw failure(err, this.folder, 'read');
    }
  }

  async get(name: string, localPath: string): Promise<void> {
    await this.present();
    const source = path.join(this.folder, name);
    if (!parseBackupName(name) || !(await fs.stat(source).catch(() => undefined))?.isFile())
      throw new ApplianceError('backup_not_found', `no backup ${name} in ${this.folder} (see appliance backup list --target ${this.id})`);
    try {
      await fs.copyFile(source, localPath);
    } catch (err) {
      throw failure(err, this.folder, 'read');
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await fs.rm(path.join(this.folder, name), { force: true });
      await fsyncDir(this.folder);
    } catch (err) {
      throw failure(err, this.folder, 'write');
    }
  }

  async test(): Promise<void> {
    await this.present();
    const probe = path.join(this.folder, PROBE);
    const text = `iamanager off-site probe ${new Date().toISOString()}`;
    try {
      await fs.writeFile(probe, text);
      await fsyncPath(probe);
    } catch (err) {
      throw failure(err, this.folder, 'write');
    }
    try {
      if ((await fs.readFile(probe, 'utf8')) !== text)
        throw new ApplianceError('offsite_read_failed', `${probe} reads back different from what was written: the share is failing`);
    } catch (err) {
      throw failure(err, this.folder, 'read');
    } finally {
      await fs.rm(probe, { force: true }).catch(() => undefined);
    }
  }
}
