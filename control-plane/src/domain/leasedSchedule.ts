/**
 * Timed work (the fleet check, the relance pass, support-bundle retention) run every period by one
 * node at a time: before each run the node takes or renews the job's lease (storage/stores.ts
 * `JobLeases`: a row in `job_leases`, or one process's memory on the files); a node that does not
 * get it skips the run. The lease lasts well beyond the period (three periods by default), so its
 * holder renews it at every run and keeps the job, and a node that dies leaves the job to another
 * once it expires; `stop()` gives it up at once. The work itself stays safe to run twice — the
 * alerts' lock, the relances' claims, an idempotent prune —, so a run that outlasts its lease
 * costs a duplicate pass, never a duplicate effect.
 */
import type { JobLeases } from '../storage/stores.js';

/** What a node needs to take part in scheduled work: the leases and its own name in them. */
export interface JobLeaseHolder {
  leases: JobLeases;
  /** This node's name in `job_leases` (unique per process: a restarted node is a new holder). */
  holder: string;
}

export interface LeasedScheduleOptions extends JobLeaseHolder {
  everyMs: number;
  /** How long a taken lease lasts: three periods unless said otherwise. Keep it far above the nodes' clock difference. */
  ttlMs?: number;
  clock: () => Date;
  log: { error(o: object, m: string): void };
  /** Logged when a run fails (the next period tries again). */
  failure: string;
}

export class LeasedSchedule<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T | undefined> | undefined;
  private readonly ttlMs: number;

  constructor(
    readonly job: string,
    private readonly run: () => Promise<T>,
    private readonly options: LeasedScheduleOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 3 * options.everyMs;
  }

  /**
   * One period: runs the job if this node takes or renews its lease. The job's result, or undefined
   * when another node holds it. A tick while this node's previous run is still going joins it
   * rather than starting a second one.
   */
  tick(): Promise<T | undefined> {
    this.running ??= this.runIfHeld().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runIfHeld(): Promise<T | undefined> {
    const { leases, holder, clock } = this.options;
    if (!(await leases.acquire(this.job, holder, this.ttlMs, clock()))) return undefined;
    return this.run();
  }

  /**
   * A tick every period until `stop()` (failures logged). With `first: 'now'` also one at once,
   * whose outcome is returned (a failure thrown) — the fleet check's first statuses at start-up.
   */
  start(first: 'now' | 'after a period' = 'now'): Promise<T | undefined> {
    this.timer ??= setInterval(() => {
      this.tick().catch((err: unknown) => this.options.log.error({ err, job: this.job }, this.options.failure));
    }, this.options.everyMs);
    this.timer.unref();
    return first === 'now' ? this.tick() : Promise.resolve(undefined);
  }

  /** Stops the timer, lets a run in progress finish, and gives the lease up so another node takes the job at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    try {
      await this.options.leases.release(this.job, this.options.holder);
    } catch (err) {
      // Unreleased, the lease still ends at its expiry: another node takes the job then.
      this.options.log.error({ err, job: this.job }, 'could not release the job lease on stop; another node takes the job once it expires');
    }
  }
}
