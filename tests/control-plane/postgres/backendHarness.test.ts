/**
 * The harness step 5 runs the control-plane suites with (tests/support/controlPlane.ts,
 * `CP_TEST_BACKEND=postgres`): one cluster per test file, a fresh database per DATA_DIR, the same
 * database for the same DATA_DIR, handed to the CLI and `serve`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { MIGRATIONS } from '../../../control-plane/src/storage/postgres/migrations/index.js';
import {
  api,
  createAdminToken,
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

  // The suites on PostgreSQL: serve and the CLI of one DATA_DIR share its database.
  it('serves and runs the CLI of a DATA_DIR on its database', async () => {
    const dir = tempDir('cp-h-');
    const server = await startControlPlane(dir);
    try {
      expect(await api(server.url, undefined, 'GET', '/healthz')).toMatchObject({ status: 200, body: { database: 'ok' } });
      const token = await createAdminToken(dir, 'ops@vendor.test');
      expect((await api(server.url, token, 'POST', '/api/v1/cabinets', { id: 'cab-h', name: 'Cabinet H', plan: 'starter' })).status).toBe(
        201,
      );
      expect(JSON.stringify((await runCli(dir, ['cabinet', 'list', '--json'])).json)).toContain('cab-h');
    } finally {
      await server.stop();
    }
  });
});
