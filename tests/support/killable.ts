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

/** A weighted list of the kinds of write a crash test sends, each with its share of the traffic. */
export type WriteKinds<Kind extends string> = ReadonlyArray<readonly [Kind, number]>;

/** The kind a roll in [0, 1) falls on, by the kinds' shares. */
export function kindOf<Kind extends string>(kinds: WriteKinds<Kind>, roll: number): Kind {
  let sum = 0;
  for (const [kind, share] of kinds) if (roll < (sum += share)) return kind;
  return kinds.at(-1)![0];
}

/** One service's `DATA_DIR` under fire: what the kill loop needs from a crash test's lane. */
export interface KillLane<Kind extends string> {
  readonly name: string;
  readonly random: () => number;
  kills: number;
  startupKills: number;
  readonly startups: number[];
  readonly startupsCpu: number[];
  spawn(): KillableService;
  /** Checks, after a restart, that everything acknowledged so far is there (disk and HTTP). */
  check(url: string, round: number): Promise<void>;
  /** One client writing until `stopped()`, recording what was acknowledged; `onAck` after each. */
  writer(url: string, tag: string, random: () => number, first: Kind, stopped: () => boolean, onAck: (kind: Kind) => void): Promise<void>;
}

export interface KillLoopOptions<Kind extends string> {
  kinds: WriteKinds<Kind>;
  writers: number;
  /** Beyond the kills during writes, this share of restarts is killed during start-up. */
  startupKillShare: number;
  /** The start-up time to draw a start-up kill's moment from until one has been measured. */
  startupGuessMs: number;
  /** Varies the writers' seeds between the services' tests. */
  seedStep: number;
  /** Shared by the lanes of one test: a failure in one stops the others. */
  failed: { value: boolean };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The crash tests' loop, until `kills` kills during writes: restart the service (now and then
 * killed again during start-up: recovery, journal replay, temp-file sweep), check it, set the
 * writers going, and SIGKILL it at a random moment once a write of this round's kind is
 * acknowledged — each kind in turn, so slow ones (a password hash, a host probe) are hit as often
 * as quick ones, however slow the machine (a minute into the round at the latest, against a hang).
 */
export async function runKillLoop<Kind extends string>(lane: KillLane<Kind>, kills: number, options: KillLoopOptions<Kind>): Promise<void> {
  for (let round = 0; lane.kills < kills && !options.failed.value; round++) {
    const service = lane.spawn();
    try {
      if (round > 0 && lane.random() < options.startupKillShare) {
        await sleep(lane.random() * (summary(lane.startups).median || options.startupGuessMs));
        await service.kill();
        lane.startupKills++;
        continue;
      }
      const port = await service.listening;
      if (port === null) throw new Error(`${lane.name}: the service died before listening:\n${service.output().slice(-3000)}`);
      lane.startups.push(service.startupMs!);
      if (service.startupCpuMs !== undefined) lane.startupsCpu.push(service.startupCpuMs);
      const url = `http://127.0.0.1:${port}`;
      await lane.check(url, round);

      const target = options.kinds[round % options.kinds.length]![0];
      let stop = false;
      let targetAcked: () => void = () => undefined;
      const acknowledged = new Promise<void>((resolve) => (targetAcked = resolve));
      const writers = Array.from({ length: options.writers }, (_, w) =>
        lane.writer(
          url,
          `${lane.name}r${round}w${w}`,
          seededRandom(round * options.seedStep + w + lane.name.length),
          w === 0 ? target : kindOf(options.kinds, lane.random()),
          () => stop,
          (kind) => kind === target && targetAcked(),
        ),
      );
      // Waits for the acknowledgement itself: on a loaded machine a write can take seconds, and a kill
      // before any lands proves nothing. The minute is only a guard against a writer that hangs.
      await Promise.race([acknowledged, Promise.all(writers), sleep(60_000)]);
      await sleep(lane.random() * 250);
      await service.kill();
      lane.kills++;
      stop = true;
      await Promise.all(writers);
    } catch (err) {
      options.failed.value = true;
      throw err;
    } finally {
      await service.kill(); // a failed check must not leave the process behind
    }
  }
}
