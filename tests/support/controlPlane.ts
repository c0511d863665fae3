/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON that tests assert field by field */
/**
 * Test harness for the control plane: runs the compiled CLI and server (`control-plane/dist`)
 * with a temp DATA_DIR, and builds signed heartbeats the way an appliance does.
 *
 * `CP_TEST_BACKEND=postgres` runs them on PostgreSQL (docs/control-plane-postgres.md, "Wiring"):
 * each DATA_DIR gets its own fresh database, on one throw-away cluster started at the first need
 * in the test file and destroyed after its last test. The database is keyed by the DATA_DIR, so a
 * restart of the same DATA_DIR, or a CLI command on it, finds the state it left. A test that gives
 * DATABASE_URL itself keeps its own (`DATABASE_URL: ''` keeps the files).
 */
import { afterAll } from 'vitest';
import pg from 'pg';
import { runCommand } from './runCommand.js';
import { startPostgres, type PostgresCluster } from './postgres.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import { generateSigningKey, publicJwk, signHeartbeat, type HeartbeatPayload } from '@iamanager/protocol';
import { startServiceProcess, type ServiceProcess } from '../demo/serviceProcess.js';

export const CONTROL_PLANE_MAIN = path.resolve(import.meta.dirname, '../../control-plane/dist/main.js');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type { CliResult } from './runCommand.js';
import type { CliResult } from './runCommand.js';

/**
 * The fixtures' second factor policy, explicit: tests that sign in as an `admin` with a password
 * alone say so here rather than the product weakening its default (`admin`); the second factor's
 * own tests (tests/control-plane/secondFactor*.test.ts) pass SECOND_FACTOR_REQUIRED_FOR themselves.
 */
const FIXTURE_SECOND_FACTOR = { SECOND_FACTOR_REQUIRED_FOR: 'none' };

/** The backend the control-plane suites run on: the files unless `CP_TEST_BACKEND=postgres`. */
export function testBackend(): 'files' | 'postgres' {
  const backend = process.env.CP_TEST_BACKEND ?? 'files';
  if (backend !== 'files' && backend !== 'postgres') throw new Error(`CP_TEST_BACKEND: must be files or postgres, not "${backend}"`);
  return backend;
}

/**
 * True when this run's control planes keep their state in PostgreSQL: what a test asserts of
 * DATA_DIR's own files (the journal, checkpoints, quarantine, the DATA_DIR lock, the control
 * socket) holds on the files only, and says so with `describe.skipIf(onPostgres())` or `if (!onPostgres())`.
 */
export function onPostgres(): boolean {
  return testBackend() === 'postgres';
}

let cluster: Promise<PostgresCluster> | undefined;
let clusterStarts = 0;
const databases = new Map<string, Promise<string>>();

// After the file's own afterAll hooks (they run in reverse order of registration): its servers are stopped by then.
afterAll(async () => {
  const started = cluster;
  cluster = undefined;
  databases.clear();
  await (await started?.catch(() => undefined))?.destroy();
});

/** The test file's cluster, started at the first call. */
export function testCluster(): Promise<PostgresCluster> {
  if (!cluster) {
    clusterStarts++;
    cluster = startPostgres();
  }
  return cluster;
}

/** How many clusters this test file started (one, whatever the number of DATA_DIRs). */
export function testClusterStarts(): number {
  return clusterStarts;
}

/** The database URL of a DATA_DIR: a fresh database the first time, the same one after. */
export function databaseUrlFor(dataDir: string): Promise<string> {
  const key = path.resolve(dataDir);
  let url = databases.get(key);
  if (!url) {
    url = testCluster().then((c) => c.createDatabase('cp'));
    databases.set(key, url);
  }
  return url;
}

/**
 * Everything the control plane of DATA_DIR stored, as text: every file under DATA_DIR on the files,
 * every row of every table of its database on PostgreSQL. What must never be stored (a password,
 * a token in clear) is looked for here, on both backends.
 */
export async function storedText(dataDir: string): Promise<string> {
  if (!onPostgres()) {
    return fs
      .readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
      .join('\n');
  }
  const tables = await databaseRows<{ name: string }>(dataDir, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
  const texts: string[] = [];
  for (const { name } of tables)
    texts.push(...(await databaseRows<{ row: string }>(dataDir, `SELECT t::text AS row FROM "${name}" t`)).map((r) => r.row));
  return texts.join('\n');
}

/** The rows `sql` reads from DATA_DIR's database (PostgreSQL runs only): what a test checks where the files' variant reads a file. */
export async function databaseRows<Row extends object>(dataDir: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: await databaseUrlFor(dataDir) });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** What the backend adds to a command's environment: DATA_DIR's database on PostgreSQL, unless the test gave one. */
async function backendEnv(dataDir: string, env: Record<string, string>): Promise<Record<string, string>> {
  if (testBackend() === 'files' || 'DATABASE_URL' in env) return {};
  return { DATABASE_URL: await databaseUrlFor(dataDir), DATABASE_CONNECT_TIMEOUT_SECONDS: '120' };
}

let nodesKeyFile: string | undefined;

