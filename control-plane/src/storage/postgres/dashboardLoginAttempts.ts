/**
 * The dashboard's login limiter with its counts in PostgreSQL (`login_failures`, migration v2), so
 * that failures sent to several nodes add up: five wrong passwords spread over two nodes lock the
 * account for that address as five on one node do. Same scopes, thresholds and delays as the
 * kernel's in-memory `LoginLimiter` (`loginScopeRules`), same `rate_limited` refusal.
 *
 * One statement per attempt: `reserve_login_attempt` checks the locks and counts the attempt as a
 * failure in one call, under the rows' locks (never read here then written back). A failed attempt
 * — every guess of an attacker — costs nothing more; a success (which clears the account's count
 * for that address) or an attempt not evaluated (busy, an error) gives its count back with a
 * second statement. A node that dies mid-attempt leaves its attempt counted as a failure: the safe
 * side. Forgotten counts are deleted at most once per PRUNE_EVERY_MS per node.
 */
import { loginLockedError, loginScopeRules, type LoginAttempt, type LoginAttempts, type LoginLimits } from '@iamanager/kernel/web';
import type { Database } from './pool.js';

const SCOPES = ['pair', 'account', 'address'] as const;
const PRUNE_EVERY_MS = 10 * 60_000;

interface Reservation {
  wait_ms: number;
  delays_ms: number[];
  previous: Date[];
  locked: Date[];
}

export class PostgresLoginAttempts implements LoginAttempts {
  private readonly rules;
  private nextPruneAt = 0;

  /** `clock` is the control plane's (wall time, shared by the nodes to within NTP's second). */
  constructor(
    private readonly db: Database,
    limits: Pick<LoginLimits, 'maxFailures' | 'lockSeconds'>,
    private readonly clock: () => Date,
  ) {
    const rules = loginScopeRules(limits);
    this.rules = SCOPES.map((scope) => rules[scope]);
  }

  async reserve(account: string, address: string): Promise<LoginAttempt> {
    const now = this.clock();
    if (now.getTime() >= this.nextPruneAt) await this.prune(now);
    const keys = [`${account}\n${address}`, account, address];
    const { rows } = await this.db.query<Reservation>('SELECT * FROM reserve_login_attempt($1, $2, $3, $4, $5, $6, $7)', [
      now,
      SCOPES,
      keys,
      this.rules.map((r) => r.threshold),
      this.rules.map((r) => r.firstDelayMs),
      this.rules.map((r) => r.maxDelayMs),
      this.rules.map((r) => r.forgetMs),
    ]);
    const reserved = rows[0]!;
    if (reserved.wait_ms > 0) throw loginLockedError(Math.ceil(reserved.wait_ms / 1000));
    let ended = false;
    return {
      end: async (outcome) => {
        if (ended) return 0;
        ended = true;
        // Counted already; the lock it started (if any) is the account's for this address.
        if (outcome === 'failed') return Math.ceil(reserved.delays_ms[0]! / 1000);
        await this.giveBack(keys, reserved, outcome === 'succeeded');
        return 0;
      },
    };
  }

  /**
   * Deletes the counts no rule remembers any more (no failure for the longest while, no lock left).
   * Rows an attempt holds are skipped, never waited for: this statement cannot hold an attempt up.
   */
  async prune(now: Date): Promise<number> {
    this.nextPruneAt = now.getTime() + PRUNE_EVERY_MS;
    const horizon = new Date(now.getTime() - Math.max(...this.rules.map((r) => r.forgetMs)));
    const { rowCount } = await this.db.query(
      `DELETE FROM login_failures WHERE ctid IN (
         SELECT ctid FROM login_failures WHERE last_failure_at < $1 AND locked_until <= $2 FOR UPDATE SKIP LOCKED)`,
      [horizon, now],
    );
    return rowCount ?? 0;
  }

  /**
   * Undoes the attempt's count: a success also clears the account's failures from that address
   * (as in memory). A lock this attempt started goes back to what it was, unless another attempt
   * has moved it since (then it is theirs).
   */
  private async giveBack(keys: string[], reserved: Reservation, succeeded: boolean): Promise<void> {
    await this.db.query(
      `UPDATE login_failures l SET
         failures = CASE WHEN $5 AND l.scope = 'pair' THEN 0 ELSE greatest(l.failures - 1, 0) END,
         locked_until = CASE WHEN $5 AND l.scope = 'pair' THEN 'epoch'::timestamptz
                             WHEN l.locked_until = t.locked THEN t.previous ELSE l.locked_until END
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS t(scope, key, previous, locked)
       WHERE l.scope = t.scope AND l.key = t.key`,
      [SCOPES, keys, reserved.previous, reserved.locked, succeeded],
    );
  }
}
