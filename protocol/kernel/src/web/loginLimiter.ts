/**
 * Login brute-force protection, counted in three scopes:
 *
 * - the account from one address (`maxFailures`, default 5): past it, a lock of 1 minute that
 *   doubles with each further failure, up to `lockSeconds` (default 15 minutes). This is the lock
 *   a guesser meets, and the only long one: a stranger on the LAN locks the account for their own
 *   address, not for the lawyer's.
 * - the account from every address (4 × `maxFailures`): past it, a delay of 1 s that doubles up
 *   to 60 s (never more than `lockSeconds`), so guessing spread over many addresses is still
 *   slowed, while a stranger can hold the lawyer back a minute at most.
 * - the address over every account (4 × `maxFailures`): locked `lockSeconds` at once; it only
 *   ever locks the address that sprays guesses over many accounts.
 *
 * An attempt is reserved before its password is hashed, in the same synchronous step that checks
 * the locks: attempts in flight count as failures to come, so 60 guesses sent at once are not all
 * evaluated before the first failure is recorded (at most `maxFailures` are). A success clears the
 * account's count for that address. Counts live in memory (a restart forgets them) and are
 * forgotten after a quiet while: a day for an account and address, `lockSeconds` for the others.
 */
import { DomainError } from '@iamanager/protocol';

/** One scope's rule: exported so a shared store of counts (several nodes) applies the same ones. */
export interface ScopeRule {
  /** Failures allowed before the first delay. */
  threshold: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** A count with no failure for this long (and no lock left) is forgotten. */
  forgetMs: number;
}

interface Tally {
  failures: number;
  inFlight: number;
  lockedUntil: number;
  lastFailureAt: number;
}

/** Entries kept per scope; past it, forgotten ones go first, then the least recently touched. */
const MAX_TALLIES = 10_000;

/** One scope's counts, keyed by account, address, or both. */
class Scope {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly rule: ScopeRule) {}

  /** Milliseconds before `key` may try again (0: now), counting attempts in flight as failures to come. */
  waitMs(key: string, now: number): number {
    const tally = this.current(key, now);
    if (!tally) return 0;
    if (now < tally.lockedUntil) return tally.lockedUntil - now;
    const ahead = tally.failures + tally.inFlight;
    return tally.inFlight > 0 && ahead >= this.rule.threshold ? this.delayAfter(ahead) : 0;
  }

  reserve(key: string, now: number): void {
    let tally = this.current(key, now);
    if (!tally) {
      this.makeRoom(now);
      tally = { failures: 0, inFlight: 0, lockedUntil: 0, lastFailureAt: now };
    }
    this.tallies.delete(key); // re-inserted last: the map's order is least recently touched first
    this.tallies.set(key, tally);
    tally.inFlight++;
  }

  /** Ends a reserved attempt; returns the lock it starts, in milliseconds (0 if none). */
  fail(key: string, now: number): number {
    const tally = this.release(key);
    if (!tally) return 0;
    tally.failures++;
    tally.lastFailureAt = now;
    const delay = this.delayAfter(tally.failures);
    tally.lockedUntil = Math.max(tally.lockedUntil, now + delay);
    return delay;
  }

  /** Ends a reserved attempt that succeeded: the key's failures are forgotten. */
  succeed(key: string): void {
    const tally = this.release(key);
    if (!tally) return;
    tally.failures = 0;
    tally.lockedUntil = 0;
    this.dropIfEmpty(key, tally);
  }

  /** Ends a reserved attempt that counts neither way (not evaluated, or a success seen from a wider scope). */
  abandon(key: string): void {
    const tally = this.release(key);
    if (tally) this.dropIfEmpty(key, tally);
  }

  private release(key: string): Tally | undefined {
    const tally = this.tallies.get(key);
    if (tally && tally.inFlight > 0) tally.inFlight--;
    return tally;
  }

  private dropIfEmpty(key: string, tally: Tally): void {
    if (tally.inFlight === 0 && tally.failures === 0) this.tallies.delete(key);
  }

  private delayAfter(failures: number): number {
    if (failures < this.rule.threshold) return 0;
    const doublings = Math.min(failures - this.rule.threshold, 30);
    return Math.min(this.rule.maxDelayMs, this.rule.firstDelayMs * 2 ** doublings);
  }

  private forgotten(tally: Tally, now: number): boolean {
    return tally.inFlight === 0 && now >= tally.lockedUntil && now - tally.lastFailureAt >= this.rule.forgetMs;
  }

  private current(key: string, now: number): Tally | undefined {
    const tally = this.tallies.get(key);
    if (tally && this.forgotten(tally, now)) {
      this.tallies.delete(key);
      return undefined;
    }
    return tally;
  }

  private makeRoom(now: number): void {
    if (this.tallies.size < MAX_TALLIES) return;
    for (const [key, tally] of this.tallies) if (this.forgotten(tally, now)) this.tallies.delete(key);
    for (const [key, tally] of this.tallies) {
      if (this.tallies.size < MAX_TALLIES) break;
      if (tally.inFlight === 0) this.tallies.delete(key);
    }
  }
}

