import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_MAIN, tempDir } from '../support/controlPlane.js';

/** docs/control-plane.md promises its `sh` blocks work as written: run them, in order. */
const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/control-plane.md'), 'utf8');
const blocks = [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('docs/control-plane.md', () => {
  const dir = tempDir('cp-docs-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs every command of the operator page successfully', async () => {
    expect(blocks.length).toBeGreaterThan(5);
    // `control-plane` on PATH, as npm installs the bin: an exec wrapper, so `kill %1` reaches node.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'control-plane'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CONTROL_PLANE_MAIN)} "$@"\n`, { mode: 0o755 });
    // If a block fails, the trap stops the server the page started, so nothing outlives the test.
    const script = ['set -euo pipefail', "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT", ...blocks.map((b, i) => `echo "### block ${i + 1}"\n${b}`)].join('\n');
    const port = await freePort();
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('bash', ['-c', script], {
        cwd: dir,
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: 'a long operator passphrase' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      // Only a guard against a hung server: the page runs some 40 commands, each a Node start-up.
      const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('enrollment code (single use, 7 days):');
    expect(result.out).toMatch(/premium-plus\s+399\.00 €\s+15\s+5000\s+1000/);
    expect(result.out).toContain('controlplane_heartbeats_accepted_total 0');
    expect(result.out).toMatch(/new signing key \S+; published: \S+, \S+/);
    expect(JSON.parse(result.out.trim().split('\n').at(-1)!).cabinets[0]).toMatchObject({ id: 'dupont', plan: 'enterprise', status: 'active' });
    // The server wrote its log where the page said, and stopped cleanly.
    expect(fs.readFileSync(path.join(dir, 'control-plane.log'), 'utf8')).toContain('"msg":"stopped"');
  }, 180_000);
});
