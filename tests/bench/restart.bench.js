// Restart time of each service (against the compiled dist/): from spawn to the "listening" line,
// wall time and the CPU time the process had used by then (user + system, from /proc/<pid>/stat:
// less distorted than wall time on a shared machine). The crash tests restart each service a few
// hundred times, so this figure bounds them; a CPU profile of a restart (node --cpu-prof) shows
// where it goes. Same DATA_DIR each run after a first, warming one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const RUNS = Number(process.env.BENCH_RESTARTS ?? 15);
const SERVICES = {
  'appliance': { main: path.join(root, 'appliance/dist/main.js'), env: { TLS: 'false', HEARTBEAT_ENABLED: 'false' } },
  'control plane': { main: path.join(root, 'control-plane/dist/main.js'), env: {} },
};

function cpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN; // not Linux
  }
}

function startOnce(main, dataDir, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [main, 'serve'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let result;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      if (!result && out.includes('"msg":"listening"')) {
        result = { wallMs: performance.now() - started, cpuMs: cpuMs(child.pid) };
        child.kill('SIGKILL');
      }
    });
    child.on('exit', () => (result ? resolve(result) : reject(new Error(`exited before listening:\n${out}`))));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [name, { main, env }] of Object.entries(SERVICES)) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-restart-'));
  await startOnce(main, dataDir, env); // first start creates keys and files
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce(main, dataDir, env));
  console.log(
    `${name}: restart to "listening" median ${Math.round(median(runs.map((r) => r.wallMs)))} ms wall, ${Math.round(median(runs.map((r) => r.cpuMs)))} ms CPU (${RUNS} runs, load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} CPUs)`,
  );
  fs.rmSync(dataDir, { recursive: true, force: true });
}
