/**
 * The throw-away cluster itself (tests/support/postgres.ts): it starts (as `nobody` when the run is
 * root), two clients on two connections see each other's commits and not each other's uncommitted
 * work, it stops and starts again keeping what was committed, and teardown removes it.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';

let cluster: PostgresCluster;

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.destroy();
});

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('throw-away PostgreSQL cluster', () => {
  it('listens on 127.0.0.1 only and runs a query', async () => {
    const client = await connect(cluster.url());
    try {
      const { rows } = await client.query<{ addr: string; version: string }>(
        `SELECT current_setting('listen_addresses') AS addr, current_setting('server_version_num') AS version`,
      );
      expect(rows[0]!.addr).toBe('127.0.0.1');
      expect(Number(rows[0]!.version)).toBeGreaterThanOrEqual(150_000);
    } finally {
      await client.end();
    }
  });

  it('gives each scenario its own empty database', async () => {
    const a = await cluster.createDatabase('one');
    const b = await cluster.createDatabase('one');
    expect(a).not.toBe(b);
    const client = await connect(a);
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      expect(rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it("lets two clients see each other's commits, never uncommitted work", async () => {
    const url = await cluster.createDatabase('visibility');
    const [first, second] = [await connect(url), await connect(url)];
    try {
      await first.query('CREATE TABLE t (n int PRIMARY KEY)');
      await first.query('BEGIN');
      await first.query('INSERT INTO t VALUES (1)');
      expect((await second.query('SELECT n FROM t')).rows).toEqual([]);
      await first.query('COMMIT');
      expect((await second.query('SELECT n FROM t')).rows).toEqual([{ n: 1 }]);
      await second.query('INSERT INTO t VALUES (2)');
      expect((await first.query('SELECT n FROM t ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await first.end();
      await second.end();
    }
  });

  it('stops and starts again on the same port, keeping what was committed', async () => {
    const url = await cluster.createDatabase('restart');
    const before = await connect(url);
    await before.query('CREATE TABLE kept (s text)');
    await before.query(`INSERT INTO kept VALUES ('committed')`);
    await before.end();
    await cluster.stop();
    await expect(connect(url)).rejects.toThrow(/ECONNREFUSED/);
    await cluster.start();
    const after = await connect(url);
    try {
      expect((await after.query('SELECT s FROM kept')).rows).toEqual([{ s: 'committed' }]);
    } finally {
      await after.end();
    }
  });

  it('is removed by destroy()', async () => {
    const other = await startPostgres();
    expect(fs.existsSync(other.dir)).toBe(true);
    await other.destroy();
    expect(fs.existsSync(other.dir)).toBe(false);
    await expect(connect(other.url())).rejects.toThrow(/ECONNREFUSED/);
  });
});
