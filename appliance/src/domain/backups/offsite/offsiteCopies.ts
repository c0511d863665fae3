/**
 * The off-site copies (docs/backup.md « Copies hors site »): the targets the admin page and
 * `appliance backup target …` manage, the push of each new backup to every enabled target with
 * that target's retention, and the status the admin page, `doctor` and the heartbeat read. A
 * target that fails is recorded (time, code, message) and never fails the local backup: the next
 * run pushes the newest backup again, so one bad night heals itself.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@iamanager/kernel/log';
import type { Document } from '@iamanager/kernel/storage';
import { DomainError } from '@iamanager/protocol';
import { ApplianceError } from '../../../errors.js';
import { checkFolder } from './folderTarget.js';
import { offsiteCopiesToRemove } from './offsiteRetention.js';
import { openOffsiteStore, type OffsiteFileContent, type TargetStatus } from './offsiteStore.js';
import { openTarget } from './targetFactory.js';
import { settingsFromFields, type TargetFields } from './targetFields.js';
import { publicTargetSettings, type TargetSettings } from './targetSettings.js';
import type { OffsiteFile, OffsiteTarget } from './target.js';

/** The last off-site copy is overdue after this long: backups run daily, so one missed night warns. */
export const OFFSITE_STALE_HOURS = 24;

export interface PushOutcome {
  target: string;
  ok: boolean;
  /** Older copies removed by the target's retention. */
  removed: string[];
  error: { code: string; message: string } | null;
}

export interface OffsiteTargetView {
  id: string;
  kind: string;
  label: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  status: TargetStatus;
}

export interface OffsiteStatus {
  /** The newest successful push across targets, or null. */
  lastOffsiteCopyAt: string | null;
  targets: OffsiteTargetView[];
}

const EMPTY_STATUS: TargetStatus = { lastSuccessAt: null, lastCopy: null, lastError: null };

export class OffsiteCopies {
  private constructor(
    private readonly doc: Document<OffsiteFileContent>,
    private readonly own: { dataDir: string; backupDir: string },
    private readonly clock: () => Date,
    private readonly log: Logger,
    /** Builds a target from its settings; tests may wrap it. */
    private readonly targetOf: (settings: TargetSettings) => OffsiteTarget,
  ) {}

  static async open(options: {
    dataDir: string;
    backupDir: string;
    clock: () => Date;
    log: Logger;
    targetOf?: (settings: TargetSettings) => OffsiteTarget;
  }): Promise<OffsiteCopies> {
    const doc = await openOffsiteStore(options.dataDir, options.log);
    return new OffsiteCopies(
      doc,
      { dataDir: options.dataDir, backupDir: options.backupDir },
      options.clock,
      options.log,
      options.targetOf ?? openTarget,
    );
  }

  flushed(): Promise<void> {
    return this.doc.adapter.flushed();
  }

  private settings(id: string): TargetSettings {
    const found = this.doc.data.targets.find((t) => t.id === id);
    if (!found)
      throw new ApplianceError('offsite_target_not_found', `no off-site target ${JSON.stringify(id)}: see appliance backup target list`, {
        id,
      });
    return found;
  }

  target(id: string): OffsiteTarget {
    return this.targetOf(this.settings(id));
  }

  /** Adds a target (`existingId` undefined) or edits one; secrets left empty on an edit are kept. */
  async save(fields: TargetFields, existingId?: string): Promise<OffsiteTargetView> {
    const existing = existingId === undefined ? undefined : this.settings(existingId);
    const settings = settingsFromFields(fields, existing, this.clock());
    if (existing === undefined && this.doc.data.targets.some((t) => t.id === settings.id))
      throw new ApplianceError('already_exists', `id: an off-site target ${settings.id} already exists: choose another id, or edit it`, {
        field: 'id',
      });
    if (settings.kind === 'folder') await checkFolder(settings.path, this.own);
    const targets = this.doc.data.targets.filter((t) => t.id !== settings.id);
    this.doc.data.targets = existing ? this.doc.data.targets.map((t) => (t.id === settings.id ? settings : t)) : [...targets, settings];
    await this.doc.write();
    this.log.info({ target: settings.id, kind: settings.kind }, existing ? 'offsite: target changed' : 'offsite: target added');
    return this.view(settings);
  }

  async remove(id: string): Promise<void> {
    this.settings(id);
    this.doc.data.targets = this.doc.data.targets.filter((t) => t.id !== id);
    delete this.doc.data.status[id];
    await this.doc.write();
    this.log.info({ target: id }, 'offsite: target removed (the copies already sent stay where they are)');
  }

  /** Connects, writes, reads back and removes a probe; throws the target's error (its code names what failed). */
  async test(id: string): Promise<void> {
    await this.target(id).test();
  }

  async list(id: string): Promise<OffsiteFile[]> {
    const files = await this.target(id).list();
    return files.sort((a, b) => b.name.localeCompare(a.name));
  }

