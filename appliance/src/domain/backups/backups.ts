/**
 * The appliance's backups: `create` (one at a time: the CLI, the daily schedule and an update may
 * ask at once), retention after each success, the status the admin page, `doctor` and the
 * heartbeat read, and the daily schedule while `serve` runs. The last successful backup is the
 * newest file in BACKUP_DIR, so it stays true across restarts and after a restore.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import { storageFailure, sweepTempFiles } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import type { BackupConfig } from '../../config.js';
import { writeBackupFile, type BackupCounts } from './backupArchive.js';
import { backupName, isBackupTemp, listBackupFiles, pruneBackups, type BackupFile } from './backupFiles.js';
import { newHeader, type BackupKind } from './backupFormat.js';
import { nextBackupAt } from './schedule.js';
import { isSnapshotLeftover, takeSnapshot } from './snapshot.js';
import { ApplianceError } from '../../errors.js';
import type { OffsiteCopies, PushOutcome } from './offsite/offsiteCopies.js';

export interface BackupResult {
  name: string;
  file: string;
  kind: BackupKind;
  createdAt: string;
  bytes: number;
  files: number;
  counts: BackupCounts;
  /** How long storage writes were held back for the snapshot. */
  writesHeldMs: number;
  durationMs: number;
  /** Older backups deleted by the retention policy. */
  removed: string[];
  /** Each enabled off-site target's push of this backup (a failed one does not fail the backup). */
  offsite: PushOutcome[];
}

export interface BackupStatus {
  configured: boolean;
  dir: string;
  dailyAt: string | null;
  lastBackupAt: string | null;
  nextBackupAt: string | null;
  backups: number;
  /** The last failure, with its stable code (`storage_full`, `storage_unwritable`, …) for pages to translate. */
  lastError: { at: string; code: string; message: string } | null;
}

export const NOT_CONFIGURED =
  'BACKUP_PASSPHRASE is not set: backups are OFF. Set BACKUP_PASSPHRASE (or BACKUP_PASSPHRASE_FILE) to a passphrase of at least 16 characters, and keep it outside the appliance: without it no backup can ever be restored';

export class Backups {
  private newest: Date | null = null;
  private count = 0;
  private lastError: { at: Date; code: string; message: string } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private due: Date | undefined;
  private readonly startedAt: Date;

  private constructor(
    private readonly dataDir: string,
    private readonly config: BackupConfig,
    private readonly version: string,
    private readonly clock: () => Date,
    private readonly log: Logger,
    /** Local days and BACKUP_TIME are in this zone: the system's (TZ) unless a test says otherwise. */
    private readonly zone: string,
    private readonly offsite: OffsiteCopies | undefined,
  ) {
    this.startedAt = clock();
  }

  static async open(options: {
    dataDir: string;
    config: BackupConfig;
    version: string;
    clock: () => Date;
    log: Logger;
    zone?: string;
    /** Where each new backup is copied off site (docs/backup.md « Copies hors site »). */
    offsite?: OffsiteCopies;
  }): Promise<Backups> {
    const backups = new Backups(
      options.dataDir,
      options.config,
      options.version,
      options.clock,
      options.log,
      options.zone ?? DateTime.local().zoneName,
      options.offsite,
    );
    await sweepTempFiles(options.dataDir, isSnapshotLeftover);
    await sweepTempFiles(options.config.dir, isBackupTemp);
    try {
      await backups.refresh();
    } catch (err) {
      // An unusable BACKUP_DIR must not stop the cabinet's work: it is reported (doctor, admin page, log).
      backups.lastError = {
        at: options.clock(),
        code: codeOf(err, options.config.dir),
        message: `cannot read BACKUP_DIR ${options.config.dir}: ${(err as Error).message}`,
      };
      options.log.error({ err }, 'backup: BACKUP_DIR cannot be read');
    }
    return backups;
  }

  get configured(): boolean {
    return this.config.passphrase !== undefined;
  }

  private async refresh(): Promise<void> {
    this.remember(await listBackupFiles(this.config.dir));
  }

  /** The backups on disk, newest first, as the status reports them. */
  private remember(files: readonly BackupFile[]): void {
    this.newest = files[0]?.createdAt ?? null;
    this.count = files.length;
  }

  lastBackupAt(): string | null {
    return this.newest?.toISOString() ?? null;
  }

