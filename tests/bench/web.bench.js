// Web UI benchmark (issue 5): server time of the case-list page (/dossiers) at the enterprise
// ceiling of 10 000 cases, against the compiled dist/. The page route runs exactly as in the
// appliance (Cases search + audit entry + view-model + preact render), mounted on Koa with a
// logged-in lawyer; the time measured is from the request entering Koa to the body being ready,
// next to a bare Koa route answering the same HTML size from memory, in the same run.
// Target: p95 ≤ 50 ms. Page weight is reported too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import Koa from 'koa';
import { createLogger } from '../../protocol/kernel/dist/log.js';
import { AuditLog } from '../../appliance/dist/domain/audit/auditLog.js';
import { Cases } from '../../appliance/dist/domain/cases/cases.js';
import { casePages } from '../../appliance/dist/web/routes/casePages.js';
import { PERMISSIONS } from '../../appliance/dist/auth/permissions.js';

const TARGET_MS = 50;
const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-bench-'));
const log = createLogger('web-bench', 'warn');
const clock = () => new Date();
const lawyer = { id: '00000000-0000-4000-8000-000000000001', email: 'avocat@bench.fr', name: 'Me Bench', role: 'avocat', active: true };
const users = { byId: (id) => (id === lawyer.id ? lawyer : undefined), all: () => [lawyer] };
// Creating cases needs room under the license: the bench stands in for an enterprise license.
const license = { assertCanCreate: () => ({ plan: 'enterprise', maxCases: 1_000_000 }), cabinetId: 'bench' };

const audit = await AuditLog.open(dataDir, clock);
const cases = await Cases.open(dataDir, { license, users, audit, clock, log });
const names = ['Diallo', 'Nguyen', 'Benali', 'Haddad', 'Traoré', 'Kovač', 'Popescu', 'Mendes', 'Sow', 'Rahimi'];
const procedures = ['oqtf', 'oqtf_retention', 'refus_titre_sejour', 'asile_rejet_ofpra', 'transfert_dublin', 'refus_visa'];
const seedStart = performance.now();
for (let i = 0; i < CASES; i += 250) {
  const batch = [];
  for (let j = i; j < Math.min(CASES, i + 250); j++) {
    const day = String(1 + (j % 28)).padStart(2, '0');
    batch.push(
      cases.createCase(
        {
          client: { lastName: `${names[j % names.length]}${j}`, firstName: 'Amina', nationality: 'SN', birthDate: '1990-01-01' },
          procedure: procedures[j % procedures.length],
          decisionNotifiedAt: `2026-10-${day}`,
          assignedTo: lawyer.id,
        },
        lawyer,
      ),
    );
  }
  await Promise.all(batch);
}
console.log(`seeded ${CASES} cases in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const appliance = {
  cases,
  users,
  audit,
  clock,
  license,
  config: { identity: { name: 'Cabinet Bench', color: '#2c3e50' }, predictionThreshold: 0.87, dataDir },
  documents: null,
};
const caller = {
  user: lawyer,
  permissions: new Set(PERMISSIONS.filter((p) => p !== 'users.manage' && p !== 'admin.view')),
  via: 'session',
  csrf: 'bench',
};

function serve(configure) {
  const times = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    const t = performance.now();
    await next();
    times.push(performance.now() - t);
  });
  configure(app);
  const server = http.createServer(app.callback());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, times, port: server.address().port })));
}

const page = await serve((app) => {
  app.use((ctx, next) => {
    ctx.state.caller = caller;
    return next();
  });
  const router = casePages(appliance);
  app.use(router.routes());
});
let sampleHtml = '';
const bare = await serve((app) =>
  app.use((ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = sampleHtml;
  }),
);

const queries = [
  '/dossiers',
  '/dossiers?q=diallo',
  '/dossiers?procedure=oqtf',
  '/dossiers?page=200',
  '/dossiers?q=amina&status=open&page=3',
  '/dossiers?q=nguyen12',
];
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function get(port, route) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: route, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${route}: HTTP ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

const sizes = [];
for (let i = 0; i < 30; i++) await get(page.port, queries[i % queries.length]); // warm-up
page.times.length = 0;
for (let i = 0; i < REQUESTS; i += 4) {
  const bodies = await Promise.all([0, 1, 2, 3].map((k) => get(page.port, queries[(i + k) % queries.length])));
  for (const b of bodies) sizes.push(b.length);
  if (!sampleHtml) sampleHtml = bodies[0].toString('utf8');
}
for (let i = 0; i < REQUESTS; i += 4) await Promise.all([0, 1, 2, 3].map(() => get(bare.port, '/')));

function pct(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
const p95 = pct(page.times, 0.95);
console.log(
  `case list (/dossiers), ${CASES} cases, ${page.times.length} requests, 4 concurrent: server time p50 ${pct(page.times, 0.5).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${Math.max(...page.times).toFixed(2)} ms (target p95 ≤ ${TARGET_MS} ms)`,
);
console.log(`bare Koa route, same HTML from memory: p50 ${pct(bare.times, 0.5).toFixed(2)} ms, p95 ${pct(bare.times, 0.95).toFixed(2)} ms`);
console.log(
  `page weight: ${(pct(sizes, 0.5) / 1024).toFixed(1)} KiB median HTML for 25 rows (app.css and app.js are fetched once, revalidated by ETag)`,
);
page.server.close();
bare.server.close();
agent.destroy();
await cases.flushed();
fs.rmSync(dataDir, { recursive: true, force: true });
if (p95 > TARGET_MS) {
  console.log(`FAIL: p95 ${p95.toFixed(2)} ms is over ${TARGET_MS} ms`);
  process.exit(1);
}
