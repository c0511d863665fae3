/**
 * What the multi-node reliability tests (tests/reliability/twoNodeIngest, nodeKill,
 * postgresRestart) stand on: a throw-away PostgreSQL cluster with one database, real `serve`
 * processes on it (each its own DATA_DIR, as two machines would have), a fleet of fake appliances
 * enrolled through them, and what the database holds read back directly, not through a node.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CONTROL_PLANE_MAIN, FakeAppliance, api, baseEnv, runCli, tempDir } from './controlPlane.js';
import { expect } from 'vitest';
import { spawnKillable, type KillableService } from './killable.js';
import { startPostgres, type PostgresCluster } from './postgres.js';

export interface SharedDatabase {
  readonly cluster: PostgresCluster;
  readonly url: string;
  /** A vendor admin's Bearer token, made by the CLI on the database (valid on every node). */
  readonly token: string;
}

/** A node's environment: its own DATA_DIR, the shared DATABASE_URL. */
export function nodeEnv(db: SharedDatabase, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // baseEnv adds the sealing key every node mounts (required with DATABASE_URL).
  return baseEnv(dataDir, { DATABASE_URL: db.url, ...extra });
}

/** A fresh DATA_DIR for one node (kept across its restarts). */
export function nodeDataDir(name: string): string {
  const dir = path.join(tempDir(`cp-${name}-`), 'data');
  fs.mkdirSync(dir);
  return dir;
}

/** Starts the cluster, makes the database and an admin token through the CLI (which migrates it). */
export async function startSharedDatabase(prefix: string): Promise<SharedDatabase> {
  const cluster = await startPostgres();
  const url = await cluster.createDatabase(prefix);
  const dir = nodeDataDir('admin');
  const env = { DATABASE_URL: url };
  const created = await runCli(dir, ['admin', 'create', '--email', 'ops@vendor.test', '--role', 'admin', '--json'], {
    input: 'correct horse battery staple\n',
    env,
  });
  if (created.code !== 0) throw new Error(`admin create failed: ${created.stderr}`);
  const token = await runCli(dir, ['admin', 'token', '--email', 'ops@vendor.test', '--json'], { env });
  if (token.code !== 0) throw new Error(`admin token failed: ${token.stderr}`);
  return { cluster, url, token: token.json.token as string };
}

/** A `serve` node (spawned, not yet listening: await `listening`). */
export function spawnNode(db: SharedDatabase, dataDir: string, extra: Record<string, string> = {}): KillableService {
  return spawnKillable(CONTROL_PLANE_MAIN, nodeEnv(db, dataDir, extra), { cwd: path.dirname(dataDir) });
}

/** Spawns a node and waits for its "listening" line; its base URL. */
export async function startNode(
  db: SharedDatabase,
  dataDir: string,
  extra: Record<string, string> = {},
): Promise<{ url: string; service: KillableService }> {
  const service = spawnNode(db, dataDir, extra);
  const port = await service.listening;
  if (port === null) throw new Error(`a node died before listening:\n${service.output().slice(-3000)}`);
  return { url: `http://127.0.0.1:${port}`, service };
}

/** The fake appliances' cabinets carry what an invoice must mention (a SIRET, an address). */
const CABINET_FIELDS = { plan: 'professional', siret: '12345678901237', address: '1 rue de la Paix, 75002 Paris' };

/**
 * `count` cabinets, each with one enrolled appliance, created and enrolled on the nodes in turn
 * (cabinet i on `urls[i % urls.length]`), a few at a time.
 */
export async function enrollFleet(urls: readonly string[], token: string, count: number, prefix = 'fleet'): Promise<FakeAppliance[]> {
  const appliances: FakeAppliance[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const url = urls[i % urls.length]!;
      const id = `${prefix}-${String(i).padStart(3, '0')}`;
      const created = await api(url, token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, ...CABINET_FIELDS });
      if (created.status !== 201) throw new Error(`cabinet ${id}: ${created.status} ${JSON.stringify(created.body)}`);
      const appliance = new FakeAppliance(url);
      const enrolled = await appliance.enroll(created.body.enrollmentCode as string);
      if (enrolled.status !== 201) throw new Error(`enroll ${id}: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
      appliances[i] = appliance;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return appliances;
}

export interface HeartbeatAnswer {
  status: number;
  error?: string;
}

/** POSTs a heartbeat's JWS; a connection that fails (refused, reset by a kill) rejects. */
export async function postHeartbeat(url: string, jws: string): Promise<HeartbeatAnswer> {
  const res = await fetch(`${url}/v1/heartbeats`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws });
  const body = (await res.json()) as { error?: string };
  return { status: res.status, error: body.error };
}

export interface StoredHeartbeats {
  /** Rows of `heartbeats`. */
  rows: number;
  /** appliance id → the sequence numbers in `heartbeats`. */
  seqs: Map<string, Set<number>>;
  /** appliance id → `appliances.last_seq`. */
  lastSeq: Map<string, number>;
}

/** What the database holds, read directly (not through a node). */
export async function storedHeartbeats(databaseUrl: string): Promise<StoredHeartbeats> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const seqs = new Map<string, Set<number>>();
    const rows = await client.query<{ appliance_id: string; seq: string }>('SELECT appliance_id, seq FROM heartbeats');
    for (const row of rows.rows) {
      let set = seqs.get(row.appliance_id);
      if (!set) seqs.set(row.appliance_id, (set = new Set()));
      set.add(Number(row.seq));
    }
    const appliances = await client.query<{ id: string; last_seq: string }>('SELECT id, last_seq FROM appliances');
    return { rows: rows.rowCount ?? 0, seqs, lastSeq: new Map(appliances.rows.map((r) => [r.id, Number(r.last_seq)])) };
  } finally {
    await client.end();
  }
}

/** A query on the database, for the checks the tests make beyond heartbeats. */
export async function queryDatabase<Row extends pg.QueryResultRow>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * What every multi-node test asserts at its end: each heartbeat an appliance sent was settled —
 * acknowledged, or found recorded on a retry —, is stored once, and the sequence applied is the last.
 */
export function expectEveryHeartbeatSettled(
  fleet: readonly { appliance: FakeAppliance; acked: ReadonlySet<number>; foundOnRetry: ReadonlySet<number> }[],
  stored: StoredHeartbeats,
): void {
  for (const entry of fleet) {
    const id = entry.appliance.applianceId;
    const seqs = stored.seqs.get(id) ?? new Set<number>();
    for (const seq of entry.acked) expect(seqs.has(seq), `${id} seq ${seq} acknowledged`).toBe(true);
    for (const seq of entry.foundOnRetry) expect(seqs.has(seq), `${id} seq ${seq} found on retry`).toBe(true);
    const sentUpTo = entry.appliance.seq;
    expect(entry.acked.size + entry.foundOnRetry.size, id).toBe(sentUpTo);
    expect(
      [...seqs].sort((x, y) => x - y),
      id,
    ).toEqual(Array.from({ length: sentUpTo }, (_, i) => i + 1));
    expect(stored.lastSeq.get(id), id).toBe(sentUpTo);
  }
}