  /** Makes a backup now (after any already under way), then applies the retention policy. */
  create(kind: BackupKind): Promise<BackupResult> {
    const run = this.queue.then(() => this.createNow(kind));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async createNow(kind: BackupKind): Promise<BackupResult> {
    const passphrase = this.config.passphrase;
    if (passphrase === undefined) throw new ApplianceError('backup_not_configured', NOT_CONFIGURED);
    const started = performance.now();
    const createdAt = this.clock();
    try {
      await fs.mkdir(this.config.dir, { recursive: true, mode: 0o750 });
      // The key first: scrypt takes a moment, and writes are never held back for it.
      const { header, keys } = await newHeader(passphrase, { createdAt: createdAt.toISOString(), kind, applianceVersion: this.version });
      const snapshot = await takeSnapshot(this.dataDir);
      const name = backupName(createdAt, kind);
      const file = path.join(this.config.dir, name);
      let written: Awaited<ReturnType<typeof writeBackupFile>>;
      try {
        written = await writeBackupFile(file, snapshot.files, header, keys);
      } finally {
        await snapshot.release();
      }
      const { removed, kept } = await pruneBackups(this.config.dir, this.zone);
      this.remember(kept);
      this.lastError = null;
      // After the local backup is complete: a target down or slow never costs the local copy.
      const offsite = this.offsite
        ? await this.offsite.push({ name, file }).catch((err: unknown) => {
            // Recording the outcome failed (a full disk): the local backup stands all the same.
            this.log.error({ err }, 'backup: off-site status could not be saved');
            return [];
          })
        : [];
      const result: BackupResult = {
        name,
        file,
        kind,
        createdAt: createdAt.toISOString(),
        bytes: written.bytes,
        files: written.manifest.files.length,
        counts: written.manifest.counts,
        writesHeldMs: Math.round(snapshot.heldMs),
        durationMs: Math.round(performance.now() - started),
        removed,
        offsite,
      };
      this.log.info(
        {
          backup: name,
          bytes: result.bytes,
          files: result.files,
          writesHeldMs: result.writesHeldMs,
          durationMs: result.durationMs,
          removed,
        },
        'backup: created',
      );
      return result;
    } catch (err) {
      this.lastError = { at: createdAt, code: codeOf(err, this.config.dir), message: (err as Error).message };
      this.log.error({ err, kind }, 'backup: failed');
      throw err;
    }
  }

  status(): BackupStatus {
    const dailyAt = this.config.dailyAt;
    return {
      configured: this.configured,
      dir: this.config.dir,
      dailyAt: dailyAt ? `${String(dailyAt.hour).padStart(2, '0')}:${String(dailyAt.minute).padStart(2, '0')}` : null,
      lastBackupAt: this.lastBackupAt(),
      nextBackupAt: this.timer && this.due ? this.due.toISOString() : null,
      backups: this.count,
      lastError: this.lastError
        ? { at: this.lastError.at.toISOString(), code: this.lastError.code, message: this.lastError.message }
        : null,
    };
  }

  private nextAt(): Date {
    return nextBackupAt(this.clock(), {
      dailyAt: this.config.dailyAt!,
      zone: this.zone,
      startedAt: this.startedAt,
      lastSuccessAt: this.newest,
      lastFailureAt: this.lastError?.at ?? null,
    });
  }

  /**
   * Runs the daily backups while `serve` runs (not for one-off CLI commands). Wakes at least hourly
   * to look again, so a changed clock or a backup made meanwhile is taken into account.
   */
  startSchedule(): void {
    if (!this.configured || !this.config.dailyAt) return;
    this.due = this.nextAt();
    const arm = () => {
      const delay = Math.min(3600_000, Math.max(0, this.due!.getTime() - this.clock().getTime()));
      this.timer = setTimeout(() => void tick(), delay);
      this.timer.unref();
    };
    const tick = async () => {
      if (this.due && this.due.getTime() <= this.clock().getTime()) {
        await this.create('scheduled').catch(() => undefined); // logged, and shown as lastError
        this.due = this.nextAt();
      } else {
        const next = this.nextAt();
        if (this.due && next < this.due) this.due = next;
      }
      if (this.timer) arm();
    };
    arm();
  }

  stopSchedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = undefined;
  }
}

/** A failure's stable code: the DomainError's, else the file system's (ENOTDIR, EACCES…). */
/** The failure's stable code: `storage_full` and `storage_unwritable` as everywhere else, or the error's own. */
function codeOf(err: unknown, dir: string): string {
  const code = (storageFailure(err, dir) as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'internal';
}
