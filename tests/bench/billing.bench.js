// Billing benchmark (issue 6), against the compiled dist/: the monthly close of 10 000 cabinets
// through POST /api/v1/billing/months/:month/close — proration from each cabinet's planHistory,
// overage from each appliance's signed counters (SHA-256 of 10 000 JWS), numbering, and the one
// durable write of the month file — then the month's CSV export. Target: close ≤ 5 s.
// The fleet is written straight into DATA_DIR (the record formats of control-plane/src/storage),
// with real Ed25519 keys and signed heartbeats, since 10 000 enrollments would dominate the run.
// Then (issue 20) the same DATA_DIR, moved into a throw-away PostgreSQL cluster by `control-plane
// db import --from` before the first close, is closed again by a node serving on DATABASE_URL.
// BENCH_CABINETS changes the fleet size; BENCH_KEEP=1 keeps the DATA_DIR (printed) for profiling;
// BENCH_POSTGRES=0 skips PostgreSQL.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKey, publicJwk, signHeartbeat, signLicense } from '@iamanager/protocol';
import { startServiceProcess } from '../demo/dist/serviceProcess.js';
import { sealingKeyFile, startPostgres } from './support/postgres.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const MAIN = path.join(root, 'control-plane/dist/main.js');
const CABINETS = Number(process.env.BENCH_CABINETS ?? 10_000);
const MONTH = '2026-10';
const TARGET_MS = 5_000;
const PLANS = ['starter', 'professional', 'enterprise'];
const VENDOR = {
  VENDOR_NAME: 'IAManager SAS',
  VENDOR_ADDRESS: '10 rue de Rivoli, 75004 Paris',
  VENDOR_SIRET: '73282932000074',
  VENDOR_VAT_NUMBER: 'FR44732829320',
};

const fmt = (n) => Math.round(n).toLocaleString('en-US');

