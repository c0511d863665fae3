// Control plane benchmark (issue 2), against the compiled dist/: in one run,
//   1. Ed25519 verifications per second in-process (raw node:crypto, and the full verifyHeartbeat);
//   2. a bare Koa route's requests per second over loopback (same bodies, same concurrency);
//   3. signed heartbeat ingest per second, p50/p99 latency, from many concurrent simulated
//      appliances — every 202 is acknowledged only after the journal fsync, i.e. durable;
//   4. the same ingest on PostgreSQL (issue 20; a throw-away cluster with fsync on, so a 202 is a
//      durable commit there too), with one node, then two nodes on the same database with the
//      appliances split between them. Server CPU counts the nodes and PostgreSQL's processes.
// Target: ingest ≥ 50 % of the bare route's rate. Bounded by count and time; loopback only.
// BENCH_POSTGRES=0 skips part 4.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKey, publicJwk, signHeartbeat, verificationKey, verifyHeartbeat } from '@iamanager/protocol';
import { startServiceProcess } from '../demo/dist/serviceProcess.js';
import { sealingKeyFile, startPostgres } from './support/postgres.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const MAIN = path.join(root, 'control-plane/dist/main.js');
const APPLIANCES = Number(process.env.BENCH_APPLIANCES ?? 200);
const PER_APPLIANCE = Number(process.env.BENCH_HEARTBEATS ?? 40);
const TIME_LIMIT_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;

const fmt = (n) => Math.round(n).toLocaleString('en-US');

// The usual heartbeat: the appliance runs the license it was issued (v1 tells it by its expiry), so
// the answer carries no license and records nothing beyond the heartbeat.
function payloadFor(applianceId, cabinetId, seq, licenseExpiresAt = '2030-01-01T00:00:00.000Z') {
  return {
    v: 1,
    iss: applianceId,
    sub: cabinetId,
    seq,
    iat: Math.floor(Date.now() / 1000),
    month: new Date().toISOString().slice(0, 7),
    usage: { analysesUsed: seq, analysesOverage: 0, usersActive: 3, casesOpen: 120, storageBytes: 5_000_000 },
    health: {
      version: '1.0.0',
      uptimeSeconds: 3600,
      cpuLoad: 0.2,
      memoryUsedRatio: 0.4,
      diskFreeBytes: 50_000_000_000,
      diskFreeRatio: 0.7,
      lastBackupAt: null,
      licenseExpiresAt,
      errors24h: 0,
    },
  };
}

async function measureVerifications() {
  const key = generateSigningKey();
  const jws = await signHeartbeat(payloadFor('bench-appliance', 'bench', 1), key.privateKey);
  const [h, p, s] = jws.split('.');
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  let n = 0;
  let start = performance.now();
  while (performance.now() - start < 1000) {
    if (!crypto.verify(null, data, key.publicKey, sig)) throw new Error('verification failed');
    n++;
  }
  const raw = n / ((performance.now() - start) / 1000);
  // As the control plane does: the appliance's key is imported once, then reused by jose.
  const known = { publicKey: await verificationKey(publicJwk(key.publicKey)), cabinetId: 'bench', revoked: false, lastSeq: 0 };
  n = 0;
  start = performance.now();
  while (performance.now() - start < 1000) {
    await verifyHeartbeat(jws, { findAppliance: () => known });
    n++;
  }
  return { raw, full: n / ((performance.now() - start) / 1000) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: APPLIANCES });

