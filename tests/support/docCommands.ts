/**
 * The `sh` blocks of a docs/ page, run as a reader would: in order, in one shell, `set -euo
 * pipefail`. The pages promise their commands work as written; these helpers hold them to it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const REPOSITORY = path.resolve(import.meta.dirname, '../..');

/** The ```sh blocks of a Markdown page under the repository, in order. */
export function shBlocks(page: string, root = REPOSITORY): string[] {
  const doc = fs.readFileSync(path.join(root, page), 'utf8');
  return [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/**
 * Runs the blocks as one script (each announced by `### block N`); if one fails, the trap stops
 * whatever the page started in the background, so nothing outlives the test.
 */
export function runBlocks(
  blocks: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ code: number | null; out: string }> {
  const script = [
    'set -euo pipefail',
    "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT",
    ...blocks.map((b, i) => `echo "### block ${i + 1}"\n${b}`),
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 170_000);
    const done = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, out });
    };
    child.on('close', done);
    // A process the page left behind may hold the pipes open after the shell has exited: the
    // shell's exit, and what it printed by then, is the answer.
    child.on('exit', (code) => setTimeout(() => done(code), 2_000).unref());
  });
}

/** A folder holding `name` as a command that runs `node script`, as npm installs a bin: an exec wrapper, so `kill %1` reaches node. */
export function commandOnPath(dir: string, name: string, script: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)} "$@"\n`, {
    mode: 0o755,
  });
  return bin;
}

/** A TCP port free on the loopback now, for a page whose commands name the port (`${PORT:-4000}`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
