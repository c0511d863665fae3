/**
 * Timed work under job leases (domain/leasedSchedule.ts), over the embedded leases and over
 * PostgreSQL's `job_leases` (two pools standing for two nodes): each period's job runs on one node
 * only, and the other takes it over when the holder stops or dies. No timer is waited for: the
 * ticks are driven by hand, on a clock moved by hand.
 */
import { describe, expect, it } from 'vitest';
import { LeasedSchedule } from '../../../control-plane/src/domain/leasedSchedule.js';
import { EmbeddedJobLeases } from '../../../control-plane/src/storage/embedded/jobLeases.js';
import { PostgresJobLeases } from '../../../control-plane/src/storage/postgres/jobLeases.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { JobLeases } from '../../../control-plane/src/storage/stores.js';
import { usePostgres } from '../../support/postgresPools.js';

const pg = usePostgres();
const MINUTE_MS = 60_000;
const T0 = new Date('2026-03-02T09:00:00.000Z');

/** Two nodes' lease stores on one state (the files: the one process's leases). */
const backends: [string, () => Promise<[JobLeases, JobLeases]>][] = [
  [
    'embedded files',
    () => {
      const only = new EmbeddedJobLeases();
      return Promise.resolve([only, only]);
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.cluster.createDatabase('leases');
      await migrate(pg.pool(url, 1));
      return [new PostgresJobLeases(pg.pool(url, 2)), new PostgresJobLeases(pg.pool(url, 2))];
    },
  ],
];

const silent = { error: () => undefined };

describe.each(backends)('leased schedule (%s)', (_name, nodes) => {
  /** Two nodes scheduling the same job every minute, each counting its runs. */
  async function twoNodes() {
    const [la, lb] = await nodes();
    let now = T0;
    const runs = { a: 0, b: 0 };
    const node = (leases: JobLeases, holder: 'a' | 'b') =>
      new LeasedSchedule('fleet-check', () => Promise.resolve(++runs[holder]), {
        leases,
        holder: `node-${holder}`,
        everyMs: MINUTE_MS,
        clock: () => now,
        log: silent,
        failure: 'failed',
      });
    return { a: node(la, 'a'), b: node(lb, 'b'), runs, setNow: (minutes: number) => (now = new Date(T0.getTime() + minutes * MINUTE_MS)) };
  }

  it('runs each period on one node only, the holder renewing its lease', async () => {
    const { a, b, runs, setNow } = await twoNodes();
    for (let minute = 0; minute < 10; minute++) {
      setNow(minute);
      const ticks = await Promise.all([a.tick(), b.tick()]);
      // Exactly one of the two ran this period.
      expect(ticks.filter((t) => t !== undefined)).toHaveLength(1);
    }
    expect(runs.a + runs.b).toBe(10);
    // Whoever took it first kept it: renewed every period, it never expired.
    expect([runs.a, runs.b].sort()).toEqual([0, 10]);
  });

  it('the holder stopping gives the job to the other node at its next tick', async () => {
    const { a, b, runs, setNow } = await twoNodes();
    setNow(0);
    expect(await a.tick()).toBe(1);
    expect(await b.tick()).toBeUndefined();
    await a.stop();
    setNow(1);
    expect(await b.tick()).toBe(1);
    expect(await a.tick()).toBeUndefined();
    expect(runs).toEqual({ a: 1, b: 1 });
  });

  it('the holder dying leaves the job to the other once its lease has expired (three periods)', async () => {
    const { a, b, runs, setNow } = await twoNodes();
    setNow(0);
    expect(await a.tick()).toBe(1);
    // a dies: no more ticks, no release. Its lease (taken at 0, three minutes) still holds at 2:59.
    for (const minute of [1, 2, 2.99]) {
      setNow(minute);
      expect(await b.tick()).toBeUndefined();
    }
    setNow(3);
    expect(await b.tick()).toBe(1);
    expect(runs).toEqual({ a: 1, b: 1 });
  });

  it('a tick while the run is still going joins it instead of running the job again', async () => {
    const [leases] = await nodes();
    let finish: (n: number) => void = () => undefined;
    let started = 0;
    let signalStart: () => void = () => undefined;
    const hasStarted = new Promise<void>((resolve) => (signalStart = resolve));
    const schedule = new LeasedSchedule(
      'relances',
      () => {
        started++;
        signalStart();
        return new Promise<number>((resolve) => (finish = resolve));
      },
      { leases, holder: 'node-a', everyMs: MINUTE_MS, clock: () => T0, log: silent, failure: 'failed' },
    );
    const first = schedule.tick();
    const second = schedule.tick();
    expect(second).toBe(first);
    await hasStarted;
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(started).toBe(1);
  });
});
