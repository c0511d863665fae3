/**
 * The harness step 5 runs the control-plane suites with (tests/support/controlPlane.ts,
 * `CP_TEST_BACKEND=postgres`): one cluster per test file, a fresh database per DATA_DIR, the same
 * database for the same DATA_DIR, handed to the CLI and `serve`, which share it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { MIGRATIONS } from '../../../control-plane/src/storage/postgres/migrations/index.js';
import {
  databaseUrlFor,
  runCli,
  startControlPlane,
  tempDir,
  testBackend,
  testCluster,
  testClusterStarts,
} from '../../support/controlPlane.js';

const before = process.env.CP_TEST_BACKEND;
beforeAll(() => {
  process.env.CP_TEST_BACKEND = 'postgres';
});
afterAll(() => {
  if (before === undefined) delete process.env.CP_TEST_BACKEND;
  else process.env.CP_TEST_BACKEND = before;
});

async function tablesOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('CP_TEST_BACKEND=postgres', () => {
  it('is read from the environment; anything but files or postgres is refused', () => {
    expect(testBackend()).toBe('postgres');
    process.env.CP_TEST_BACKEND = 'mysql';
    try {
      expect(() => testBackend()).toThrow('CP_TEST_BACKEND: must be files or postgres, not "mysql"');
    } finally {
      process.env.CP_TEST_BACKEND = 'postgres';
    }
  });

  it('gives each DATA_DIR its own database on one cluster started once, and the same DATA_DIR the same database', async () => {
    const dirs = [tempDir('cp-h-'), tempDir('cp-h-'), tempDir('cp-h-')];
    // Asked at once, as parallel beforeAll hooks would: still one cluster.
    const urls = await Promise.all(dirs.map((d) => databaseUrlFor(d)));
    expect(testClusterStarts()).toBe(1);
    expect(new Set(urls).size).toBe(3);
    const { port } = await testCluster();
    for (const url of urls) expect(new URL(url).port).toBe(String(port));
    expect(await databaseUrlFor(dirs[1]!)).toBe(urls[1]);
    expect(await databaseUrlFor(`${dirs[1]!}/`)).toBe(urls[1]);
    expect(testClusterStarts()).toBe(1);
  });

  it('hands the CLI its DATA_DIR database: migrated once, kept for the next command; another DATA_DIR starts empty', async () => {
    const first = tempDir('cp-h-');
    const latest = MIGRATIONS.at(-1)!.version;
    expect((await runCli(first, ['db', 'migrate', '--json'])).json).toMatchObject({
      applied: MIGRATIONS.map((m) => m.version),
      version: latest,
    });
    expect((await runCli(first, ['db', 'migrate', '--json'])).json).toMatchObject({ applied: [], version: latest });
    expect(await tablesOf(await databaseUrlFor(first))).toContain('heartbeats');
    const second = tempDir('cp-h-');
    expect(await tablesOf(await databaseUrlFor(second))).toEqual([]);
    expect(testClusterStarts()).toBe(1);
  });

  it("keeps a test's own DATABASE_URL, and the files with DATABASE_URL=''", async () => {
    const dir = tempDir('cp-h-');
    const own = await (await testCluster()).createDatabase('own');
    expect((await runCli(dir, ['db', 'migrate', '--json'], { env: { DATABASE_URL: own } })).json.database).toMatch(/\/own_/);
    expect(await tablesOf(await databaseUrlFor(dir))).toEqual([]);
    expect((await runCli(dir, ['db', 'migrate', '--json'], { env: { DATABASE_URL: '' } })).json).toMatchObject({
      ok: false,
      error: 'database_not_configured',
    });
  });

  // With cli/stillOnFiles.ts empty, serve and the commands run on the database: what one writes the other reads.
  it('runs serve and the state-opening commands on the DATA_DIR database, which both see', async () => {
    const dir = tempDir('cp-h-');
    expect((await runCli(dir, ['cabinet', 'list', '--json'])).json).toEqual({ cabinets: [] });
    const cp = await startControlPlane(dir);
    try {
      expect(cp.service.output()).toContain(`"database":"${new URL(await databaseUrlFor(dir)).host}`);
      const created = await runCli(dir, ['cabinet', 'create', '--id', 'martin', '--name', 'Cabinet Martin', '--plan', 'starter', '--json']);
      expect(created.code, created.stderr).toBe(0);
      const admin = await runCli(dir, ['admin', 'create', '--email', 'ops@vendor.test', '--role', 'admin', '--json'], {
        input: 'a long enough password\n',
      });
      expect(admin.code, admin.stderr).toBe(0);
      const issued = await runCli(dir, ['admin', 'token', '--email', 'ops@vendor.test', '--json']);
      const listed = await fetch(`${cp.url}/api/v1/cabinets`, { headers: { authorization: `Bearer ${issued.json.token}` } });
      expect(((await listed.json()) as { cabinets: { id: string }[] }).cabinets.map((c) => c.id)).toEqual(['martin']);
    } finally {
      await cp.stop();
    }
  });
});
