// Vendor-API token authentication benchmark (issue 20, admins on the storage seam), against the
// compiled dist/: every `/api/v1` request finds its Bearer token by hash in the AdminStore and
// checks it (revoked, expired, admin disabled); `lastUsedAt` is written at most hourly. In one run:
//   1. a bare Koa route's requests per second over loopback (no authentication, no storage);
//   2. `GET /api/v1/cabinets` (an empty list: what remains is the stack and the token check) with
//      a valid token, same concurrency — on the embedded (file) backend.
// Printed: the authenticated route's rate as a share of the bare route's, and the server CPU per
// request of each, which moves less than the rates with the load of a shared machine. Loopback only.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServiceProcess } from '../demo/dist/serviceProcess.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const MAIN = path.join(root, 'control-plane/dist/main.js');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

function get(port, route, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: route, method: 'GET', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** `CLIENTS` clients, one request in flight each, for `seconds`. */
async function drive(port, pid, route, headers, seconds, okStatus) {
  const cpuBefore = cpuSeconds(pid);
  let requests = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const status = await get(port, route, headers);
        if (status !== okStatus) throw new Error(`${route}: ${status}, expected ${okStatus}`);
        requests++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { rate: requests / elapsed, cpuMicros: ((cpuSeconds(pid) - cpuBefore) / requests) * 1e6 };
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

async function main() {
  console.log(
    `machine: ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${CLIENTS} clients, ${ROUNDS} × ${SECONDS} s`,
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-bench-token-'));
  cli(dataDir, ['admin', 'create', '--email', 'bench@vendor.test'], 'bench password 123\n');
  const { token } = cli(dataDir, ['admin', 'token', '--email', 'bench@vendor.test']);
  const cp = await startServiceProcess(MAIN, ['serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  });
  const bare = await startServiceProcess(path.join(root, 'tests/bench/support/bareKoa.js'), []);
  const auth = { authorization: `Bearer ${token}` };
  try {
    await drive(bare.port, bare.child.pid, '/', {}, 1, 202);
    await drive(cp.port, cp.child.pid, '/api/v1/cabinets', auth, 1, 200);
    const ratios = [];
    // Interleaved rounds: a shared machine's load changes during the run, and both sides see it.
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await drive(bare.port, bare.child.pid, '/', {}, SECONDS, 202);
      const t = await drive(cp.port, cp.child.pid, '/api/v1/cabinets', auth, SECONDS, 200);
      ratios.push(t.rate / b.rate);
      console.log(
        `round ${round}: bare Koa ${fmt(b.rate)} req/s (${fmt(b.cpuMicros)} µs CPU/req)   token-authenticated GET /api/v1/cabinets ${fmt(t.rate)} req/s (${fmt(t.cpuMicros)} µs CPU/req)   ratio ${(100 * (t.rate / b.rate)).toFixed(0)} %`,
      );
    }
    ratios.sort((x, y) => x - y);
    console.log(`median ratio token-authenticated / bare route: ${(100 * ratios[Math.floor(ratios.length / 2)]).toFixed(0)} %`);
  } finally {
    agent.destroy();
    await Promise.all([cp.stop(), bare.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
