/**
 * Starts a built service (`node <script> serve`) as a child process and waits for its pino
 * "listening" line, which carries the bound port. Used by the demo (`npm start`) and the
 * benchmarks; the tests have their own copy in tests/support.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcess {
  port: number;
  child: ChildProcess;
  /** Sends `signal` (SIGTERM by default); resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServiceProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Called with every stdout/stderr line (e.g. to forward the service's logs). */
  onLine?: (line: string) => void;
}

export function startServiceProcess(script: string, args: readonly string[], options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [script, ...args], { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let alive = true;
  void exited.then(() => (alive = false));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (alive) child.kill(signal);
    return exited;
  };
  let tail = '';
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${script} did not report "listening" within ${options.timeoutMs ?? 30_000} ms\n${tail}`));
    }, options.timeoutMs ?? 30_000);
    const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        let i: number;
        while ((i = pending.indexOf('\n')) >= 0) {
          onLine(pending.slice(0, i));
          pending = pending.slice(i + 1);
        }
      });
    };
    const record = (line: string) => {
      tail = `${tail}${line}\n`.slice(-4000);
      options.onLine?.(line);
    };
    lines(child.stderr!, record);
    lines(child.stdout!, (line) => {
      record(line);
      if (settled) return;
      try {
        const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          settled = true;
          clearTimeout(timer);
          resolve({ port: entry.port, child, stop });
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}) before listening\n${tail}`));
    });
  });
}
