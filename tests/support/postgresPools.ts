/**
 * The preamble the control plane's PostgreSQL test files share: a throw-away cluster for the file
 * (tests/support/postgres.ts) started before its tests, and the pools its scenarios open on it —
 * one pool per "node" — all closed before the cluster is destroyed after the last test.
 */
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { openDatabase, type Database } from '../../control-plane/src/storage/postgres/pool.js';
import { startPostgres, type PostgresCluster } from './postgres.js';
import { waitFor } from './waitFor.js';

const log = createLogger('test', 'silent');

export interface ThrowawayPostgres {
  /** The file's cluster (available from the first test on). */
  readonly cluster: PostgresCluster;
  /** A pool on `url` — what one control-plane node holds —, closed after the file's tests. */
  pool(url: string, poolSize?: number): Database;
}

export function usePostgres(): ThrowawayPostgres {
  let cluster: PostgresCluster | undefined;
  const pools: Database[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    for (const db of pools) await db.close();
    await cluster?.destroy();
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('usePostgres: the cluster starts in beforeAll; use it from a test or a later hook');
      return cluster;
    },
    pool(url, poolSize = 5) {
      // Generous: two CI files starting clusters at once can make the first connection slow.
      const db = openDatabase({ url, poolSize, connectTimeoutMs: 120_000 }, log);
      pools.push(db);
      return db;
    },
  };
}

/**
 * Resolves once at least `count` connections of the current database wait on a lock: the moment a
 * race test has its contenders queued behind the row or table a third connection holds. Asked of
 * `db` outside that holder's transaction (pg_stat_activity is read once per transaction).
 */
export async function lockWaiters(db: { query<R>(sql: string): Promise<{ rows: R[] }> }, count: number, what: string): Promise<void> {
  await waitFor(
    async () =>
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        )
      ).rows[0]!.n,
    (n) => Number(n) >= count,
    { what },
  );
}
