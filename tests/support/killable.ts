/**
 * What the crash tests need around a service process: start it and learn its port, SIGKILL it at
 * a chosen moment (before it listens, too), check that every JSON file under a folder parses, and
 * a seeded random source so a failing run can be replayed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface KillableService {
  child: ChildProcess;
  /** The bound port once the "listening" line is out; null if the process died first. */
  listening: Promise<number | null>;
  /** Milliseconds from spawn to the "listening" line (set once it is out). */
  startupMs: number | undefined;
  /** CPU time (user + system, ms) the process had used by then: a figure a loaded machine distorts less. */
  startupCpuMs: number | undefined;
  output(): string;
  /** SIGKILL (or `signal`) and wait for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `node <script> serve`, optionally under a wrapper command (e.g. `unshare`). */
export function spawnKillable(script: string, env: NodeJS.ProcessEnv, options: { cwd?: string; wrapper?: string[] } = {}): KillableService {
  const started = performance.now();
  const [command, ...args] = [...(options.wrapper ?? []), process.execPath, script, 'serve'];
  const child = spawn(command!, args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let pending = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: KillableService = {
    child,
    startupMs: undefined,
    startupCpuMs: undefined,
    listening: new Promise((resolve) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (!line.includes('"listening"')) continue;
          try {
            const entry = JSON.parse(line) as { msg?: string; port?: number };
            if (entry.msg === 'listening' && typeof entry.port === 'number') {
              service.startupMs = performance.now() - started;
              service.startupCpuMs = cpuMs(child.pid);
              resolve(entry.port);
            }
          } catch {
            // not a log line
          }
        }
      });
      void exited.then(() => resolve(null));
    }),
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return service;
}

/** User + system CPU time of a live process, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ = 100
  } catch {
    return undefined;
  }
}

/** Every `*.json` file under `root` that does not parse (empty when all do), and how many were read. */
export function unparsableJsonFiles(root: string): { files: number; bad: string[] } {
  const bad: string[] = [];
  let files = 0;
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const file = path.join(entry.parentPath, entry.name);
    files++;
    try {
      JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      bad.push(file);
    }
  }
  return { files, bad };
}

/** A deterministic random source in [0, 1) (a linear congruential generator, good enough to pick moments). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Median and 95th percentile of a list of durations, rounded to the millisecond. */
export function summary(values: number[]): { n: number; median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { n: sorted.length, median: at(0.5), p95: at(0.95) };
}
