/**
 * How many password checks may wait for the hash slots at once. Hashing itself is bounded in
 * `passwords.ts` (two scrypt runs at a time, the rest waiting in order); without a bound here, a
 * flood of logins would line up there by the hundred and a lawyer's login behind them would wait
 * for all of them (seconds each). So a login check is admitted only while fewer than `capacity`
 * are admitted, and fewer than `perAddress` of them come from its address: one address cannot
 * fill the line. Past that the answer is at once `login_busy` (429, Retry-After 1).
 */
import { DomainError } from '@iamanager/protocol';

export interface HashingQueueLimits {
  /** Password checks admitted at once, running or waiting for a hash slot. */
  capacity: number;
  /** Of those, how many one address may hold. */
  perAddress: number;
}

/** 8 checks are 4 rounds of the two hash slots: under a second before a lawyer's check runs. */
export const LOGIN_HASHING_LIMITS: HashingQueueLimits = { capacity: 8, perAddress: 2 };
export const BUSY_RETRY_AFTER_SECONDS = 1;

export class HashingQueue {
  private admitted = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: HashingQueueLimits = LOGIN_HASHING_LIMITS) {}

  /** Runs `check` if there is room for it; throws `login_busy` at once otherwise. */
  async run<T>(address: string, check: () => Promise<T>): Promise<T> {
    const mine = this.byAddress.get(address) ?? 0;
    if (this.admitted >= this.limits.capacity || mine >= this.limits.perAddress) {
      throw new DomainError(
        'login_busy',
        `too many logins are being checked right now: try again in ${BUSY_RETRY_AFTER_SECONDS} second(s)`,
        { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS },
      );
    }
    this.admitted++;
    this.byAddress.set(address, mine + 1);
    try {
      return await check();
    } finally {
      this.admitted--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    }
  }

  /** Checks admitted right now (tests check that none is left behind). */
  get size(): number {
    return this.admitted;
  }
}
