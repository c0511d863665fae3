/**
 * The control plane's dashboard opened in this process on a temp DATA_DIR, with a clock the test
 * moves (`at`): what the second factor's tests need to compute TOTP codes for a known instant and
 * to reach the next 30-second step without waiting. And a browser of one cookie jar (`Visitor`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../control-plane/src/config.js';
import { openControlPlane, type ControlPlane } from '../../control-plane/src/controlPlane.js';
import { ControlPlaneMetrics } from '../../control-plane/src/metrics.js';
import { createServedApp } from '../../control-plane/src/server.js';
import { databaseUrlFor, onPostgres, testNodesKeyFile } from './controlPlane.js';

export interface InProcessDashboard {
  url: string;
  cp: ControlPlane;
  /** Sets the control plane's clock. */
  at(date: Date): void;
  now(): Date;
  close(): Promise<void>;
}

export async function openDashboardInProcess(dataDir: string, env: Record<string, string>, start: Date): Promise<InProcessDashboard> {
  // On the run's backend, like the server processes of tests/support/controlPlane.ts: DATA_DIR's database on PostgreSQL.
  const database =
    onPostgres() && !('DATABASE_URL' in env)
      ? { DATABASE_URL: await databaseUrlFor(dataDir), SECOND_FACTOR_KEY_FILE: testNodesKeyFile() }
      : {};
  const config = readConfig({ DATA_DIR: dataDir, ...database, ...env }, '/nonexistent/.env');
  const opened = await openControlPlane(config, createLogger('second-factor-test', 'silent'));
  let now = start;
  const cp: ControlPlane = { ...opened, clock: () => now };
  const server = http.createServer((await createServedApp(cp, new ControlPlaneMetrics())).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cp,
    at: (date) => (now = date),
    now: () => now,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await opened.close();
    },
  };
}

/** A browser with one cookie jar (paths ignored: every cookie goes with every request). */
export class Visitor {
  cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(method: string, path: string, options: { form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), headers: res.headers, text: await res.text() };
  }

  /** The CSRF token of the first form on a page. */
  async csrf(path: string): Promise<string> {
    const page = await this.request('GET', path);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return match[1]!;
  }

  /** Posts `form` to `path` with the CSRF token read from the page at `from` (default: `path` itself). */
  async post(path: string, form: Record<string, string>, from = path.split('?')[0]!) {
    return this.request('POST', path, { form: { _csrf: await this.csrf(from), ...form } });
  }

  login(email: string, password: string) {
    return this.post('/connexion?next=%2Fcabinets', { email, password }, '/connexion');
  }
}

/** The secret an enrolment page shows as text (grouped by four for typing; the groups joined again). */
export function secretOnPage(html: string): string {
  const match = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!match) throw new Error('no secret on the enrolment page');
  return match[1]!.replace(/ /g, '');
}

/** The recovery codes a page shows (xxxx-xxxx-xxxx-xxxx). */
export function recoveryCodesOnPage(html: string): string[] {
  return [...html.matchAll(/<code class="secret">([0-9a-z]{4}(?:-[0-9a-z]{4}){3})<\/code>/g)].map((m) => m[1]!);
}
