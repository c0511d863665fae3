/**
 * A connection the server ends while a transaction holds it between two queries (PostgreSQL
 * stopping or restarting: `57P01 terminating connection due to administrator command`). node-postgres
 * reports it as an 'error' event on the checked-out client, which the pool does not listen to
 * while the client is out: unheard, it ended the whole node (found by
 * tests/reliability/postgresRestart.test.ts). The transaction must fail with
 * `database_unavailable` instead, the connection be discarded, and the pool go on.
 */
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { usePostgres } from '../../support/postgresPools.js';

const postgres = usePostgres();

describe('a pooled connection ended by the server during a transaction', () => {
  it('fails that transaction with database_unavailable, and the pool serves the next one', async () => {
    const db = postgres.pool(await postgres.cluster.createDatabase('pool_loss'), 2);
    const admin = postgres.pool(postgres.cluster.url(), 1);
    const work = db.transaction(async (client: pg.PoolClient) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // 'end' follows the server's FATAL message, so by then its 'error' event has been emitted.
      const ended = new Promise((resolve) => client.once('end', resolve));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await ended;
      return client.query('SELECT 1');
    });
    await expect(work).rejects.toMatchObject({ code: 'database_unavailable' });
    const next = await db.transaction((client) => client.query<{ one: number }>('SELECT 1 AS one'));
    expect(next.rows).toEqual([{ one: 1 }]);
  }, 30_000); // unheard, the event leaves the transaction waiting: a failure within 30 s, not a hang
});
