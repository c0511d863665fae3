// Control plane benchmark (issue 2), against the compiled dist/: in one run,
//   1. Ed25519 verifications per second in-process (raw node:crypto, and the full verifyHeartbeat);
//   2. a bare Koa route's requests per second over loopback (same bodies, same concurrency);
//   3. signed heartbeat ingest per second, p50/p99 latency, from many concurrent simulated
//      appliances — every 202 is acknowledged only after the journal fsync, i.e. durable.
// Target: ingest ≥ 50 % of the bare route's rate. Bounded by count and time; loopback only.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKey, publicJwk, signHeartbeat, verificationKey, verifyHeartbeat } from '@iamanager/protocol';
import { startServiceProcess } from '../demo/dist/serviceProcess.js';

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

/** Each appliance sends its own queue in order, one request in flight: `queues.length` concurrent clients. */
async function drive(port, queues, pid) {
  const cpuBefore = cpuSeconds(pid);
  const latencies = [];
  let accepted = 0;
  let refused = 0;
  const deadline = performance.now() + TIME_LIMIT_MS;
  const started = performance.now();
  await Promise.all(
    queues.map(async (queue) => {
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
  const cpuMicros = ((cpuSeconds(pid) - cpuBefore) / latencies.length) * 1e6;
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

function cli(dataDir, args, input = '') {
  const res = spawnSync(process.execPath, [MAIN, ...args, '--json'], {
    input,
    env: { ...process.env, DATA_DIR: dataDir },
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

async function main() {
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${APPLIANCES} appliances × ${PER_APPLIANCE} heartbeats, ≤ ${TIME_LIMIT_MS / 1000} s per run`,
  );

  const verify = await measureVerifications();
  console.log(
    `Ed25519 verify in-process:   ${fmt(verify.raw)}/s raw node:crypto, ${fmt(verify.full)}/s full verifyHeartbeat (header, signature, schema, skew, seq)`,
  );

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-bench-'));
  const cp = await startServiceProcess(MAIN, ['serve'], {
    env: {
      ...process.env,
      NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? '',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  });
  const bare = await startServiceProcess(path.join(root, 'tests/bench/support/bareKoa.js'), []);
  try {
    cli(dataDir, ['admin', 'create', '--email', 'bench@vendor.test'], 'bench password 123\n');
    const { token } = cli(dataDir, ['admin', 'token', '--email', 'bench@vendor.test']);
    const appliances = [];
    for (let i = 0; i < APPLIANCES; i++) {
      const id = `cab-${i}`;
      const { enrollmentCode } = await api(cp.port, token, '/api/v1/cabinets', { id, name: `Cabinet ${i}`, plan: 'professional' });
      const key = generateSigningKey();
      const enrolled = await api(cp.port, undefined, '/v1/enroll', {
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
    const signQueues = async (count) =>
      Promise.all(
        appliances.map(async (a) =>
          Promise.all(
            Array.from({ length: count }, () =>
              signHeartbeat(payloadFor(a.applianceId, a.cabinetId, ++a.seq, a.licenseExpiresAt), a.key.privateKey),
            ),
          ),
        ),
      );

    // Warm-up (JIT, keep-alive sockets), then the measured runs with identical bodies.
    const warm = await signQueues(3);
    await drive(bare.port, warm, bare.child.pid);
    await drive(cp.port, warm, cp.child.pid);
    const queues = await signQueues(PER_APPLIANCE);

    const baseline = await drive(bare.port, queues, bare.child.pid);
    console.log(
      `bare Koa route:              ${fmt(baseline.rate)} req/s   p50 ${baseline.p50.toFixed(1)} ms  p99 ${baseline.p99.toFixed(1)} ms  server CPU ${fmt(baseline.cpuMicros)} µs/request  (${baseline.requests} requests in ${baseline.seconds.toFixed(1)} s)`,
    );
    const ingest = await drive(cp.port, queues, cp.child.pid);
    console.log(
      `signed heartbeat ingest:     ${fmt(ingest.rate)} req/s   p50 ${ingest.p50.toFixed(1)} ms  p99 ${ingest.p99.toFixed(1)} ms  server CPU ${fmt(ingest.cpuMicros)} µs/heartbeat  (${ingest.accepted} accepted durably, ${ingest.refused} refused, in ${ingest.seconds.toFixed(1)} s)`,
    );

    const ratio = ingest.rate / baseline.rate;
    console.log(`ingest / bare route:         ${(ratio * 100).toFixed(0)} %  (target ≥ 50 %: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
    if (ingest.refused > 0) throw new Error(`${ingest.refused} heartbeats were refused`);
  } finally {
    agent.destroy();
    await Promise.all([cp.stop(), bare.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
