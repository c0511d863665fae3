/**
 * `appliance backup create|list|verify|restore`. `create` runs where the data is open — in the
 * server through its command socket, or in the CLI under the DATA_DIR lock — so its snapshot is
 * taken under that process's write gate. `list` and `verify` only read BACKUP_DIR and need no
 * lock; `restore` needs the appliance stopped (restore.ts).
 */
import path from 'node:path';
import fs from 'node:fs/promises';
import type { Appliance } from '../appliance.js';
import type { Config } from '../config.js';
import { readBackupFile } from '../domain/backups/backupArchive.js';
import { listBackupFiles, readBackupHeader } from '../domain/backups/backupFiles.js';
import { RETENTION } from '../domain/backups/retention.js';
import type { BackupResult } from '../domain/backups/backups.js';
import { restoreBackup, type RestoreResult } from '../domain/backups/restore.js';
import { ApplianceError } from '../errors.js';

const WARNING = 'Keep BACKUP_PASSPHRASE outside the appliance: without it no backup can be restored.';

/** The registered `backup create` command: `--kind manual` (default) or `pre-update`. */
export async function createBackupCommand(appliance: Appliance, args: Record<string, string | boolean>): Promise<BackupResult> {
  const kind = args.kind ?? 'manual';
  if (kind !== 'manual' && kind !== 'pre-update')
    throw new ApplianceError('invalid_input', '--kind: must be manual or pre-update (scheduled backups are made by the appliance itself)');
  return appliance.backups.create(kind);
}

/** The passphrase to read backups with: piped in (`--passphrase-stdin`), else the configured one. */
function passphraseFor(config: Config, piped: string | undefined): string {
  if (piped !== undefined) {
    const line = piped.replace(/\r?\n$/, '');
    if (line === '')
      throw new ApplianceError(
        'invalid_input',
        '--passphrase-stdin: nothing was piped in; e.g. printf \'%s\\n\' "$PASSPHRASE" | appliance backup verify FILE --passphrase-stdin',
      );
    return line.normalize('NFC');
  }
  if (config.backup.passphrase === undefined)
    throw new ApplianceError(
      'backup_not_configured',
      'no passphrase: set BACKUP_PASSPHRASE (or BACKUP_PASSPHRASE_FILE) to the one the backup was made with, or pipe it in with --passphrase-stdin',
    );
  return config.backup.passphrase;
}

/** FILE as given, or a name from `backup list` in BACKUP_DIR; without FILE, the newest backup. */
async function resolveBackup(config: Config, file: string | undefined): Promise<string> {
  if (file === undefined) {
    const newest = (await listBackupFiles(config.backup.dir))[0];
    if (!newest)
      throw new ApplianceError('backup_not_found', `no backup in ${config.backup.dir}: run \`appliance backup create\`, or give the file`);
    return newest.file;
  }
  if (!file.includes('/')) {
    const inDir = path.join(config.backup.dir, file);
    if (
      await fs.stat(inDir).then(
        () => true,
        () => false,
      )
    )
      return inDir;
  }
  return path.resolve(file);
}

export async function listBackups(config: Config): Promise<{
  dir: string;
  backups: Array<{ name: string; createdAt: string; kind: string; bytes: number; applianceVersion: string | null; problem: string | null }>;
}> {
  const backups = [];
  for (const b of await listBackupFiles(config.backup.dir)) {
    let applianceVersion: string | null = null;
    let problem: string | null = null;
    try {
      applianceVersion = (await readBackupHeader(b.file)).applianceVersion;
    } catch (err) {
      problem = (err as Error).message;
    }
    backups.push({ name: b.name, createdAt: b.createdAt.toISOString(), kind: b.kind, bytes: b.bytes, applianceVersion, problem });
  }
  return { dir: config.backup.dir, backups };
}

export async function verifyBackup(
  config: Config,
  file: string | undefined,
  piped: string | undefined,
): Promise<{ ok: true; file: string; createdAt: string; kind: string; bytes: number; files: number; counts: Record<string, number> }> {
  const resolved = await resolveBackup(config, file);
  const passphrase = passphraseFor(config, piped);
  const { header, manifest } = await readBackupFile(resolved, passphrase);
  const { size } = await fs.stat(resolved);
  return {
    ok: true,
    file: resolved,
    createdAt: header.createdAt,
    kind: header.kind,
    bytes: size,
    files: manifest.files.length,
    counts: manifest.counts,
  };
}

export async function restoreFromBackup(
  config: Config,
  socketPath: string,
  file: string | undefined,
  piped: string | undefined,
  force: boolean,
): Promise<RestoreResult> {
  if (file === undefined)
    throw new ApplianceError(
      'invalid_input',
      'FILE: give the backup to restore, e.g. appliance backup restore iamanager-20260315T023000000Z-scheduled.iambak (see appliance backup list)',
    );
  const resolved = await resolveBackup(config, file);
  return restoreBackup({
    dataDir: config.dataDir,
    socketPath,
    file: resolved,
    passphrase: passphraseFor(config, piped),
    force,
    now: new Date(),
  });
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const countsText = (c: Record<string, number>) =>
  `${c.cases} cases, ${c.documents} documents, ${c.users} users, ${c.auditEntries} audit entries`;

/** Each off-site target's push of a new backup: sent (and what its retention removed), or why not. */
const offsiteText = (r: BackupResult) =>
  r.offsite
    .map((o) =>
      o.ok
        ? `\ncopied off site to ${o.target}${o.removed.length > 0 ? ` (removed there by its retention: ${o.removed.join(', ')})` : ''}`
        : `\nOFF-SITE COPY to ${o.target} FAILED [${o.error?.code}]: ${o.error?.message} (the local backup is fine; retried at the next backup)`,
    )
    .join('');

/** One-line summaries for the terminal (`--json` prints the objects themselves). */
export const describeBackup = {
  created: (r: BackupResult) =>
    `backup written: ${r.file} (${mb(r.bytes)}; ${countsText(r.counts)})${r.removed.length > 0 ? `\nremoved by retention (${RETENTION.daily} daily, ${RETENTION.weekly} weekly, ${RETENTION.monthly} monthly): ${r.removed.join(', ')}` : ''}${offsiteText(r)}\n${WARNING}`,
  list: (l: Awaited<ReturnType<typeof listBackups>>) =>
    l.backups.length === 0
      ? `no backup in ${l.dir}`
      : [
          `${l.backups.length} backup(s) in ${l.dir}, newest first:`,
          ...l.backups.map((b) => `  ${b.name}  ${mb(b.bytes)}${b.problem ? `  DAMAGED: ${b.problem}` : ''}`),
        ].join('\n'),
  verified: (v: Awaited<ReturnType<typeof verifyBackup>>) =>
    `ok: ${v.file} decrypts and matches its manifest (${v.files} files; ${countsText(v.counts)}; made ${v.createdAt})`,
  restored: (r: RestoreResult) =>
    `restored ${r.file} (made ${r.createdAt}; ${countsText(r.counts)})${r.previousData ? `\nthe data that was there is kept in ${r.previousData}: delete it once the restored appliance is checked` : ''}\nstart the appliance again, then run \`appliance audit verify\``,
};
