import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_MAIN, tempDir } from '../support/controlPlane.js';
import { commandOnPath, freePort, runBlocks, shBlocks } from '../support/docCommands.js';

/** docs/control-plane.md promises its `sh` blocks work as written: run them, in order. */
const blocks = shBlocks('docs/control-plane.md');

describe('docs/control-plane.md', () => {
  const dir = tempDir('cp-docs-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs every command of the operator page successfully', async () => {
    expect(blocks.length).toBeGreaterThan(5);
    // `control-plane` on PATH, as the install bundles and images have it.
    const bin = commandOnPath(dir, 'control-plane', CONTROL_PLANE_MAIN);
    const port = await freePort();
    const result = await runBlocks(blocks, {
      cwd: dir,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_PASSWORD: 'a long operator passphrase',
      },
    });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('enrollment code (single use, 7 days):');
    expect(result.out).toMatch(/premium-plus\s+399\.00 €\s+15\s+5000\s+1000/);
    expect(result.out).toContain('controlplane_heartbeats_accepted_total 0');
    expect(result.out).toMatch(/new signing key \S+; published: \S+, \S+/);
    expect(JSON.parse(result.out.trim().split('\n').at(-1)!).cabinets[0]).toMatchObject({
      id: 'dupont',
      plan: 'enterprise',
      status: 'active',
    });
    // The server wrote its log where the page said, and stopped cleanly.
    expect(fs.readFileSync(path.join(dir, 'control-plane.log'), 'utf8')).toContain('"msg":"stopped"');
  }, 180_000);
});
