/**
 * One password check under both guards: the limiter reserves the attempt (or refuses it with
 * `rate_limited`), then the hashing queue admits it (or refuses it with `login_busy`), then the
 * check runs and its outcome is recorded. Used by every login and by each password change that
 * verifies the current password, on the appliance and on the vendor dashboard.
 */
import { HashingQueue, LOGIN_HASHING_LIMITS, type HashingQueueLimits } from './hashingQueue.js';
import { LoginLimiter, type AttemptOutcome, type LoginAttempts, type LoginLimits } from './loginLimiter.js';

/** An account just locked for one address, for the service's log. */
export interface LockEvent {
  account: string;
  address: string;
  seconds: number;
}

export interface LoginGuardOptions extends LoginLimits {
  queue?: HashingQueueLimits;
  onLock?: (event: LockEvent) => void;
  /** Where the counts are kept; by default this process's memory (a `LoginLimiter` over these limits). */
  attempts?: LoginAttempts;
}

export class LoginGuard {
  readonly limiter: LoginAttempts;
  readonly queue: HashingQueue;
  private readonly onLock: ((event: LockEvent) => void) | undefined;

  constructor(options: LoginGuardOptions) {
    this.limiter = options.attempts ?? new LoginLimiter(options);
    this.queue = new HashingQueue(options.queue ?? LOGIN_HASHING_LIMITS);
    this.onLock = options.onLock;
  }

  /**
   * Runs `check` for `account` from `address`: its result, or undefined when the password was
   * wrong (counted as a failure). A `check` that throws counts neither way and its error goes on.
   */
  async check<T>(account: string, address: string, check: () => Promise<T | undefined>): Promise<T | undefined> {
    // Reserved before anything is awaited (the in-memory limiter reserves synchronously here).
    const attempt = await this.limiter.reserve(account, address);
    let outcome: AttemptOutcome = 'abandoned';
    try {
      const result = await this.queue.run(address, check);
      outcome = result === undefined ? 'failed' : 'succeeded';
      return result;
    } finally {
      const lockedSeconds = await attempt.end(outcome);
      if (lockedSeconds > 0) this.onLock?.({ account, address, seconds: lockedSeconds });
    }
  }
}