function cli(dataDir, env, args, input = '') {
  const res = spawnSync(process.execPath, [MAIN, ...args, '--json'], {
    input,
    env: { ...process.env, ...env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`control-plane ${args.join(' ')}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

function request(port, token, method, route) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: route, method, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** 10 000 cabinets and their appliances, each with the month's final signed heartbeat. */
async function seedFleet(dataDir) {
  const vendorKey = { ...generateSigningKey(), kid: 'bench-vendor' };
  fs.mkdirSync(path.join(dataDir, 'cabinets'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'appliances'), { recursive: true });
  const created = '2026-06-01T08:00:00.000Z';
  for (let i = 0; i < CABINETS; i++) {
    const id = `cab-${String(i).padStart(5, '0')}`;
    const applianceId = `${id}-bench`;
    const plan = PLANS[i % 3];
    const history = [{ effectiveAt: created, plan, overrides: {}, status: 'active', by: 'bench' }];
    // One cabinet in ten changes plan mid-month, one in fifty is suspended for a week: prorated lines.
    if (i % 10 === 0)
      history.push({ effectiveAt: '2026-10-15T09:00:00.000Z', plan: PLANS[(i + 1) % 3], overrides: {}, status: 'active', by: 'bench' });
    if (i % 50 === 1)
      history.push(
        { effectiveAt: '2026-10-08T09:00:00.000Z', plan, overrides: {}, status: 'suspended', by: 'bench' },
        { effectiveAt: '2026-10-15T09:00:00.000Z', plan, overrides: {}, status: 'active', by: 'bench' },
      );
    const last = history.at(-1);
    const cabinet = {
      id,
      name: `Cabinet ${i}`,
      siret: '12345678901237',
      address: `${i} rue de la Paix, 75002 Paris`,
      phone: null,
      email: `contact@${id}.test`,
      plan: last.plan,
      overrides: {},
      status: last.status,
      createdAt: created,
      updatedAt: last.effectiveAt,
      licenseRevision: history.length,
      planHistory: history,
      enrollmentCodes: [],
      applianceId,
    };
    fs.writeFileSync(path.join(dataDir, 'cabinets', `${id}.json`), JSON.stringify(cabinet));

    const key = generateSigningKey();
    const iat = Math.floor(Date.parse('2026-10-31T21:45:00Z') / 1000);
    const analysesUsed = 50 + ((i * 37) % 700);
    const quota = { starter: 100, professional: 500, enterprise: 2000 }[last.plan];
    const analysesOverage = last.plan === 'starter' ? 0 : Math.max(0, analysesUsed - quota);
    const payload = {
      v: 1,
      iss: applianceId,
      sub: id,
      seq: 2880,
      iat,
      month: MONTH,
      usage: { analysesUsed, analysesOverage, usersActive: 3, casesOpen: 120, storageBytes: 5_000_000 },
      health: {
        version: '1.0.0',
        uptimeSeconds: 3600,
        cpuLoad: 0.2,
        memoryUsedRatio: 0.4,
        diskFreeBytes: 50_000_000_000,
        diskFreeRatio: 0.7,
        lastBackupAt: null,
        licenseExpiresAt: '2026-11-30T00:00:00.000Z',
        errors24h: 0,
      },
    };
    const jws = await signHeartbeat(payload, key.privateKey);
    const licenseClaims = {
      iss: 'iamanager-control-plane',
      sub: id,
      aud: applianceId,
      jti: `bench${i}`,
      iat: iat - 86_400,
      nbf: iat - 86_400,
      exp: iat + 29 * 86_400,
      graceDays: 14,
      plan: last.plan,
      limits: { maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: quota },
      aiModel: 'ceseda-pro-v1',
      advancedFeatures: true,
      overage: { allowed: last.plan !== 'starter', pricePerAnalysisCents: 50 },
    };
    const appliance = {
      id: applianceId,
      cabinetId: id,
      publicKey: publicJwk(key.publicKey),
      instanceName: `bench-${i}`,
      enrolledVersion: '1.0.0',
      enrolledAt: created,
      revokedAt: null,
      license: {
        jws: await signLicense(licenseClaims, vendorKey),
        jti: licenseClaims.jti,
        iat: licenseClaims.iat,
        exp: licenseClaims.exp,
        revision: history.length,
        plan: last.plan,
      },
      lastSeq: 2880,
      lastHeartbeatAt: '2026-10-31T21:45:00.000Z',
      health: payload.health,
      months: { [MONTH]: { seq: 2880, usage: payload.usage, receivedAt: '2026-10-31T21:45:01.000Z', jws } },
    };
    fs.writeFileSync(path.join(dataDir, 'appliances', `${applianceId}.json`), JSON.stringify(appliance));
  }
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

/**
 * Serves on `dataDir` (and `databaseUrl` when given), closes MONTH through the API, prints the
 * figures prefixed by `name`, then the month's CSV and one invoice's PDF.
 */
async function closeOn(name, dataDir, env, token) {
  let started = performance.now();
  const cp = await startServiceProcess(MAIN, ['serve'], {
    env: { ...process.env, ...env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    timeoutMs: 120_000,
  });
  console.log(`${name}: server started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    // Let start-up work (journal replay, first checkpoint) finish before measuring.
    await new Promise((r) => setTimeout(r, 2_000));
    const cpuBefore = cpuSeconds(cp.child.pid);
    started = performance.now();
    const closed = await request(cp.port, token, 'POST', `/api/v1/billing/months/${MONTH}/close`);
    const closeMs = performance.now() - started;
    const closeCpuMs = (cpuSeconds(cp.child.pid) - cpuBefore) * 1000;
    if (closed.status !== 201) throw new Error(`${name} close: ${closed.status} ${closed.body.toString().slice(0, 300)}`);
    const result = JSON.parse(closed.body.toString());
    const monthFile = path.join(dataDir, 'billing', 'months', `${MONTH}.json`);
    const stored = fs.existsSync(monthFile) ? `month file ${(fs.statSync(monthFile).size / 1e6).toFixed(1)} MB` : 'in the database';
    const prorated = result.invoices.filter((i) => i.lines.some((l) => l.kind === 'subscription' && l.days < l.daysInMonth)).length;
    const withOverage = result.invoices.filter((i) => i.lines.some((l) => l.kind === 'overage')).length;
    const total = result.invoices.reduce((s, i) => s + i.totalInclVatCents, 0);
    console.log(
      `${name}: billing close: ${fmt(closeMs)} ms for ${fmt(result.invoices.length)} invoices (${fmt(prorated)} prorated, ${fmt(withOverage)} with overage; ${result.invoices[0].number} … ${result.invoices.at(-1).number}; ${(total / 100).toLocaleString('fr-FR')} € incl. VAT; ${stored}, response ${(closed.body.length / 1e6).toFixed(1)} MB)`,
    );
    console.log(
      `${name}: server CPU for the close: ${fmt(closeCpuMs)} ms (the wall time above is larger when other processes share the CPUs: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`,
    );
    console.log(`${name}: close / target: ${fmt(closeMs)} ms against ≤ ${fmt(TARGET_MS)} ms: ${closeMs <= TARGET_MS ? 'met' : 'NOT met'}`);
    if (result.invoices.length !== CABINETS) throw new Error(`expected ${CABINETS} invoices, got ${result.invoices.length}`);

    started = performance.now();
    const csv = await request(cp.port, token, 'GET', `/api/v1/billing/months/${MONTH}/invoices.csv`);
    const csvMs = performance.now() - started;
    if (csv.status === 200)
      console.log(
        `${name}: month CSV export: ${fmt(csvMs)} ms (${fmt(csv.body.toString('utf8').split('\r\n').length - 2)} lines, ${(csv.body.length / 1e6).toFixed(1)} MB)`,
      );
    else console.log(`${name}: month CSV export: HTTP ${csv.status} (billing's reads are not on this backend yet)`);
    started = performance.now();
    const pdf = await request(
      cp.port,
      token,
      'GET',
      `/api/v1/billing/invoices/${result.invoices[4_999]?.number ?? result.invoices[0].number}/pdf`,
    );
    if (pdf.status === 200) console.log(`${name}: one invoice PDF: ${fmt(performance.now() - started)} ms (${fmt(pdf.body.length)} bytes)`);
    else console.log(`${name}: one invoice PDF: HTTP ${pdf.status} (billing's reads are not on this backend yet)`);
  } finally {
    await cp.stop();
  }
}

async function main() {
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${fmt(CABINETS)} cabinets`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-billing-bench-'));
  // The node on PostgreSQL gets a DATA_DIR of its own: nothing of the first close's files reaches it.
  const pgDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-billing-bench-pg-'));
  const env = { ...VENDOR, CLOCK_OFFSET_SECONDS: String(Math.round((Date.parse('2026-11-02T08:00:00Z') - Date.now()) / 1000)) };
  let cluster;
  try {
    const started = performance.now();
    await seedFleet(dataDir);
    console.log(`fleet written in ${((performance.now() - started) / 1000).toFixed(1)} s (cabinets, appliances, signed heartbeats)`);
    cli(dataDir, env, ['admin', 'create', '--email', 'bench@vendor.test', '--role', 'billing'], 'bench password 123\n');
    const { token } = cli(dataDir, env, ['admin', 'token', '--email', 'bench@vendor.test']);
    let databaseUrl;
    if (process.env.BENCH_POSTGRES !== '0') {
      // Moved before any close, so both backends close the same open month (the token moves too).
      cluster = await startPostgres();
      databaseUrl = await cluster.createDatabase('billing_bench');
      const importStarted = performance.now();
      const { counts } = cli(dataDir, { ...env, DATABASE_URL: databaseUrl, SECOND_FACTOR_KEY_FILE: sealingKeyFile() }, [
        'db',
        'import',
        '--from',
        dataDir,
      ]);
      console.log(
        `db import --from the DATA_DIR: ${((performance.now() - importStarted) / 1000).toFixed(1)} s (${counts.cabinets} cabinets, ${counts.appliances} appliances)`,
      );
    }
    await closeOn('embedded', dataDir, env, token);
    if (databaseUrl)
      await closeOn('PostgreSQL', pgDataDir, { ...env, DATABASE_URL: databaseUrl, SECOND_FACTOR_KEY_FILE: sealingKeyFile() }, token);
  } finally {
    await cluster?.destroy();
    fs.rmSync(pgDataDir, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
    else console.log(dataDir);
  }
}

await main();
