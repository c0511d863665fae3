/**
 * The PostgreSQL backend's foundation (docs/control-plane-postgres.md): DATABASE_URL checked at
 * start-up, `control-plane db migrate` applying schema v1 once however many run at once, the
 * schema's "once" constraints, a refused history, and clear errors when the database is away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ConfigError } from '@iamanager/kernel/config';
import { readConfig } from '../../../control-plane/src/config.js';
import { MIGRATIONS } from '../../../control-plane/src/storage/postgres/migrations/index.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase } from '../../../control-plane/src/storage/postgres/pool.js';
import { runCli, tempDir } from '../../support/controlPlane.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { createLogger } from '@iamanager/kernel/log';

let cluster: PostgresCluster;
const log = createLogger('test', 'silent');

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await cluster?.destroy();
});

function configProblems(env: Record<string, string>): string {
  try {
    readConfig({ DATA_DIR: tempDir('cp-pg-config-'), ...env }, '/nonexistent/.env');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    return rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}

describe('DATABASE_URL', () => {
  it('is optional: unset, the control plane keeps its files (no database settings)', () => {
    expect(readConfig({ DATA_DIR: tempDir('cp-pg-config-') }, '/nonexistent/.env').database).toBeUndefined();
  });

  it('is read with its pool settings', () => {
    const config = readConfig(
      { DATA_DIR: tempDir('cp-pg-config-'), DATABASE_URL: 'postgres://cp:secret@db.example:6432/cp', DATABASE_POOL_SIZE: '4' },
      '/nonexistent/.env',
    );
    expect(config.database).toEqual({ url: 'postgres://cp:secret@db.example:6432/cp', poolSize: 4, connectTimeoutMs: 10_000 });
  });

  it.each([
    ['mysql://cp@db/cp', /DATABASE_URL.*must start with postgres:\/\/ \(got mysql:\/\/\)/],
    ['not a url', /DATABASE_URL.*is not a URL/],
    ['postgres://cp@db.example:5432', /DATABASE_URL.*names no database: end it with \/DATABASE/],
  ])('refuses %s, saying what to write', (url, message) => {
    expect(configProblems({ DATABASE_URL: url })).toMatch(message);
  });

  it('refuses a pool size out of range, naming the variable', () => {
    expect(configProblems({ DATABASE_URL: 'postgres://cp@db/cp', DATABASE_POOL_SIZE: '0' })).toMatch(
      /DATABASE_POOL_SIZE.*must be a whole number from 1 to 500/,
    );
  });
});

describe('control-plane db migrate', () => {
  it('applies schema v1 once, then finds nothing to do', async () => {
    const url = await cluster.createDatabase('migrate');
    const dataDir = tempDir('cp-pg-');
    const first = await runCli(dataDir, ['db', 'migrate', '--json'], { env: { DATABASE_URL: url } });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.json).toEqual({ database: `127.0.0.1:${cluster.port}/${new URL(url).pathname.slice(1)}`, applied: [1], version: 1 });
    expect(await tables(url)).toEqual(
      expect.arrayContaining(['schema_migrations', 'cabinets', 'appliances', 'heartbeats', 'invoices', 'document_numbers', 'job_leases']),
    );
    const again = await runCli(dataDir, ['db', 'migrate'], { env: { DATABASE_URL: url } });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/schema already at version 1/);
  });

  it('run by three nodes at once, applies each version exactly once', async () => {
    const url = await cluster.createDatabase('migrate_race');
    const runs = await Promise.all(
      [1, 2, 3].map(() => runCli(tempDir('cp-pg-'), ['db', 'migrate', '--json'], { env: { DATABASE_URL: url } })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs.map((r) => r.json.applied).sort()).toEqual([[], [], [1]]);
  });

  it('refuses a database whose applied version differs from this build, touching nothing', async () => {
    const url = await cluster.createDatabase('migrate_edited');
    const db = openDatabase({ url, poolSize: 2, connectTimeoutMs: 120_000 }, log);
    try {
      await migrate(db);
      const edited = [{ ...MIGRATIONS[0]!, sql: `${MIGRATIONS[0]!.sql}\nCREATE TABLE sneaked_in (n int);` }];
      await expect(migrate(db, edited)).rejects.toMatchObject({ code: 'database_schema_mismatch', message: /version 1 .* differs/ });
      const newer = [...MIGRATIONS];
      await db.query(`INSERT INTO schema_migrations (version, name, sha256) VALUES (99, 'from a newer build', 'x')`);
      await expect(migrate(db, newer)).rejects.toMatchObject({ code: 'database_schema_mismatch', message: /version 99, newer/ });
      expect(await tables(url)).not.toContain('sneaked_in');
    } finally {
      await db.close();
    }
  });

  it('without DATABASE_URL says what it needs', async () => {
    const result = await runCli(tempDir('cp-pg-'), ['db', 'migrate', '--json']);
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, error: 'database_not_configured' });
    expect(result.json.message).toMatch(/needs DATABASE_URL \(postgres:\/\//);
  });

  it('with the database away answers database_unavailable, naming where but never the password', async () => {
    const stopped = await startPostgres();
    const url = stopped.url().replace('postgres@', 'postgres:s3cret@');
    await stopped.destroy();
    const result = await runCli(tempDir('cp-pg-'), ['db', 'migrate', '--json'], { env: { DATABASE_URL: url } });
    expect(result.code).toBe(1);
    expect(result.json).toMatchObject({ ok: false, error: 'database_unavailable' });
    expect(result.json.message).toMatch(
      new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${stopped.port}/postgres\\) cannot be reached: connect ECONNREFUSED`),
    );
    expect(result.stderr + result.stdout).not.toContain('s3cret');
  });
});

describe('schema v1 constraints', () => {
  let db: ReturnType<typeof openDatabase>;
  beforeAll(async () => {
    db = openDatabase({ url: await cluster.createDatabase('constraints'), poolSize: 4, connectTimeoutMs: 120_000 }, log);
    await migrate(db);
    await db.query(`INSERT INTO cabinets (id, status, license_revision, record) VALUES ('cab-1', 'active', 1, '{}')`);
    await db.query(`INSERT INTO appliances (id, cabinet_id, record) VALUES ('app-1', 'cab-1', '{}')`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("counts a heartbeat's sequence once: a second insert of (appliance, seq) is refused by the database", async () => {
    const insert = () => db.query(`INSERT INTO heartbeats (appliance_id, seq, received_at, jws) VALUES ('app-1', 7, now(), 'x')`);
    await insert();
    await expect(insert()).rejects.toMatchObject({ code: '23505', constraint: 'heartbeats_pkey' });
  });

  it('closes a month once and keeps one invoice per cabinet and month, numbers unique', async () => {
    await db.query(`INSERT INTO billing_months (month, closed_at, record) VALUES ('2026-01', now(), '{}')`);
    await expect(db.query(`INSERT INTO billing_months (month, closed_at, record) VALUES ('2026-01', now(), '{}')`)).rejects.toMatchObject({
      code: '23505',
    });
    const invoice = (number: string, n: number) =>
      db.query(
        `INSERT INTO invoices (number, series_year, series_number, month, cabinet_id, issued_at, record) VALUES ($1, 2026, $2, '2026-01', 'cab-1', now(), '{}')`,
        [number, n],
      );
    await invoice('F-2026-000001', 1);
    await expect(invoice('F-2026-000002', 2)).rejects.toMatchObject({ code: '23505', constraint: 'invoices_month_cabinet_id_key' });
  });

  it('refuses a month that is not YYYY-MM', async () => {
    await expect(db.query(`INSERT INTO billing_months (month, closed_at, record) VALUES ('2026-13', now(), '{}')`)).rejects.toMatchObject({
      code: '23514',
    });
  });
});
