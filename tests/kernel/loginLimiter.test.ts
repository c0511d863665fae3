/**
 * The login lock-out and the hashing queue, in process with a clock the test moves and checks the
 * test settles by hand: no sleeps, nothing timed. The figures are the defaults (5 failures, 15
 * minutes) the docs promise (docs/reliability.md, "Login lock-out").
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '@iamanager/protocol';
import { HashingQueue, LoginGuard, LoginLimiter, type LockEvent } from '@iamanager/kernel/web';

const LAWYER = 'avocat@cabinet.fr';
const STRANGER_IP = '192.168.1.66';
const LAWYER_IP = '192.168.1.10';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

function refusal(fn: () => unknown): { code: string; retryAfterSeconds: number } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { code: err.code, retryAfterSeconds: err.details?.retryAfterSeconds as number };
  }
}

/** Fails `count` attempts one after another; returns the lock each one started, in seconds. */
function failInTurn(limiter: LoginLimiter, account: string, address: string, count: number): number[] {
  return Array.from({ length: count }, () => limiter.reserve(account, address).end('failed'));
}

/** A deferred check: the test decides when it ends and how. */
function pending<T>() {
  let settle!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (settle = resolve));
  return { promise, settle };
}

describe('the login limiter', () => {
  it('reserves attempts in flight: of 60 sent at once, 5 are evaluated and the 55 others refused before hashing', () => {
    const limiter = new LoginLimiter({ maxFailures: 5, lockSeconds: 900, now: clock().now });
    const reserved = [];
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      try {
        reserved.push(limiter.reserve(LAWYER, STRANGER_IP));
      } catch (err) {
        expect((err as DomainError).code).toBe('rate_limited');
        refused++;
      }
    }
    expect([reserved.length, refused]).toEqual([5, 55]);
    expect(reserved.map((a) => a.end('failed'))).toEqual([0, 0, 0, 0, 60]);
    // The right password now: refused while locked, for a minute.
    expect(refusal(() => limiter.reserve(LAWYER, STRANGER_IP))).toEqual({ code: 'rate_limited', retryAfterSeconds: 60 });
  });

  it('lets the next attempt through when one in flight succeeds or is abandoned, not while the last allowed one is out', () => {
    const limiter = new LoginLimiter({ maxFailures: 2, lockSeconds: 900, now: clock().now });
    limiter.reserve(LAWYER, STRANGER_IP).end('failed');
    const last = limiter.reserve(LAWYER, STRANGER_IP);
    expect(refusal(() => limiter.reserve(LAWYER, STRANGER_IP))?.code).toBe('rate_limited');
    last.end('abandoned');
    const again = limiter.reserve(LAWYER, STRANGER_IP);
    again.end('succeeded');
    // A success clears the count: two more failures before the lock.
    expect(failInTurn(limiter, LAWYER, STRANGER_IP, 2)).toEqual([0, 60]);
  });

  it('doubles the lock of an account for one address with each further failure, up to LOGIN_LOCK_SECONDS', () => {
    const c = clock();
    const limiter = new LoginLimiter({ maxFailures: 5, lockSeconds: 900, now: c.now });
    const locks = failInTurn(limiter, LAWYER, STRANGER_IP, 5);
    for (let i = 0; i < 6; i++) {
      c.advance(locks.at(-1)!);
      locks.push(limiter.reserve(LAWYER, STRANGER_IP).end('failed'));
    }
    expect(locks).toEqual([0, 0, 0, 0, 60, 120, 240, 480, 900, 900, 900]);
    c.advance(899);
    expect(refusal(() => limiter.reserve(LAWYER, STRANGER_IP))).toEqual({ code: 'rate_limited', retryAfterSeconds: 1 });
  });

  it('does not lock the lawyer out from their own address when a stranger locks the account from theirs', () => {
    const limiter = new LoginLimiter({ maxFailures: 5, lockSeconds: 900, now: clock().now });
    failInTurn(limiter, LAWYER, STRANGER_IP, 5);
    expect(refusal(() => limiter.reserve(LAWYER, STRANGER_IP))?.code).toBe('rate_limited');
    expect(refusal(() => limiter.reserve(LAWYER, LAWYER_IP).end('succeeded'))).toBeUndefined();
  });

  it('slows guessing spread over many addresses with short delays on the account: a second, doubling, 60 s at most', () => {
    const c = clock();
    const limiter = new LoginLimiter({ maxFailures: 5, lockSeconds: 900, now: c.now });
    // 20 failures (4 × 5) from 20 addresses, none of them locked for its own address.
    for (let i = 0; i < 20; i++) failInTurn(limiter, LAWYER, `10.0.0.${i}`, 1);
    expect(refusal(() => limiter.reserve(LAWYER, LAWYER_IP))).toEqual({ code: 'rate_limited', retryAfterSeconds: 1 });
    const delays: number[] = [];
    for (let i = 20; i < 30; i++) {
      const wait = refusal(() => limiter.reserve(LAWYER, `10.0.0.${i}`))?.retryAfterSeconds ?? 0;
      delays.push(wait);
      c.advance(wait);
      failInTurn(limiter, LAWYER, `10.0.0.${i}`, 1);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
    // The lawyer waits the account's delay, never a stranger's 15-minute lock.
    expect(refusal(() => limiter.reserve(LAWYER, LAWYER_IP))?.retryAfterSeconds).toBeLessThanOrEqual(60);
    c.advance(60);
    expect(refusal(() => limiter.reserve(LAWYER, LAWYER_IP).end('succeeded'))).toBeUndefined();
  });

  it('locks an address that sprays guesses over many accounts for LOGIN_LOCK_SECONDS, and that address only', () => {
    const limiter = new LoginLimiter({ maxFailures: 5, lockSeconds: 900, now: clock().now });
    for (let i = 0; i < 20; i++) failInTurn(limiter, `nobody${i}@cabinet.fr`, STRANGER_IP, 1);
    expect(refusal(() => limiter.reserve(LAWYER, STRANGER_IP))).toEqual({ code: 'rate_limited', retryAfterSeconds: 900 });
    expect(refusal(() => limiter.reserve(LAWYER, LAWYER_IP).end('succeeded'))).toBeUndefined();
  });

  it("forgets an account and address's failures after a quiet day, and counts nothing twice when an attempt is ended twice", () => {
    const c = clock();
    const limiter = new LoginLimiter({ maxFailures: 3, lockSeconds: 900, now: c.now });
    const attempt = limiter.reserve(LAWYER, STRANGER_IP);
    attempt.end('failed');
    expect(attempt.end('failed')).toBe(0);
    failInTurn(limiter, LAWYER, STRANGER_IP, 1);
    c.advance(86_399);
    expect(failInTurn(limiter, LAWYER, STRANGER_IP, 1)).toEqual([60]);
    c.advance(60 + 86_400);
    expect(failInTurn(limiter, LAWYER, STRANGER_IP, 3)).toEqual([0, 0, 60]);
  });

  it('never locks longer than LOGIN_LOCK_SECONDS, even for a first lock or the account over every address', () => {
    const limiter = new LoginLimiter({ maxFailures: 1, lockSeconds: 4, now: clock().now });
    expect(failInTurn(limiter, LAWYER, STRANGER_IP, 1)).toEqual([4]);
    for (let i = 0; i < 3; i++) failInTurn(limiter, LAWYER, `10.0.0.${i}`, 1); // with the first: 4 × 1 on the account
    expect(refusal(() => limiter.reserve(LAWYER, LAWYER_IP))?.retryAfterSeconds).toBeLessThanOrEqual(4);
  });
});

