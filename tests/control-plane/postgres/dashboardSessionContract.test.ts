/**
 * The dashboard's login guard and logouts over several nodes (docs/control-plane-postgres.md
 * "Dashboard login guard and logouts on several nodes"): one contract, two backends. With
 * PostgreSQL two pools on one database are two nodes; with the kernel's defaults (the in-memory
 * limiter, DATA_DIR's revocation file) one process is the only node, so "the other node" is the
 * same guard and the same list — what the contract then proves is that both behave alike.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { LoginGuard, LoginLimiter, RevokedSessions, type LoginAttempts, type SessionRevocations } from '@iamanager/kernel/web';
import { PostgresLoginAttempts } from '../../../control-plane/src/storage/postgres/dashboardLoginAttempts.js';
import { PostgresSessionRevocations } from '../../../control-plane/src/storage/postgres/dashboardRevocations.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { Database } from '../../../control-plane/src/storage/postgres/pool.js';
import { tempDir } from '../../support/controlPlane.js';
import { lockWaiters, usePostgres } from '../../support/postgresPools.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();
const LIMITS = { maxFailures: 5, lockSeconds: 900 };
const ADMIN = 'ops@vendor.example';
const GUESSER = '203.0.113.7';
const OFFICE = '198.51.100.20';
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Two nodes' state over one shared clock (ms), which the test moves by hand. */
interface Nodes {
  attempts: [LoginAttempts, LoginAttempts];
  revocations: () => Promise<[SessionRevocations, SessionRevocations]>;
  /** Resolves once node B knows of `jti` (PostgreSQL: its notification heard; the files: at once). */
  heardOnB(jti: string): Promise<unknown>;
  clock: { ms: number };
  db?: Database;
  url?: string;
}

const backends: [string, () => Promise<Nodes>][] = [
  [
    'in memory and DATA_DIR (one node)',
    async () => {
      const clock = { ms: Date.parse('2026-03-02T09:00:00Z') };
      const limiter = new LoginLimiter({ ...LIMITS, now: () => clock.ms });
      const dir = tempDir('cp-dashboard-state-');
      let revoked: RevokedSessions | undefined;
      return {
        attempts: [limiter, limiter],
        revocations: async () => {
          revoked ??= await RevokedSessions.open(dir, () => new Date(clock.ms), log, 'dashboard-revoked-sessions.json');
          return [revoked, revoked];
        },
        heardOnB: async () => undefined,
        clock,
      };
    },
  ],
  [
    'PostgreSQL (two nodes)',
    async () => {
      const clock = { ms: Date.parse('2026-03-02T09:00:00Z') };
      const now = () => new Date(clock.ms);
      const url = await pg.cluster.createDatabase('dashboard');
      const [a, b] = [pg.pool(url, 3), pg.pool(url, 3)] as const;
      await migrate(a);
      let pair: [PostgresSessionRevocations, PostgresSessionRevocations] | undefined;
      return {
        attempts: [new PostgresLoginAttempts(a, LIMITS, now), new PostgresLoginAttempts(b, LIMITS, now)],
        revocations: async () => {
          if (!pair) {
            const opened = [
              await PostgresSessionRevocations.open(a, now, log),
              await PostgresSessionRevocations.open(b, now, log),
            ] as const;
            onTeardown(() => Promise.all(opened.map((r) => r.close())));
            pair = [...opened];
          }
          return pair;
        },
        heardOnB: async (jti) => {
          const b = pair![1];
          while (!b.has(jti)) await once(b, 'revoked');
        },
        clock,
        db: a,
        url,
      };
    },
  ],
];

let teardowns: (() => Promise<unknown>)[] = [];
function onTeardown(fn: () => Promise<unknown>): void {
  teardowns.push(fn);
}
// Listening connections are given back before the file's pools close (postgresPools.ts).
afterEach(async () => {
  for (const fn of teardowns) await fn();
  teardowns = [];
});

