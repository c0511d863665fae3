/**
 * Login brute-force protection: failures are counted per account and per address; past the limit
 * the account (or address) is locked for a while, and the answer says for how long. A success
 * clears the account's count.
 */
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '../errors.js';

export class LoginLimiter {
  private readonly byAccount: RateLimiterMemory;
  private readonly byAddress: RateLimiterMemory;

  constructor(maxFailures: number, lockSeconds: number) {
    this.byAccount = new RateLimiterMemory({ points: maxFailures, duration: lockSeconds, blockDuration: lockSeconds });
    this.byAddress = new RateLimiterMemory({ points: maxFailures * 4, duration: lockSeconds, blockDuration: lockSeconds });
  }

  /** Throws `rate_limited` while the account or the address is locked. */
  async assertAllowed(email: string, address: string): Promise<void> {
    const [account, addr] = await Promise.all([this.byAccount.get(email), this.byAddress.get(address)]);
    const locked = [account, addr].find((r) => r !== null && r.remainingPoints <= 0 && r.msBeforeNext > 0);
    if (locked) throw lockedError(locked);
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.allSettled([this.byAccount.consume(email), this.byAddress.consume(address)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byAccount.delete(email);
  }
}

function lockedError(res: RateLimiterRes): DomainError {
  const seconds = Math.ceil(res.msBeforeNext / 1000);
  return new DomainError('rate_limited', `too many failed logins: try again in ${Math.ceil(seconds / 60)} minute(s), or ask an admin to reset the password`, { retryAfterSeconds: seconds });
}
