// Appliance at the enterprise ceiling (issue 3): 10 000 case files and 50 concurrent users.
// Measures, in one run on this machine:
//   - search and list p95 (GET /api/cases?q=…, ?page=…), next to a bare Koa route's p95, both as
//     the 50 clients see it and as the server spent it (Server-Timing: the clients share the CPUs);
//   - durable case write p95 (PATCH /api/cases/:id, acknowledged after fsync) at 1 000 and at
//     10 000 cases — it must not grow with the number of cases;
//   - cold start (spawn → "listening") with 10 000 cases, and resident memory after the load.
// Targets: search p95 ≤ 20 ms, write p95 ≤ 15 ms, start ≤ 2 s, RSS ≤ 250 MB.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCaseFiles } from './support/caseFiles.js';
import { startService } from './support/service.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const CP_MAIN = path.join(ROOT, 'control-plane/dist/main.js');
const APPLIANCE_MAIN = path.join(ROOT, 'appliance/dist/main.js');
const BARE = path.join(ROOT, 'tests/bench/support/bareKoa.js');
// BENCH_USERS changes the number of concurrent users (the target is stated for 50).
const USERS = Number(process.env.BENCH_USERS ?? 50);
const REQUESTS_PER_USER = 40;
const PASSWORD = 'correct horse battery staple';

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Server-side durations (the Server-Timing header) of every request `call` made, in ms. */
const serverTimes = [];

