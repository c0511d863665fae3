/**
 * `/metrics` on a shared network: with METRICS_TOKEN (or METRICS_TOKEN_FILE, a Docker secret) the
 * control plane serves its counters to a bearer of that token only; a bad value is refused at
 * start-up with the variable named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';

const TOKEN = 'metrics-0123456789abcdef0123456789abcdef';
let cp: TestControlPlane;

const scrape = (headers: Record<string, string> = {}, query = '') => fetch(`${cp.url}/metrics${query}`, { headers });

beforeAll(async () => {
  const dir = tempDir('cp-metrics-');
  const secret = path.join(path.dirname(dir), `${path.basename(dir)}-metrics-token`);
  fs.writeFileSync(secret, `${TOKEN}\n`, { mode: 0o600 });
  cp = await startControlPlane(dir, { METRICS_TOKEN_FILE: secret });
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

describe('GET /metrics with METRICS_TOKEN set', () => {
  it('serves the counters to the bearer of the token', async () => {
    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^controlplane_/m);
  });

  it('refuses no token, a wrong or truncated one, another scheme, and the token in the query string', async () => {
    const answers = [];
    for (const [headers, query] of [
      [{}, ''],
      [{ authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, ''],
      [{ authorization: `Bearer ${TOKEN.slice(0, 16)}` }, ''],
      [{ authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, ''],
      [{}, `?token=${TOKEN}`],
    ] as const) {
      const res = await scrape(headers, query);
      const body = (await res.json()) as { error: string; message: string };
      answers.push([res.status, body.error, res.headers.get('www-authenticate')]);
      expect(body.message).toBe(
        'GET /metrics needs the header "Authorization: Bearer <METRICS_TOKEN>": give your scraper the token set on this service',
      );
    }
    expect(answers).toEqual(Array.from({ length: 5 }, () => [401, 'unauthorized', 'Bearer realm="metrics"']));
  });

  it('leaves the health check open', async () => {
    expect((await fetch(`${cp.url}/healthz`)).status).toBe(200);
  });
});

describe('METRICS_TOKEN in the configuration', () => {
  it('is refused when short, or set twice (variable and file), naming the variable and the fix', async () => {
    const dir = tempDir('cp-metrics-config-');
    const short = await runCli(dir, ['plan', 'list'], { env: { METRICS_TOKEN: 'too-short' } });
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain(
      'METRICS_TOKEN: must be at least 32 characters, e.g. the output of `openssl rand -hex 32`; unset it to leave /metrics open',
    );
    const both = await runCli(dir, ['plan', 'list'], { env: { METRICS_TOKEN: TOKEN, METRICS_TOKEN_FILE: '/nonexistent' } });
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('METRICS_TOKEN and METRICS_TOKEN_FILE are both set: keep only one');
  });
});