/** The refusal's code and wait, or undefined when the promise resolved. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; retryAfterSeconds?: number } | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    const e = err as { code: string; details?: { retryAfterSeconds?: number }; retryAfterSeconds?: number };
    return { code: e.code, retryAfterSeconds: e.details?.retryAfterSeconds ?? e.retryAfterSeconds };
  }
}

const wrong = async (): Promise<undefined> => undefined;
const right = async (): Promise<{ id: string }> => ({ id: 'adm-1' });

describe.each(backends)('dashboard login guard and logouts: %s', (_name, start) => {
  it('locks the account for an address after five wrong passwords spread over two nodes, whichever node the next reaches', async () => {
    const nodes = await start();
    const locks: number[] = [];
    const [a, b] = nodes.attempts.map((attempts) => new LoginGuard({ ...LIMITS, attempts, onLock: (e) => locks.push(e.seconds) })) as [
      LoginGuard,
      LoginGuard,
    ];
    for (const guard of [a, b, a, b, a]) expect(await guard.check(ADMIN, GUESSER, wrong)).toBeUndefined();
    expect(locks).toEqual([60]);
    for (const guard of [a, b])
      expect(await refusal(guard.check(ADMIN, GUESSER, right))).toEqual({ code: 'rate_limited', retryAfterSeconds: 60 });
    // The lock is the guesser's address's, not the office's.
    expect(await b.check(ADMIN, OFFICE, right)).toEqual({ id: 'adm-1' });
    nodes.clock.ms += MINUTE;
    expect(await b.check(ADMIN, GUESSER, right)).toEqual({ id: 'adm-1' });
  });

  it('evaluates at most five of twelve guesses sent at once to two nodes: an attempt in flight counts', async () => {
    const nodes = await start();
    const [a, b] = nodes.attempts;
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, async (_, i) => (i % 2 ? b : a).reserve(ADMIN, GUESSER)));
    const admitted = outcomes.filter((o) => o.status === 'fulfilled');
    expect(admitted).toHaveLength(5);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as { code: string }).code).toBe('rate_limited');
    for (const o of admitted) await o.value.end('failed');
    expect(await refusal((async () => a.reserve(ADMIN, GUESSER))())).toMatchObject({ code: 'rate_limited' });
  });

  it('forgets the failures of an address after a success on the other node, and gives back an attempt never evaluated', async () => {
    const nodes = await start();
    const [a, b] = nodes.attempts.map((attempts) => new LoginGuard({ ...LIMITS, attempts })) as [LoginGuard, LoginGuard];
    for (const guard of [a, b, a, b]) await guard.check(ADMIN, OFFICE, wrong);
    expect(await b.check(ADMIN, OFFICE, right)).toEqual({ id: 'adm-1' });
    for (const guard of [a, b, a, b]) await guard.check(ADMIN, OFFICE, wrong);
    // A check that throws counts neither way: the fifth failure is still to come.
    await expect(a.check(ADMIN, OFFICE, () => Promise.reject(new Error('hashing failed')))).rejects.toThrow('hashing failed');
    expect(await b.check(ADMIN, OFFICE, wrong)).toBeUndefined();
    expect(await refusal(a.check(ADMIN, OFFICE, right))).toMatchObject({ code: 'rate_limited' });
  });

  it('refuses on node B a session logged out on node A, from its next request', async () => {
    const nodes = await start();
    const [a, b] = await nodes.revocations();
    const exp = nodes.clock.ms / 1000 + 12 * 3600;
    const heard = nodes.heardOnB('session-one');
    expect(await a.revoke('session-one', exp)).toBe(true);
    await heard;
    expect(await b.has('session-one')).toBe(true);
    expect(await b.has('session-two')).toBe(false);
    // A second logout from a copy of the cookie, on the other node: nothing more to keep.
    expect(await b.revoke('session-one', exp)).toBe(true);
    expect(await a.has('session-one')).toBe(true);
  });
});

describe('dashboard login guard and logouts on PostgreSQL only', () => {
  const start = backends[1]![1];

  it('counts each of six attempts queued behind a lock on the rows: four more admitted after one failure, never more', async () => {
    const nodes = await start();
    const [a, b] = nodes.attempts;
    await (await a.reserve(ADMIN, GUESSER)).end('failed');
    // A third connection holds the rows; a fourth watches who waits on them.
    const holder = pg.pool(nodes.url!, 2);
    const held = await holder.pool.connect();
    onTeardown(async () => held.release());
    await held.query('BEGIN');
    await held.query('SELECT 1 FROM login_failures FOR UPDATE');
    const attempts = Promise.allSettled(Array.from({ length: 6 }, async (_, i) => (i % 2 ? b : a).reserve(ADMIN, GUESSER)));
    await lockWaiters(holder, 6, 'six attempts waiting on the rows');
    await held.query('COMMIT');
    const outcomes = await attempts;
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    expect((await nodes.db!.query('SELECT failures FROM login_failures WHERE scope = $1', ['pair'])).rows).toEqual([{ failures: 5 }]);
  });

  it('a node started after a logout refuses that session', async () => {
    const nodes = await start();
    const [a] = await nodes.revocations();
    await a.revoke('before-start', nodes.clock.ms / 1000 + 3600);
    const late = await PostgresSessionRevocations.open(nodes.db!, () => new Date(nodes.clock.ms), log);
    onTeardown(() => late.close());
    expect(late.has('before-start')).toBe(true);
  });

  it('asks the table while a node cannot listen, so a logout elsewhere is refused at once, then listens again', async () => {
    const nodes = await start();
    const [a, b] = await nodes.revocations();
    const lost = once(b, 'listening');
    // Ends every listening connection of this database (the nodes' own pools stay).
    await nodes.db!.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT jti, until FROM revoked_sessions%'`,
    );
    expect(await lost).toEqual([false]);
    await a.revoke('while-deaf', nodes.clock.ms / 1000 + 3600);
    const listening = once(b, 'listening');
    expect(await b.has('while-deaf')).toBe(true);
    expect(await listening).toEqual([true]);
    expect(b.has('while-deaf')).toBe(true);
  });

  it('deletes expired revocations and forgotten login counts', async () => {
    const nodes = await start();
    const [a] = await nodes.revocations();
    await a.revoke('short', nodes.clock.ms / 1000 + 60);
    const guard = new LoginGuard({ ...LIMITS, attempts: nodes.attempts[0] });
    await guard.check(ADMIN, GUESSER, wrong);
    expect((await nodes.db!.query('SELECT 1 FROM login_failures')).rowCount).toBe(3);
    nodes.clock.ms += DAY + MINUTE;
    await a.revoke('later', nodes.clock.ms / 1000 + 60);
    expect((await nodes.db!.query('SELECT jti FROM revoked_sessions')).rows).toEqual([{ jti: 'later' }]);
    expect(await (nodes.attempts[0] as PostgresLoginAttempts).prune(new Date(nodes.clock.ms))).toBe(3);
  });
});
