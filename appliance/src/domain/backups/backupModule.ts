/**
 * The backups as a module of the appliance: opens them, makes the last backup time reach the
 * heartbeat and the admin page, and runs the daily schedule once `serve` starts it.
 */
import type { Appliance } from '../../appliance.js';
import { Backups, NOT_CONFIGURED } from './backups.js';

export interface BackupModule {
  /** Starts the daily schedule (`serve` only: a one-off CLI command never schedules anything). */
  start(): void;
  close(): Promise<void>;
}

export async function openBackupModule(appliance: Appliance): Promise<BackupModule> {
  const backups = await Backups.open({ dataDir: appliance.config.dataDir, config: appliance.config.backup, version: appliance.config.version, clock: appliance.clock, log: appliance.log });
  appliance.backups = backups;
  return {
    start: () => {
      if (!backups.configured) appliance.log.warn(NOT_CONFIGURED);
      backups.startSchedule();
    },
    close: () => {
      backups.stopSchedule();
      return Promise.resolve();
    },
  };
}