function post(port, route, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: route, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/**
 * Each appliance sends its own queue in order, one request in flight: `queues.length` concurrent
 * clients; queue i goes to `ports[i % ports.length]` (two nodes: the fleet split in halves).
 * `cpu()` is the server side's CPU seconds so far (every node, and the database when there is one).
 */
async function drive(ports, queues, cpu) {
  const cpuBefore = cpu();
  const latencies = [];
  let accepted = 0;
  let refused = 0;
  const deadline = performance.now() + TIME_LIMIT_MS;
  const started = performance.now();
  await Promise.all(
    queues.map(async (queue, i) => {
      const port = ports[i % ports.length];
      for (const body of queue) {
        if (performance.now() > deadline) return;
        const t0 = performance.now();
        const res = await post(port, '/v1/heartbeats', body, { 'content-type': 'application/jose' });
        latencies.push(performance.now() - t0);
        if (res.status === 202) accepted++;
        else if (refused++ === 0) console.error(`first refusal: ${res.status} ${res.body}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const cpuMicros = ((cpu() - cpuBefore) / latencies.length) * 1e6;
  return {
    requests: latencies.length,
    accepted,
    refused,
    seconds,
    rate: latencies.length / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    cpuMicros,
  };
}

function cli(dataDir, args, input = '', env = {}) {
  const res = spawnSync(process.execPath, [MAIN, ...args, '--json'], {
    input,
    env: { ...process.env, ...env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`control-plane ${args.join(' ')}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

async function api(port, token, route, body) {
  const res = await post(port, route, JSON.stringify(body), {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  if (res.status >= 300) throw new Error(`${route}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

/** A control plane serving on DATA_DIR (and DATABASE_URL when given), quiet, on a free port. */
function serveNode(dataDir, databaseUrl) {
  return startServiceProcess(MAIN, ['serve'], {
    env: {
      ...process.env,
      NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, SECOND_FACTOR_KEY_FILE: sealingKeyFile() } : {}),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    timeoutMs: 60_000,
  });
}

/** An admin token, then APPLIANCES cabinets enrolled through the API: each with its key and its sequence. */
async function enrollFleet(dataDir, port, env = {}) {
  cli(dataDir, ['admin', 'create', '--email', 'bench@vendor.test'], 'bench password 123\n', env);
  const { token } = cli(dataDir, ['admin', 'token', '--email', 'bench@vendor.test'], '', env);
  const appliances = [];
  for (let i = 0; i < APPLIANCES; i++) {
    const id = `cab-${i}`;
    const { enrollmentCode } = await api(port, token, '/api/v1/cabinets', { id, name: `Cabinet ${i}`, plan: 'professional' });
    const key = generateSigningKey();
    const enrolled = await api(port, undefined, '/v1/enroll', {
      code: enrollmentCode,
      publicKey: publicJwk(key.publicKey),
      instanceName: `bench-${i}`,
      version: '1.0.0',
    });
    const { exp } = JSON.parse(Buffer.from(enrolled.license.split('.')[1], 'base64url').toString());
    appliances.push({
      key,
      applianceId: enrolled.applianceId,
      cabinetId: id,
      seq: 0,
      licenseExpiresAt: new Date(exp * 1000).toISOString(),
    });
  }
  return appliances;
}

/** `count` signed heartbeats per appliance, in sequence order. */
function signQueues(appliances, count) {
  return Promise.all(
    appliances.map(async (a) =>
      Promise.all(
        Array.from({ length: count }, () =>
          signHeartbeat(payloadFor(a.applianceId, a.cabinetId, ++a.seq, a.licenseExpiresAt), a.key.privateKey),
        ),
      ),
    ),
  );
}

const ingestLine = (name, r) =>
  `${name.padEnd(29)}${fmt(r.rate)} req/s   p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  server CPU ${fmt(r.cpuMicros)} µs/heartbeat  (${r.accepted} accepted durably, ${r.refused} refused, in ${r.seconds.toFixed(1)} s)`;

/**
 * Ingest on PostgreSQL: one node, then two on the same database (the second started after the
 * first run, so the one-node figure has the database to itself). Fresh appliances enrolled on
 * the database; CPU is the nodes' plus PostgreSQL's (every backend, the WAL writer, the checkpointer).
 */
async function measurePostgres(baseline) {
  const cluster = await startPostgres();
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'cp-bench-pg-')));
  const nodes = [];
  try {
    const databaseUrl = await cluster.createDatabase('cp_bench');
    nodes.push(await serveNode(dirs[0], databaseUrl));
    const appliances = await enrollFleet(dirs[0], nodes[0].port, { DATABASE_URL: databaseUrl, SECOND_FACTOR_KEY_FILE: sealingKeyFile() });
    const cpu = () => nodes.reduce((sum, n) => sum + cpuSeconds(n.child.pid), cluster.cpuSeconds());
    await drive([nodes[0].port], await signQueues(appliances, 3), cpu);
    const one = await drive([nodes[0].port], await signQueues(appliances, PER_APPLIANCE), cpu);
    console.log(ingestLine('ingest, PostgreSQL, 1 node:', one));
    nodes.push(await serveNode(dirs[1], databaseUrl));
    const ports = nodes.map((n) => n.port);
    await drive(ports, await signQueues(appliances, 3), cpu);
    const two = await drive(ports, await signQueues(appliances, PER_APPLIANCE), cpu);
    console.log(ingestLine('ingest, PostgreSQL, 2 nodes:', two));
    for (const [name, r] of [
      ['1 node', one],
      ['2 nodes', two],
    ]) {
      console.log(`PostgreSQL ${name.padEnd(7)} / bare route: ${((r.rate / baseline.rate) * 100).toFixed(0)} %`);
      if (r.refused > 0) throw new Error(`${r.refused} heartbeats were refused on PostgreSQL (${name})`);
    }
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await cluster.destroy();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${APPLIANCES} appliances × ${PER_APPLIANCE} heartbeats, ≤ ${TIME_LIMIT_MS / 1000} s per run; load average ${os.loadavg()[0].toFixed(1)}`,
  );

  const verify = await measureVerifications();
  console.log(
    `Ed25519 verify in-process:   ${fmt(verify.raw)}/s raw node:crypto, ${fmt(verify.full)}/s full verifyHeartbeat (header, signature, schema, skew, seq)`,
  );

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-bench-'));
  const cp = await serveNode(dataDir);
  const bare = await startServiceProcess(path.join(root, 'tests/bench/support/bareKoa.js'), []);
  let baseline;
  try {
    const appliances = await enrollFleet(dataDir, cp.port);
    // Warm-up (JIT, keep-alive sockets), then the measured runs with identical bodies.
    const warm = await signQueues(appliances, 3);
    await drive([bare.port], warm, () => cpuSeconds(bare.child.pid));
    await drive([cp.port], warm, () => cpuSeconds(cp.child.pid));
    const queues = await signQueues(appliances, PER_APPLIANCE);

    baseline = await drive([bare.port], queues, () => cpuSeconds(bare.child.pid));
    console.log(
      `bare Koa route:              ${fmt(baseline.rate)} req/s   p50 ${baseline.p50.toFixed(1)} ms  p99 ${baseline.p99.toFixed(1)} ms  server CPU ${fmt(baseline.cpuMicros)} µs/request  (${baseline.requests} requests in ${baseline.seconds.toFixed(1)} s)`,
    );
    const ingest = await drive([cp.port], queues, () => cpuSeconds(cp.child.pid));
    console.log(ingestLine('signed heartbeat ingest:', ingest));

    const ratio = ingest.rate / baseline.rate;
    console.log(`ingest / bare route:         ${(ratio * 100).toFixed(0)} %  (target ≥ 50 %: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    if (ingest.refused > 0) throw new Error(`${ingest.refused} heartbeats were refused`);
  } finally {
    await Promise.all([cp.stop(), bare.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  try {
    if (process.env.BENCH_POSTGRES !== '0') await measurePostgres(baseline);
  } finally {
    agent.destroy();
  }
}

await main();