/**
 * The second factor's sealing key every node of the test file shares (SECOND_FACTOR_KEY_FILE,
 * required with DATABASE_URL): 32 random bytes in base64, mode 0600, as docs/control-plane.md's
 * command writes it.
 */
export function testNodesKeyFile(): string {
  if (!nodesKeyFile) {
    nodesKeyFile = path.join(tempDir('cp-2fa-key-'), 'second-factor-key');
    fs.writeFileSync(nodesKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return nodesKeyFile;
}

/** A control-plane process's environment on DATA_DIR (with DATABASE_URL, the file's shared sealing key too). */
export function baseEnv(dataDir: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...FIXTURE_SECOND_FACTOR,
    ...env,
  };
  if (merged.DATABASE_URL && merged.SECOND_FACTOR_KEY_FILE === undefined) merged.SECOND_FACTOR_KEY_FILE = testNodesKeyFile();
  return merged;
}

/** Runs `control-plane <args>` on DATA_DIR (and its database, see above); `--json` output is parsed into `json`. */
export async function runCli(
  dataDir: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const env = { ...(await backendEnv(dataDir, options.env ?? {})), ...options.env };
  return runCommand(CONTROL_PLANE_MAIN, args, { cwd: path.dirname(dataDir), env: baseEnv(dataDir, env), input: options.input });
}

export interface TestControlPlane {
  url: string;
  dataDir: string;
  service: ServiceProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** When the run keeps a heartbeat tap (globalSetup.ts), every control plane records what appliances send it. */
const TAP = path.resolve(import.meta.dirname, 'heartbeatTap.mjs');
function tapEnv(): Record<string, string> {
  const dir = process.env.IAM_HEARTBEAT_TAP;
  return dir ? { IAM_HEARTBEAT_TAP: dir, NODE_OPTIONS: `--import=${TAP}` } : {};
}

export async function startControlPlane(dataDir: string, env: Record<string, string> = {}): Promise<TestControlPlane> {
  const service = await startServiceProcess(CONTROL_PLANE_MAIN, ['serve'], {
    env: baseEnv(dataDir, { ...tapEnv(), ...(await backendEnv(dataDir, env)), ...env }),
    cwd: path.dirname(dataDir),
  });
  return { url: `http://127.0.0.1:${service.port}`, dataDir, service, stop: (signal?: NodeJS.Signals) => service.stop(signal) };
}

/** Creates an admin of `role` through the CLI and returns a Bearer token for it. */
export async function createAdminToken(dataDir: string, email: string, role = 'admin'): Promise<string> {
  const created = await runCli(dataDir, ['admin', 'create', '--email', email, '--role', role, '--json'], {
    input: 'correct horse battery staple\n',
  });
  if (created.code !== 0) throw new Error(`admin create failed: ${created.stderr}`);
  const token = await runCli(dataDir, ['admin', 'token', '--email', email, '--json']);
  if (token.code !== 0) throw new Error(`admin token failed: ${token.stderr}`);
  return token.json.token as string;
}

export async function api(
  url: string,
  token: string | undefined,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. /metrics)
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A simulated appliance: its own key, enrollment, and heartbeats with increasing sequence numbers. */
export class FakeAppliance {
  readonly key = generateSigningKey();
  applianceId = '';
  cabinetId = '';
  license = '';
  seq = 0;

  constructor(public url: string) {}

  async enroll(code: string, key: KeyObject = this.key.publicKey): Promise<{ status: number; body: any }> {
    const res = await api(this.url, undefined, 'POST', '/v1/enroll', {
      code,
      publicKey: publicJwk(key),
      instanceName: 'test-prod',
      version: '1.0.0',
    });
    if (res.status === 201) {
      this.applianceId = res.body.applianceId;
      this.cabinetId = res.body.cabinetId;
      this.license = res.body.license;
    }
    return res;
  }

  licenseExpiresAt(): string {
    const claims = JSON.parse(Buffer.from(this.license.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
    return new Date(claims.exp * 1000).toISOString();
  }

  payload(overrides: Partial<HeartbeatPayload> = {}): HeartbeatPayload {
    return {
      v: 1,
      iss: this.applianceId,
      sub: this.cabinetId,
      seq: ++this.seq,
      iat: Math.floor(Date.now() / 1000),
      month: new Date().toISOString().slice(0, 7),
      usage: { analysesUsed: this.seq, analysesOverage: 0, usersActive: 2, casesOpen: 10, storageBytes: 1_000_000 },
      health: {
        version: '1.0.0',
        uptimeSeconds: 100,
        cpuLoad: 0.1,
        memoryUsedRatio: 0.3,
        diskFreeBytes: 10_000_000_000,
        diskFreeRatio: 0.8,
        lastBackupAt: null,
        licenseExpiresAt: this.licenseExpiresAt(),
        errors24h: 0,
      },
      ...overrides,
    };
  }

  sign(payload: HeartbeatPayload, key: KeyObject = this.key.privateKey): Promise<string> {
    return signHeartbeat(payload, key);
  }

  async send(jws: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}/v1/heartbeats`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
    return { status: res.status, body: await res.json() };
  }
}

/** Reads a counter of the Prometheus text, e.g. `controlplane_heartbeats_rejected_total{reason="clock_skew"}`. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
