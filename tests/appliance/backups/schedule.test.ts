/**
 * When daily backups run: at BACKUP_TIME local time, once a day even on the daylight-saving days,
 * sooner when one is overdue, an hour after a failure — and the scheduler really makes them, with
 * the clock frozen and moved by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { Backups } from '../../../appliance/src/domain/backups/backups.js';
import { listBackupFiles } from '../../../appliance/src/domain/backups/backupFiles.js';
import { nextBackupAt, nextDailyTime } from '../../../appliance/src/domain/backups/schedule.js';
import { tempDir } from '../../support/controlPlane.js';

const ZONE = 'Europe/Paris';
const AT_0230 = { hour: 2, minute: 30 };
const d = (iso: string) => new Date(iso);

describe('the next daily backup time', () => {
  it('is 02:30 Paris time: 01:30 UTC in winter, 00:30 UTC in summer', () => {
    expect(nextDailyTime(d('2026-01-10T12:00:00Z'), AT_0230, ZONE)).toEqual(d('2026-01-11T01:30:00Z'));
    expect(nextDailyTime(d('2026-07-10T00:00:00Z'), AT_0230, ZONE)).toEqual(d('2026-07-10T00:30:00Z'));
  });

  it('runs an hour late on the night 02:30 does not exist (29 March 2026), and once on the night it happens twice (25 October 2026)', () => {
    expect(nextDailyTime(d('2026-03-28T01:30:00Z'), AT_0230, ZONE)).toEqual(d('2026-03-29T01:30:00Z')); // 03:30 CEST
    expect(nextDailyTime(d('2026-10-24T23:00:00Z'), AT_0230, ZONE)).toEqual(d('2026-10-25T00:30:00Z')); // the first 02:30
    expect(nextDailyTime(d('2026-10-25T00:30:00Z'), AT_0230, ZONE)).toEqual(d('2026-10-26T01:30:00Z')); // not the second
  });
});

describe('when the next backup is due', () => {
  const base = { dailyAt: AT_0230, zone: ZONE, startedAt: d('2026-03-15T08:00:00Z'), lastFailureAt: null };

  it('waits for the daily time when the last backup is recent', () => {
    expect(nextBackupAt(d('2026-03-15T09:00:00Z'), { ...base, lastSuccessAt: d('2026-03-15T01:30:00Z') })).toEqual(
      d('2026-03-16T01:30:00Z'),
    );
  });

  it('catches up 15 minutes after start when no backup was made in a day (a machine off at night)', () => {
    expect(nextBackupAt(d('2026-03-15T08:01:00Z'), { ...base, lastSuccessAt: d('2026-03-13T01:30:00Z') })).toEqual(
      d('2026-03-15T08:15:00Z'),
    );
    expect(nextBackupAt(d('2026-03-15T08:01:00Z'), { ...base, lastSuccessAt: null })).toEqual(d('2026-03-15T08:15:00Z'));
  });

  it('retries an hour after a failure, not sooner', () => {
    const state = { ...base, lastSuccessAt: d('2026-03-14T01:30:00Z'), lastFailureAt: d('2026-03-15T09:00:00Z') };
    expect(nextBackupAt(d('2026-03-15T09:00:01Z'), state)).toEqual(d('2026-03-15T10:00:00Z'));
  });
});

describe('the daily scheduler', () => {
  afterEach(() => vi.useRealTimers());

  async function settle(until: () => boolean): Promise<void> {
    const started = performance.now();
    while (!until()) {
      if (performance.now() - started > 60_000) throw new Error('the scheduled backup did not finish within 60 s');
      await new Promise((r) => setImmediate(r));
    }
  }

  function open(backupDir: string) {
    const dataDir = tempDir('sched-data-');
    fs.mkdirSync(path.join(dataDir, 'cases'));
    fs.writeFileSync(path.join(dataDir, 'cases', 'a.json'), '{}');
    return Backups.open({
      dataDir,
      config: { dir: backupDir, passphrase: 'correct horse battery staple', dailyAt: AT_0230 },
      version: '0.1.0',
      clock: () => new Date(),
      log: createLogger('test', 'silent'),
      zone: ZONE,
    });
  }

  it('makes the backup at 02:30 and then plans the next one for the next night', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(d('2026-03-15T01:29:00Z'));
    const backupDir = path.join(tempDir('sched-'), 'backups');
    const backups = await open(backupDir);
    backups.startSchedule();
    expect(backups.status().nextBackupAt).toBe('2026-03-15T01:30:00.000Z');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(backups.status().lastBackupAt).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    await settle(() => backups.status().lastBackupAt !== null);
    const files = await listBackupFiles(backupDir);
    expect(files.map((f) => f.kind)).toEqual(['scheduled']);
    expect(backups.status()).toMatchObject({
      lastBackupAt: '2026-03-15T01:30:00.000Z',
      nextBackupAt: '2026-03-16T01:30:00.000Z',
      lastError: null,
      backups: 1,
    });
    backups.stopSchedule();
  });

  it('records a failure, says it, and tries again an hour later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(d('2026-03-15T01:29:00Z'));
    const blocker = path.join(tempDir('sched-'), 'not-a-folder');
    fs.writeFileSync(blocker, '');
    // Opening does not fail on an unusable BACKUP_DIR: it is reported, and the schedule still runs.
    const backups = await open(path.join(blocker, 'backups'));
    expect(backups.status().lastError?.message).toMatch(/^cannot read BACKUP_DIR .*ENOTDIR/);
    backups.startSchedule();
    expect(backups.status().nextBackupAt).toBe('2026-03-15T01:30:00.000Z');
    await vi.advanceTimersByTimeAsync(60_000);
    await settle(() => backups.status().lastError?.at === '2026-03-15T01:30:00.000Z');
    expect(backups.status().lastError?.message).toMatch(/ENOTDIR/);
    expect(backups.status().nextBackupAt).toBe('2026-03-15T02:30:00.000Z');
    backups.stopSchedule();
  });
});
