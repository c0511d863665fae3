/**
 * The appliance's state, opened once by `serve` (or by a CLI command when no server runs): every
 * store and service, wired together. Routes and commands receive this object and call its parts.
 */
import type { Logger } from '@iamanager/protocol/log';
import type { Document } from '@iamanager/protocol/storage';
import { clockOf, type Config } from './config.js';
import { ErrorCounter } from './errorCounter.js';
import { HeartbeatAgent } from './heartbeat/agent.js';
import { HeartbeatOutbox } from './heartbeat/outbox.js';
import { ClockGuard } from './license/clockGuard.js';
import { LicenseStore } from './license/licenseStore.js';
import { LoginLimiter } from './auth/loginLimiter.js';
import { SessionKeys } from './auth/sessions.js';
import { UsageCounters } from './usage/usageCounters.js';
import { openUserStore, type UsersFile } from './users/userStore.js';
import { Users } from './users/users.js';

export interface Appliance {
  config: Config;
  log: Logger;
  /** The appliance's clock (real time, shifted only in tests). */
  clock: () => Date;
  clockGuard: ClockGuard;
  license: LicenseStore;
  usage: UsageCounters;
  users: Users;
  usersDoc: Document<UsersFile>;
  sessions: SessionKeys;
  loginLimiter: LoginLimiter;
  outbox: HeartbeatOutbox;
  heartbeats: HeartbeatAgent & { resetForNewEnrollment(applianceId: string): Promise<void> };
  errors: ErrorCounter;
  /** Open (non-archived) cases: set by the case module when it opens. */
  casesOpen: () => number;
  /** Time of the last successful backup: set by the backup module when it opens. */
  lastBackupAt: () => Promise<string | null>;
  close(): Promise<void>;
}

export async function openAppliance(config: Config, log: Logger): Promise<Appliance> {
  const clock = clockOf(config);
  const clockGuard = await ClockGuard.open(config.dataDir, clock);
  if (clockGuard.setBack) log.warn({ latestSeenAt: clockGuard.latestSeenAt() }, 'clock: the system clock is behind a time this appliance already saw');
  const license = await LicenseStore.open(config.dataDir, config.envLimits, clockGuard, log);
  const usage = await UsageCounters.open(config.dataDir, log);
  const usersDoc = await openUserStore(config.dataDir, log);
  const users = new Users(usersDoc, license, clock);
  const outbox = await HeartbeatOutbox.open(config.dataDir, log);
  const errors = new ErrorCounter();

  const appliance = {
    config,
    log,
    clock,
    clockGuard,
    license,
    usage,
    users,
    usersDoc,
    sessions: new SessionKeys(config.secretKey),
    loginLimiter: new LoginLimiter(config.loginMaxFailures, config.loginLockSeconds),
    outbox,
    errors,
    casesOpen: () => 0,
    lastBackupAt: () => Promise.resolve(null),
  } as Omit<Appliance, 'heartbeats' | 'close'> as Appliance;

  const agent = new HeartbeatAgent(
    outbox,
    {
      dataDir: config.dataDir,
      version: config.version,
      controlPlaneUrl: config.controlPlaneUrl,
      clock,
      license,
      usage,
      usersActive: () => users.activeCount(),
      casesOpen: () => appliance.casesOpen(),
      lastBackupAt: () => appliance.lastBackupAt(),
      errors24h: () => errors.last24h(),
    },
    log,
  );
  appliance.heartbeats = Object.assign(agent, { resetForNewEnrollment: (id: string) => outbox.reset(id) });
  appliance.close = async () => {
    await agent.stop();
    await Promise.all([usersDoc.adapter.flushed(), outbox.doc.adapter.flushed()]);
  };
  return appliance;
}
