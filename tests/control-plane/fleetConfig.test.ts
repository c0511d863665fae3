/** Fleet health and dashboard settings are read and checked once, at start-up, with their fixes. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@iamanager/kernel/config';
import { readConfig } from '../../control-plane/src/config.js';

const NO_DOTENV = '/nonexistent/.env';
const problemsOf = (env: Record<string, string>) => {
  try {
    readConfig({ DATA_DIR: '/tmp/cp', ...env }, NO_DOTENV);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('fleet health configuration', () => {
  it("defaults to the issue's thresholds", () => {
    const config = readConfig({ DATA_DIR: '/tmp/cp' }, NO_DOTENV);
    expect(config.fleet).toEqual({
      diskWarningRatio: 0.15,
      diskCriticalRatio: 0.05,
      backupMaxAgeHours: 36,
      // Issue 17: no off-site copy for 3 days.
      offsiteMaxAgeHours: 72,
      licenseWarningDays: 14,
      staleIntervals: 3,
      offlineHours: 24,
    });
    expect(config.fleetCheckIntervalSeconds).toBe(60);
    expect(config.dashboard).toEqual({ sessionHours: 12, loginMaxFailures: 5, loginLockSeconds: 900, secondFactorRequiredFor: ['admin'] });
  });

  it('takes other thresholds from the environment', () => {
    const config = readConfig(
      { DATA_DIR: '/tmp/cp', FLEET_DISK_WARNING_PERCENT: '20', FLEET_DISK_CRITICAL_PERCENT: '8', FLEET_OFFLINE_HOURS: '48' },
      NO_DOTENV,
    );
    expect(config.fleet).toMatchObject({ diskWarningRatio: 0.2, diskCriticalRatio: 0.08, offlineHours: 48 });
    expect(readConfig({ DATA_DIR: '/tmp/cp', FLEET_OFFSITE_MAX_AGE_HOURS: '168' }, NO_DOTENV).fleet.offsiteMaxAgeHours).toBe(168);
    expect(problemsOf({ FLEET_OFFSITE_MAX_AGE_HOURS: '0' })).toEqual([
      'FLEET_OFFSITE_MAX_AGE_HOURS: must be a whole number from 1 to 8760 (got "0"); unset it for the default 72',
    ]);
  });

  it('refuses a critical disk threshold at or above the warning one', () => {
    expect(problemsOf({ FLEET_DISK_WARNING_PERCENT: '10', FLEET_DISK_CRITICAL_PERCENT: '10' })).toEqual([
      'FLEET_DISK_CRITICAL_PERCENT: must be below FLEET_DISK_WARNING_PERCENT (10)',
    ]);
  });

  it('refuses an offline threshold that comes before the stale one', () => {
    expect(problemsOf({ HEARTBEAT_INTERVAL_SECONDS: '3600', FLEET_STALE_INTERVALS: '30', FLEET_OFFLINE_HOURS: '24' })).toEqual([
      'FLEET_OFFLINE_HOURS: must be longer than FLEET_STALE_INTERVALS × HEARTBEAT_INTERVAL_SECONDS (108000 s), or an appliance would go offline before it goes stale',
    ]);
  });

  it('lists every out-of-range value with its range and default', () => {
    const problems = problemsOf({ FLEET_DISK_WARNING_PERCENT: '150', FLEET_STALE_INTERVALS: '1', LOGIN_MAX_FAILURES: 'many' });
    expect(problems).toEqual([
      'FLEET_DISK_WARNING_PERCENT: must be a whole number from 1 to 99 (got "150"); unset it for the default 15',
      'FLEET_STALE_INTERVALS: must be a whole number from 2 to 1000 (got "1"); unset it for the default 3',
      'LOGIN_MAX_FAILURES: must be a whole number from 1 to 1000 (got "many"); unset it for the default 5',
    ]);
  });
});
