/**
 * Clock jumps on the appliance, in process with a clock the test moves: a clock set back, with or
 * without a restart, neither revives an expired license nor opens a fresh monthly quota; and the
 * heartbeat schedule runs on, one per interval, whichever way the system clock jumps.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { HeartbeatAgent } from '../../appliance/src/domain/heartbeat/agent.js';
import type { HeartbeatOutbox } from '../../appliance/src/storage/outbox.js';
import { ClockGuard } from '../../appliance/src/domain/license/clockGuard.js';
import type { EffectiveLimits } from '../../appliance/src/domain/license/effectiveLimits.js';
import { UsageCounters } from '../../appliance/src/domain/usage/usageCounters.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-24T10:00:00Z');
const log = createLogger('test', 'silent');

let dir: string;
let now: number;
const clock = () => new Date(now);
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'clock-'));
  now = T0;
});
afterEach(async () => {
  vi.useRealTimers();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the clock guard', () => {
  it('judges by the latest time seen when the clock is set back while the appliance runs', async () => {
    const guard = await ClockGuard.open(dir, clock);
    now = T0 + 40 * DAY;
    expect(guard.now().getTime()).toBe(T0 + 40 * DAY);
    expect(guard.setBack).toBe(false);
    now = T0; // set back forty days, no restart
    expect(guard.now().getTime()).toBe(T0 + 40 * DAY);
    expect(guard.setBack).toBe(true);
    now = T0 + 40 * DAY + 60_000; // and forward again: real time wins once it is ahead
    expect(guard.now().getTime()).toBe(now);
    expect(guard.setBack).toBe(false);
  });

  it('remembers the latest time across a restart once it has written it, at most once a minute', async () => {
    const guard = await ClockGuard.open(dir, clock);
    const file = path.join(dir, 'clock.json');
    const written = await fs.readFile(file, 'utf8');
    now = T0 + 30_000;
    await guard.observe();
    expect(await fs.readFile(file, 'utf8')).toBe(written); // less than a minute: not rewritten
    now = T0 + 40 * DAY;
    guard.now();
    await guard.stop();
    now = T0; // restarted with the clock set back
    const restarted = await ClockGuard.open(dir, clock);
    expect(restarted.setBack).toBe(true);
    expect(restarted.now().getTime()).toBe(T0 + 40 * DAY);
    expect(restarted.latestSeenAt()).toBe(new Date(T0 + 40 * DAY).toISOString());
  });
});

describe('the monthly quota with the clock set back', () => {
  const starter: EffectiveLimits = {
    plan: 'starter',
    maxUsers: 3,
    maxCases: 500,
    maxAnalysesMonthly: 2,
    aiModel: 'ceseda-basic-v1',
    advancedFeatures: false,
    overageAllowed: false,
    overagePriceCents: 50,
  };

  it('keeps counting in the latest month the guarded clock saw, so no fresh quota opens', async () => {
    now = Date.parse('2026-12-15T10:00:00Z');
    const guard = await ClockGuard.open(dir, clock);
    const usage = await UsageCounters.open(dir, guard, log);
    await usage.recordAnalysis(starter);
    await usage.recordAnalysis(starter);
    now = Date.parse('2026-10-01T10:00:00Z'); // clock set back two months
    expect(usage.currentMonth()).toBe('2026-12');
    await expect(usage.recordAnalysis(starter)).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(usage.forMonth('2026-10').analysesUsed).toBe(0);
    // A month later than any seen starts afresh, as the calendar says.
    now = Date.parse('2027-01-02T10:00:00Z');
    expect((await usage.recordAnalysis(starter)).usage).toMatchObject({ month: '2027-01', analysesUsed: 1 });
  });
});

describe('the heartbeat schedule', () => {
  it('queues one heartbeat per interval whichever way the system clock jumps', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: T0 });
    const sources = { license: { heartbeatIntervalSeconds: 900 } } as unknown as ConstructorParameters<typeof HeartbeatAgent>[1];
    const agent = new HeartbeatAgent({} as HeartbeatOutbox, sources, log);
    const enqueue = vi.spyOn(agent, 'enqueue').mockResolvedValue(undefined);
    vi.spyOn(agent, 'drain').mockResolvedValue({ delivered: 1, queued: 0, error: null });
    agent.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(enqueue).toHaveBeenCalledTimes(1); // right after start

    await vi.advanceTimersByTimeAsync(17 * 60_000); // an interval (±10 % jitter) later
    expect(enqueue).toHaveBeenCalledTimes(2);

    vi.setSystemTime(Date.now() - 7 * DAY); // the clock set back a week
    await vi.advanceTimersByTimeAsync(17 * 60_000);
    expect(enqueue).toHaveBeenCalledTimes(3);

    vi.setSystemTime(Date.now() + 30 * DAY); // then forward a month: no burst to catch up
    await vi.advanceTimersByTimeAsync(60_000);
    expect(enqueue).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(16 * 60_000);
    expect(enqueue).toHaveBeenCalledTimes(4);
    await agent.stop();
  });
});
