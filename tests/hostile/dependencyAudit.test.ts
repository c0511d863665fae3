/**
 * `.ci/audit.sh` against a stand-in registry: high or critical advisories in production
 * dependencies fail CI; advisories in dev dependencies or below "high" do not; a registry that
 * cannot answer audits is tolerated only with a loud "NOT CHECKED", never a silent pass.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '../../.ci/audit.sh');
type Mode = { status: number; advisories?: Record<string, Array<{ severity: string }>> };
let mode: Mode = { status: 405 };
let server: http.Server;
let registry: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => {
        if (req.url?.startsWith('/-/npm/v1/security/')) {
          if (mode.status !== 200) {
            res.writeHead(mode.status, { allow: 'GET, HEAD' }).end();
            return;
          }
          // Like the real registry: advisories only for the packages npm asked about.
          const raw = Buffer.concat(chunks);
          const asked = JSON.parse(
            (req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8') || '{}',
          ) as Record<string, string[]>;
          const advisories = Object.fromEntries(
            Object.entries(mode.advisories ?? {})
              .filter(([name]) => name in asked)
              .map(([name, list]) => [
                name,
                list.map((a, i) => ({
                  id: 1000 + i,
                  url: `https://advisories.test/${name}`,
                  title: `Test advisory for ${name}`,
                  severity: a.severity,
                  vulnerable_versions: '<999.0.0',
                  cwe: [],
                  cvss: { score: 7.5, vectorString: null },
                })),
              ]),
          );
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(advisories));
          return;
        }
        // Packuments, which npm reads to say whether a fix exists.
        const name = decodeURIComponent((req.url ?? '/').slice(1));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ name, 'dist-tags': { latest: '1.0.0' }, 'versions': { '1.0.0': { name, version: '1.0.0' } } }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function audit(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // A cache of its own each time: npm keeps advisory answers, and the stand-in changes them.
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-audit-cache-'));
    const child = spawn('bash', [SCRIPT], {
      env: { ...process.env, npm_config_registry: registry, npm_config_cache: cache, npm_config_update_notifier: 'false' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(cache, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

describe('.ci/audit.sh', () => {
  it('fails on high and critical advisories in production dependencies, naming them', async () => {
    mode = { status: 200, advisories: { koa: [{ severity: 'high' }], jose: [{ severity: 'critical' }] } };
    const { code, output } = await audit();
    expect(code).toBe(1);
    expect(output).toMatch(/^koa /m);
    expect(output).toMatch(/^jose /m);
    expect(output).toMatch(/high or critical advisories in production dependencies/);
  }, 120_000);

  it('passes with advisories below "high", or only in dev dependencies', async () => {
    mode = { status: 200, advisories: { koa: [{ severity: 'moderate' }], vitest: [{ severity: 'critical' }] } };
    const { code, output } = await audit();
    expect(code, output).toBe(0);
    expect(output).toMatch(/no high or critical advisories in production dependencies/);
  }, 120_000);

  it('tolerates a registry that cannot answer audits only by saying loudly that nothing was checked', async () => {
    for (const status of [404, 405, 501]) {
      mode = { status };
      const { code, output } = await audit();
      expect(code).toBe(0);
      expect(output).toMatch(/NOT CHECKED/);
      expect(output).not.toMatch(/no high or critical advisories/);
    }
  }, 60_000);

  it('fails when the registry answers the audit with an error', async () => {
    mode = { status: 500 };
    const { code, output } = await audit();
    expect(code).toBe(1);
    expect(output).toMatch(/cannot check/);
  }, 60_000);
});
