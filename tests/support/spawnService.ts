/**
 * Starts a built service process (`node <script> serve …`) and waits for its pino "listening"
 * line on stdout, which carries the bound port (services listen on port 0 in tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedService {
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the "listening" line before giving up (default 30 s). */
  timeoutMs?: number;
}

export function spawnService(script: string, args: readonly string[], options: SpawnOptions = {}): Promise<SpawnedService> {
  const child = spawn(process.execPath, [script, ...args], { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(code);
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!exit) child.kill(signal);
    return exited;
  };

  return new Promise<SpawnedService>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${reason}\n--- output of ${script} ${args.join(' ')} ---\n${output.slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      fail(`no "listening" line within ${options.timeoutMs ?? 30_000} ms`);
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);

    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (output += chunk));
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        let entry: { msg?: unknown; port?: unknown };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (!settled && entry.msg === 'listening' && typeof entry.port === 'number') {
          settled = true;
          clearTimeout(timer);
          resolve({ port: entry.port, child, output: () => output, stop });
        }
      }
    });
    child.once('error', (err) => fail(`could not start: ${err.message}`));
    void exited.then((code) => fail(`exited (code ${code}, signal ${exit?.signal ?? 'none'}) before listening`));
  });
}
