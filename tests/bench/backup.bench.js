// Backups at the enterprise ceiling: 10 000 case files and 200 MB of documents (400 scans of
// 512 KB, random bytes: incompressible, like real PDFs and JPEGs). Measures, in one run:
//   - `appliance backup create` through the running server: wall time, throughput, and how long
//     storage writes were held back for the snapshot;
//   - the longest /healthz (a durable write) while the backup runs: what a lawyer may wait;
//   - `appliance backup verify` and `appliance backup restore` (server stopped, DATA_DIR wiped);
// and checks the restored DATA_DIR is byte for byte the one backed up.
// Targets: writes held ≤ 2 s (the Docker health check's timeout is 5 s), backup and restore of
// the whole cabinet well under the night (≤ 2 min here).
import { randomBytes, createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCaseFiles } from './support/caseFiles.js';
import { startService } from './support/service.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const APPLIANCE_MAIN = path.join(ROOT, 'appliance/dist/main.js');
const CASES = 10_000;
const DOCUMENTS = 400;
const DOCUMENT_BYTES = 512 * 1024;
const PASSPHRASE = 'a bench passphrase of some length';

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs the CLI; `cpuS` is its user + system CPU time (from /usr/bin/time), which a busy machine inflates less than wall time. */
function cli(env, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpuFile = path.join(os.tmpdir(), `bench-cpu-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const command = [process.execPath, APPLIANCE_MAIN, ...args, '--json'];
    const [exe, ...argv] = TIME ? [TIME, '-f', '%U %S', '-o', cpuFile, ...command] : command;
    const child = spawn(exe, argv, { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('close', (code) => {
      let cpuS = NaN;
      try {
        cpuS = fs
          .readFileSync(cpuFile, 'utf8')
          .trim()
          .split(/\s+/)
          .map(Number)
          .reduce((a, b) => a + b, 0);
        fs.rmSync(cpuFile);
      } catch {
        // no /usr/bin/time
      }
      if (code === 0) resolve({ result: JSON.parse(out), ms: performance.now() - t0, cpuS });
      else reject(new Error(`appliance ${args.join(' ')} exited ${code}: ${out}`));
    });
  });
}

/** User + system CPU seconds a running process has used so far. */
function cpuOf(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Case files the way the appliance stores them (one file per case), and documents under documents/<case>/. */
function seed(dataDir) {
  const ids = writeCaseFiles(dataDir, 0, CASES, { client: (i) => ({ lastName: `Benali${i}`, firstName: 'Amina', nationality: 'DZ' }) });
  for (let d = 0; d < DOCUMENTS; d++) {
    const dir = path.join(dataDir, 'documents', ids[d * 25]);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, randomBytes(16).toString('hex')), randomBytes(DOCUMENT_BYTES));
  }
}

function treeHash(dir, prefixes) {
  const hash = createHash('sha256');
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const stat = fs.statSync(path.join(dir, p));
      if (stat.isDirectory()) walk(p);
      else if (prefixes.some((x) => p.startsWith(x)) && !/\.(bak|tmp)$/.test(p)) hash.update(p).update(fs.readFileSync(path.join(dir, p)));
    }
  };
  walk('');
  return hash.digest('hex');
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-backup-'));
  const dataDir = path.join(work, 'data');
  const env = {
    DATA_DIR: dataDir,
    BACKUP_DIR: path.join(work, 'backups'),
    BACKUP_PASSPHRASE: PASSPHRASE,
    BACKUP_TIME: 'off',
    PORT: '0',
    HOST: '127.0.0.1',
    TLS: 'false',
    HEARTBEAT_ENABLED: 'false',
  };
  seed(dataDir);
  const dataBytes = Number(spawnSync('du', ['-sb', dataDir], { encoding: 'utf8' }).stdout.split('\t')[0]);

  const app = await startService(APPLIANCE_MAIN, env);
  // Probe /healthz (a durable write through the write gate) all through the backup.
  let probing = true;
  let slowestHealthz = 0;
  const probe = (async () => {
    while (probing) {
      const t0 = performance.now();
      await fetch(`http://127.0.0.1:${app.port}/healthz`).then((r) => r.text());
      slowestHealthz = Math.max(slowestHealthz, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const serverCpu = cpuOf(app.child.pid);
  const created = await cli(env, ['backup', 'create']);
  const createCpu = cpuOf(app.child.pid) - serverCpu;
  probing = false;
  await probe;
  await app.stop();
  const before = treeHash(dataDir, ['cases/', 'documents/']);

  const verified = await cli(env, ['backup', 'verify']);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const restored = await cli(env, ['backup', 'restore', created.result.name]);
  const same = treeHash(dataDir, ['cases/', 'documents/']) === before;
  fs.rmSync(work, { recursive: true, force: true });

  const mb = (b) => b / 2 ** 20;
  const rate = (bytes, ms) => `${(mb(bytes) / (ms / 1000)).toFixed(0)} MB/s`;
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const r = created.result;
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}; DATA_DIR ${mb(dataBytes).toFixed(0)} MB: ${r.counts.cases} cases, ${r.counts.documents} documents`,
  );
  console.log(
    `backup create (server running): ${(created.ms / 1000).toFixed(1)} s wall, ${(r.durationMs / 1000).toFixed(1)} s in the server (${rate(dataBytes, r.durationMs)}), ${createCpu.toFixed(1)} s of server CPU; file ${mb(r.bytes).toFixed(0)} MB, ${r.files} files`,
  );
  console.log(`writes held for the snapshot:  ${r.writesHeldMs} ms  (target ≤ 2 000 ms: ${verdict(r.writesHeldMs <= 2000)})`);
  console.log(`slowest /healthz during backup: ${slowestHealthz.toFixed(0)} ms`);
  console.log(
    `backup verify:                  ${(verified.ms / 1000).toFixed(1)} s wall (${rate(r.bytes, verified.ms)}), ${verified.cpuS.toFixed(1)} s CPU`,
  );
  console.log(
    `backup restore (wiped DATA_DIR): ${(restored.ms / 1000).toFixed(1)} s wall (${rate(r.bytes, restored.ms)}), ${restored.cpuS.toFixed(1)} s CPU; restored tree identical: ${same}  (target ≤ 120 s: ${verdict(restored.ms <= 120_000 && created.ms <= 120_000)})`,
  );
  if (!same) process.exit(1);
}

await main();
