/**
 * The backups as a module of the appliance: runs the daily schedule once `serve` starts it, and
 * stops it on close. The backups themselves are opened with the appliance (`appliance.backups`):
 * the heartbeat, the admin page and the CLI read them whether or not anything is scheduled.
 */
import type { Appliance } from '../../appliance.js';
import { NOT_CONFIGURED } from './backups.js';

export interface BackupModule {
  /** Starts the daily schedule (`serve` only: a one-off CLI command never schedules anything). */
  start(): void;
  close(): Promise<void>;
}

export function backupModule(appliance: Pick<Appliance, 'backups' | 'log'>): BackupModule {
  const { backups, log } = appliance;
  return {
    start: () => {
      if (!backups.configured) log.warn(NOT_CONFIGURED);
      backups.startSchedule();
    },
    close: () => {
      backups.stopSchedule();
      return Promise.resolve();
    },
  };
}