describe('the hashing queue', () => {
  it('admits 8 checks at once, 2 per address, and refuses the rest at once with login_busy', async () => {
    const queue = new HashingQueue({ capacity: 8, perAddress: 2 });
    const gate = pending<boolean>();
    const checks: Array<Promise<boolean>> = [];
    for (let address = 0; address < 6; address++) {
      for (let i = 0; i < 3; i++) checks.push(queue.run(`10.0.0.${address}`, () => gate.promise));
    }
    // While the admitted checks still hash: each one either waits, or was refused already.
    const WAITING = Symbol('waiting');
    const now = await Promise.all(
      checks.map((check) =>
        Promise.race([check, Promise.resolve(WAITING)]).then(
          (v) => (v === WAITING ? 'waiting' : 'done'),
          (err: DomainError) => `${err.code} ${String(err.details?.retryAfterSeconds)}`,
        ),
      ),
    );
    // Addresses 0 to 3: two admitted, the third past its address's share; 4 and 5: the queue is full.
    const withRoom = ['waiting', 'waiting', 'login_busy 1'];
    expect(now).toEqual([...withRoom, ...withRoom, ...withRoom, ...withRoom, ...Array(6).fill('login_busy 1')]);
    expect(queue.size).toBe(8);
    gate.settle(true);
    const outcomes = await Promise.allSettled(checks);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(8);
    expect(queue.size).toBe(0);
  });

  it('frees the place of a check that throws', async () => {
    const queue = new HashingQueue({ capacity: 1, perAddress: 1 });
    await expect(queue.run(STRANGER_IP, () => Promise.reject(new Error('disk')))).rejects.toThrow('disk');
    await expect(queue.run(STRANGER_IP, () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});

describe('the login guard', () => {
  it('counts a check that finds no one as a failure, and logs the lock it starts', async () => {
    const locks: LockEvent[] = [];
    const guard = new LoginGuard({ maxFailures: 2, lockSeconds: 900, now: clock().now, onLock: (e) => locks.push(e) });
    expect(await guard.check(LAWYER, STRANGER_IP, () => Promise.resolve(undefined))).toBeUndefined();
    expect(await guard.check(LAWYER, STRANGER_IP, () => Promise.resolve(undefined))).toBeUndefined();
    expect(locks).toEqual([{ account: LAWYER, address: STRANGER_IP, seconds: 60 }]);
    await expect(guard.check(LAWYER, STRANGER_IP, () => Promise.resolve('the lawyer'))).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await guard.check(LAWYER, LAWYER_IP, () => Promise.resolve('the lawyer'))).toBe('the lawyer');
  });

  it('gives back the reservation of a check the queue refuses or that throws: neither counts as a failure', async () => {
    const guard = new LoginGuard({ maxFailures: 1, lockSeconds: 900, now: clock().now, queue: { capacity: 1, perAddress: 1 } });
    const gate = pending<string>();
    const first = guard.check(LAWYER, LAWYER_IP, () => gate.promise);
    await expect(guard.check('associe@cabinet.fr', LAWYER_IP, () => Promise.resolve('x'))).rejects.toMatchObject({ code: 'login_busy' });
    gate.settle('the lawyer');
    expect(await first).toBe('the lawyer');
    await expect(
      guard.check('associe@cabinet.fr', LAWYER_IP, () => Promise.reject(new DomainError('invalid_input', 'newPassword: too short'))),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await guard.check('associe@cabinet.fr', LAWYER_IP, () => Promise.resolve('the partner'))).toBe('the partner');
  });
});