export interface LoginLimits {
  /** Failures of one account from one address before it is locked for that address. */
  maxFailures: number;
  /** The longest lock, in seconds. */
  lockSeconds: number;
  /** Milliseconds on a clock that only moves forward; `performance.now` unless a test drives it. */
  now?: () => number;
}

/** What ended a reserved attempt: `failed` when the password was wrong (or the account unknown or disabled). */
export type AttemptOutcome = 'succeeded' | 'failed' | 'abandoned';

/** A reserved login attempt. End it exactly once; later calls do nothing. */
export interface LoginAttempt {
  /** The account's lock for the address this failure started, in seconds (0 if none), when `failed`. */
  end(outcome: AttemptOutcome): number | Promise<number>;
}

/**
 * Where a login guard keeps its counts: this process's memory (`LoginLimiter`, one machine: the
 * appliance, a control plane on its files), or a store every node shares (the control plane on
 * PostgreSQL), so that failures sent to several nodes add up. Either way the locks are checked and
 * the attempt reserved in one step, and `reserve` throws `rate_limited` (`loginLockedError`).
 */
export interface LoginAttempts {
  reserve(account: string, address: string): LoginAttempt | Promise<LoginAttempt>;
}

/** The three scopes' rules for `limits`, in the order pair (account from one address), account, address. */
export function loginScopeRules(limits: Pick<LoginLimits, 'maxFailures' | 'lockSeconds'>): {
  pair: ScopeRule;
  account: ScopeRule;
  address: ScopeRule;
} {
  const lockMs = limits.lockSeconds * 1000;
  return {
    pair: { threshold: limits.maxFailures, firstDelayMs: Math.min(MINUTE, lockMs), maxDelayMs: lockMs, forgetMs: DAY },
    account: {
      threshold: limits.maxFailures * 4,
      firstDelayMs: Math.min(1000, lockMs),
      maxDelayMs: Math.min(ACCOUNT_MAX_DELAY_SECONDS * 1000, lockMs),
      forgetMs: lockMs,
    },
    address: { threshold: limits.maxFailures * 4, firstDelayMs: lockMs, maxDelayMs: lockMs, forgetMs: lockMs },
  };
}

export const ACCOUNT_MAX_DELAY_SECONDS = 60;
const MINUTE = 60_000;
const DAY = 86_400_000;

export class LoginLimiter implements LoginAttempts {
  private readonly pair: Scope;
  private readonly account: Scope;
  private readonly address: Scope;
  private readonly now: () => number;

  constructor(limits: LoginLimits) {
    const rules = loginScopeRules(limits);
    this.now = limits.now ?? (() => performance.now());
    this.pair = new Scope(rules.pair);
    this.account = new Scope(rules.account);
    this.address = new Scope(rules.address);
  }

  /**
   * Checks the locks and reserves an attempt in one synchronous step, so attempts running at the
   * same time each see the others. Throws `rate_limited` (with `retryAfterSeconds`) while the
   * account, for this address or for every address, or the address is locked.
   */
  reserve(account: string, address: string): LoginAttempt {
    const now = this.now();
    const pairKey = `${account}\n${address}`;
    const wait = Math.max(this.pair.waitMs(pairKey, now), this.account.waitMs(account, now), this.address.waitMs(address, now));
    if (wait > 0) throw loginLockedError(Math.ceil(wait / 1000));
    this.pair.reserve(pairKey, now);
    this.account.reserve(account, now);
    this.address.reserve(address, now);
    let ended = false;
    return {
      end: (outcome) => {
        if (ended) return 0;
        ended = true;
        if (outcome === 'failed') {
          const at = this.now();
          this.account.fail(account, at);
          this.address.fail(address, at);
          return Math.ceil(this.pair.fail(pairKey, at) / 1000);
        }
        if (outcome === 'succeeded') this.pair.succeed(pairKey);
        else this.pair.abandon(pairKey);
        this.account.abandon(account);
        this.address.abandon(address);
        return 0;
      },
    };
  }
}

/** `rate_limited` for a lock of `seconds`: the one refusal every store of counts throws. */
export function loginLockedError(seconds: number): DomainError {
  const wait = seconds < 120 ? `${seconds} second(s)` : `${Math.ceil(seconds / 60)} minute(s)`;
  return new DomainError('rate_limited', `too many failed logins: try again in ${wait}, or ask an admin to reset the password`, {
    retryAfterSeconds: seconds,
  });
}
