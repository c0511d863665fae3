/**
 * Starts a built service (`node <script> serve …`) as a child process and waits for its pino
 * "listening" line on stdout, which carries the bound port (services listen on port 0 in tests).
 * One helper for the demo (`npm start`), the tests (tests/support/) and the
 * benchmarks, so all three start services the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcess {
  port: number;
  child: ChildProcess;
  /** What the process printed (stdout and stderr; the last 8 MB), for assertions and failure messages. */
  output(): string;
  /**
   * Resolves with the first line (already printed, or to come) that matches `pattern`; rejects if
   * none has come within `timeoutMs` (default 120 s: a guard against a hang, not a wait) or the
   * process exits first.
   */
  waitForLine(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (SIGTERM by default); resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServiceProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the "listening" line before giving up (default 30 s). */
  timeoutMs?: number;
  /** Called with every stdout/stderr line (e.g. to forward the service's logs). */
  onLine?: (line: string) => void;
}

/** Enough for any test's whole run; bounded so a demo left running for days does not grow forever. */
const KEPT_OUTPUT = 8 * 1024 * 1024;

/** Splits a stream into lines; the last partial line waits for its newline. */
function eachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  });
}

export function startServiceProcess(script: string, args: readonly string[], options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [script, ...args], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(code);
    });
  });
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!exit) child.kill(signal);
    return exited;
  };
  const lines: string[] = [];
  const lineWaiters = new Set<(line: string) => void>();
  const record = (line: string) => {
    output = `${output}${line}\n`;
    if (output.length > KEPT_OUTPUT) output = output.slice(-KEPT_OUTPUT);
    lines.push(line);
    if (lines.length > 100_000) lines.splice(0, lines.length - 100_000);
    for (const waiter of lineWaiters) waiter(line);
    options.onLine?.(line);
  };
  const matches = (pattern: string | RegExp, line: string) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
  const waitForLine = (pattern: string | RegExp, lineTimeoutMs = 120_000) => {
    const seen = lines.find((line) => matches(pattern, line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        lineWaiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter = (line: string) => {
        if (!matches(pattern, line)) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no line matching ${String(pattern)} within ${lineTimeoutMs} ms\n${output.slice(-4000)}`));
      }, lineTimeoutMs);
      lineWaiters.add(waiter);
      void exited.then(() => {
        if (!lineWaiters.has(waiter)) return;
        done();
        reject(new Error(`exited before a line matching ${String(pattern)}\n${output.slice(-4000)}`));
      });
    });
  };
  const timeoutMs = options.timeoutMs ?? 30_000;

  return new Promise<ServiceProcess>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${reason}\n--- output of ${script} ${args.join(' ')} ---\n${output.slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      fail(`no "listening" line within ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);

    eachLine(child.stderr!, record);
    eachLine(child.stdout!, (line) => {
      record(line);
      if (settled) return;
      let entry: { msg?: unknown; port?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return; // not a log line
      }
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        settled = true;
        clearTimeout(timer);
        resolve({ port: entry.port, child, output: () => output, waitForLine, stop });
      }
    });
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    void exited.then((code) => fail(`exited (code ${code}, signal ${exit?.signal ?? 'none'}) before listening`));
  });
}