  /**
   * Downloads NAME (default: the newest copy) from a target into `dir` under a temp name, for
   * `backup verify|restore --target`; the caller deletes the file after use.
   */
  async download(id: string, name: string | undefined, dir: string): Promise<{ name: string; file: string }> {
    const target = this.target(id);
    const chosen = name ?? (await this.list(id))[0]?.name;
    if (chosen === undefined) throw new ApplianceError('backup_not_found', `no backup on the off-site target ${id} yet`);
    if (chosen.includes('/') || chosen.startsWith('.'))
      throw new ApplianceError('invalid_input', `NAME: give a backup's name as \`appliance backup list --target ${id}\` prints it`);
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    // Swept at the next start like an interrupted backup's temp file (isBackupTemp) if the command is cut off.
    const file = path.join(dir, `.iamanager-offsite-${process.pid}-${chosen}.tmp`);
    try {
      await target.get(chosen, file);
    } catch (err) {
      await fs.rm(file, { force: true });
      throw err;
    }
    return { name: chosen, file };
  }

  /**
   * Sends a new backup to every enabled target, one after the other, then applies each target's
   * retention. Never throws: each target's outcome is recorded and returned.
   */
  async push(backup: { name: string; file: string }): Promise<PushOutcome[]> {
    const outcomes: PushOutcome[] = [];
    for (const settings of this.doc.data.targets.filter((t) => t.enabled)) {
      outcomes.push(await this.pushOne(settings, backup));
    }
    if (outcomes.length > 0) await this.doc.write();
    return outcomes;
  }

  private async pushOne(settings: TargetSettings, backup: { name: string; file: string }): Promise<PushOutcome> {
    const previous = this.doc.data.status[settings.id] ?? EMPTY_STATUS;
    const target = this.targetOf(settings);
    try {
      await target.put(backup.name, backup.file);
      const at = this.clock().toISOString();
      this.doc.data.status[settings.id] = { lastSuccessAt: at, lastCopy: backup.name, lastError: null };
      let removed: string[] = [];
      try {
        removed = offsiteCopiesToRemove(
          (await target.list()).map((f) => f.name),
          settings.retention,
          this.clock(),
        );
        for (const name of removed) await target.remove(name);
      } catch (err) {
        // The copy is there: a failed clean-up is reported and retried next time, not a failed push.
        this.doc.data.status[settings.id] = { lastSuccessAt: at, lastCopy: backup.name, lastError: this.failure(err, 'retention') };
        this.log.warn({ err, target: settings.id }, 'offsite: retention failed');
      }
      this.log.info({ target: settings.id, backup: backup.name, removed }, 'offsite: copy sent');
      return { target: settings.id, ok: true, removed, error: null };
    } catch (err) {
      const failure = this.failure(err, 'push');
      this.doc.data.status[settings.id] = { ...previous, lastError: failure };
      this.log.error({ err, target: settings.id, backup: backup.name }, 'offsite: copy failed');
      return { target: settings.id, ok: false, removed: [], error: { code: failure.code, message: failure.message } };
    } finally {
      await target.close?.().catch(() => undefined);
    }
  }

  private failure(err: unknown, during: 'push' | 'retention'): { at: string; code: string; message: string } {
    const code = err instanceof DomainError ? err.code : 'offsite_write_failed';
    const message = `${during === 'retention' ? 'removing old copies: ' : ''}${(err as Error).message}`;
    return { at: this.clock().toISOString(), code, message };
  }

  private view(settings: TargetSettings): OffsiteTargetView {
    return {
      id: settings.id,
      kind: settings.kind,
      label: settings.label,
      enabled: settings.enabled,
      settings: publicTargetSettings(settings),
      status: this.doc.data.status[settings.id] ?? EMPTY_STATUS,
    };
  }

  status(): OffsiteStatus {
    const targets = this.doc.data.targets.map((t) => this.view(t));
    const times = targets.map((t) => t.status.lastSuccessAt).filter((t): t is string => t !== null);
    return { lastOffsiteCopyAt: times.sort().at(-1) ?? null, targets };
  }

  lastOffsiteCopyAt(): string | null {
    return this.status().lastOffsiteCopyAt;
  }

  /**
   * The warning the admin page and `doctor` show, or null: the last off-site copy is older than a
   * day, or there is none while backups run (a local backup exists). An appliance with no backup
   * at all is warned about by the backup check itself.
   */
  staleness(
    lastBackupAt: string | null,
  ): { kind: 'none' | 'stale' | 'no-target'; lastOffsiteCopyAt: string | null; hours: number | null } | null {
    const last = this.lastOffsiteCopyAt();
    const enabled = this.doc.data.targets.some((t) => t.enabled);
    if (last === null) {
      if (lastBackupAt === null) return null;
      return { kind: enabled ? 'none' : 'no-target', lastOffsiteCopyAt: null, hours: null };
    }
    const hours = (this.clock().getTime() - Date.parse(last)) / 3600_000;
    return hours > OFFSITE_STALE_HOURS ? { kind: 'stale', lastOffsiteCopyAt: last, hours: Math.floor(hours) } : null;
  }
}