async function call(port, method, route, { token, body } = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const timing = /dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  if (timing) serverTimes.push(Number(timing[1]));
  if (res.status >= 400) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** 50 clients, each sending its requests one after another; returns latency percentiles in ms. */
async function load(makeRequest) {
  const latencies = [];
  serverTimes.length = 0;
  await Promise.all(
    Array.from({ length: USERS }, async (_, u) => {
      for (let i = 0; i < REQUESTS_PER_USER; i++) {
        const t0 = performance.now();
        await makeRequest(u, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const pct = (values, q) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  };
  return { p50: pct(latencies, 0.5), p95: pct(latencies, 0.95), serverP95: pct(serverTimes, 0.95), n: latencies.length };
}

const LAST = ['Martin', 'Benali', 'Diallo', 'Nguyen', 'Haddad', 'Popescu', 'Traoré', 'Kaya', 'Silva', 'Ahmadi', 'Lefèvre', 'Camara'];
const FIRST = ['Amina', 'Karim', 'Ioana', 'Moussa', 'Leila', 'Omar', 'Fatou', 'Yusuf', 'Sara', 'Ali'];
const PROCS = ['oqtf', 'refus_titre_sejour', 'asile_rejet_ofpra', 'transfert_dublin', 'oqtf_retention', 'naturalisation_refus'];

/** Writes `count` case files, numbered from `from`, assigned to `userId`. */
function seedCases(dataDir, from, count, userId) {
  writeCaseFiles(dataDir, from, count, {
    userId,
    client: (i) => ({
      lastName: `${LAST[i % LAST.length]}${i}`,
      firstName: FIRST[i % FIRST.length],
      nationality: ['DZ', 'SN', 'MA', 'AF', 'TN'][i % 5],
    }),
    procedure: (i) => PROCS[i % PROCS.length],
  });
}

function caseIds(dataDir) {
  return fs
    .readdirSync(path.join(dataDir, 'cases'))
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5));
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-appliance-'));
  const cpDir = path.join(work, 'cp');
  const dataDir = path.join(work, 'appliance');
  const cp = await startService(CP_MAIN, { DATA_DIR: cpDir, PORT: '0', HOST: '127.0.0.1' });
  const created = spawnSync(
    process.execPath,
    [CP_MAIN, 'cabinet', 'create', '--id', 'bench', '--name', 'Bench', '--plan', 'enterprise', '--json'],
    { env: { ...process.env, DATA_DIR: cpDir }, encoding: 'utf8' },
  );
  const code = JSON.parse(created.stdout).enrollmentCode;
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    CONTROL_PLANE_URL: `http://127.0.0.1:${cp.port}`,
    CLIENT_ID: 'bench',
    HEARTBEAT_ENABLED: 'false',
    TLS: 'false',
  };

  let app = await startService(APPLIANCE_MAIN, env);
  await call(app.port, 'POST', '/api/setup/enroll', { body: { code } });
  await call(app.port, 'POST', '/api/setup/admin', { body: { email: 'admin@bench.fr', name: 'Admin', password: PASSWORD } });
  await app.stop();
  // 50 users, each with a personal API token (scripts need no CSRF token).
  const tokens = [];
  for (let u = 0; u < USERS; u++) {
    const email = u === 0 ? 'admin@bench.fr' : `avocat${u}@bench.fr`;
    if (u > 0)
      spawnSync(process.execPath, [APPLIANCE_MAIN, 'user', 'add', '--email', email, '--role', 'avocat'], {
        input: PASSWORD,
        env: { ...process.env, ...env },
      });
    const t = spawnSync(process.execPath, [APPLIANCE_MAIN, 'token', 'create', '--email', email, '--json'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    tokens.push(JSON.parse(t.stdout).token);
  }
  const users = JSON.parse(fs.readFileSync(path.join(dataDir, 'users.json'), 'utf8')).users;

  const bare = await startService(BARE, {});
  const bareLoad = await load(() => fetch(`http://127.0.0.1:${bare.port}/`, { method: 'GET' }).then((r) => r.text()));
  await bare.stop();

  const writes = async (port, ids) =>
    load((u, i) =>
      call(port, 'PATCH', `/api/cases/${ids[(u * REQUESTS_PER_USER + i) % ids.length]}`, {
        token: tokens[u],
        body: { notes: `mise à jour ${u}-${i}` },
      }),
    );

  seedCases(dataDir, 0, 1_000, users[0].id);
  app = await startService(APPLIANCE_MAIN, env);
  const write1k = await writes(app.port, caseIds(dataDir));
  await app.stop();

  seedCases(dataDir, 1_000, 9_000, users[0].id);
  app = await startService(APPLIANCE_MAIN, env);
  const startMs = app.startMs;
  const ids = caseIds(dataDir);
  const search = await load((u, i) =>
    call(
      app.port,
      'GET',
      `/api/cases?q=${encodeURIComponent(LAST[(u + i) % LAST.length].slice(0, 4).toLowerCase() + String((u * 7 + i) % 10))}`,
      { token: tokens[u] },
    ),
  );
  const list = await load((u, i) =>
    call(app.port, 'GET', `/api/cases?page=${1 + ((u + i) % 40)}&procedure=${PROCS[u % PROCS.length]}`, { token: tokens[u] }),
  );
  const write10k = await writes(app.port, ids);
  const rss = rssMb(app.child.pid);
  await app.stop();
  await cp.stop();
  fs.rmSync(work, { recursive: true, force: true });

  const ms = (v) => `${v.toFixed(1)} ms`;
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, node ${process.version}; ${USERS} concurrent users × ${REQUESTS_PER_USER} requests per measure`,
  );
  console.log(`bare Koa route:           p50 ${ms(bareLoad.p50)}  p95 ${ms(bareLoad.p95)}`);
  const line = (name, r, target) =>
    console.log(
      `${name.padEnd(25)} p50 ${ms(r.p50)}  p95 ${ms(r.p95)} (${(r.p95 / bareLoad.p95).toFixed(1)}× bare)  server time p95 ${ms(r.serverP95)}` +
        (target ? `  (target p95 ≤ ${target} ms: client ${verdict(r.p95 <= target)}, server ${verdict(r.serverP95 <= target)})` : ''),
    );
  line('search (10 000 cases):', search, 20);
  line('list, filtered, paged:', list);
  line('durable write, 1 000:', write1k, 15);
  line('durable write, 10 000:', write10k, 15);
  console.log(
    `write p95 growth:          ${(write10k.p95 / write1k.p95).toFixed(2)}× client, ${(write10k.serverP95 / write1k.serverP95).toFixed(2)}× server from 1 000 to 10 000 cases (must not grow)`,
  );
  console.log(`cold start, 10 000 cases: ${ms(startMs)}  (target ≤ 2 s: ${verdict(startMs <= 2000)})`);
  console.log(`resident memory:          ${rss.toFixed(0)} MB after the load  (target ≤ 250 MB: ${verdict(rss <= 250)})`);
}

await main();
