/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON that tests assert field by field */
/**
 * Test harness for the appliance: runs the compiled CLI and server (`appliance/dist`) with a temp
 * DATA_DIR, and a small HTTP client that keeps a session cookie and its CSRF token like a browser.
 */
import { runCommand } from './runCommand.js';
import net from 'node:net';
import path from 'node:path';
import { keepCaseStrings, noteApplianceDir } from './privacyScan.js';
import { startServiceProcess, type ServiceProcess } from '../demo/serviceProcess.js';

export const APPLIANCE_MAIN = path.resolve(import.meta.dirname, '../../appliance/dist/main.js');

export function applianceEnv(dataDir: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    HEARTBEAT_ENABLED: 'false',
    TLS: 'false',
    ...env,
  };
}

export interface TestAppliance {
  url: string;
  dataDir: string;
  service: ServiceProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startAppliance(dataDir: string, env: Record<string, string> = {}): Promise<TestAppliance> {
  const service = await startServiceProcess(APPLIANCE_MAIN, ['serve'], { env: applianceEnv(dataDir, env), cwd: path.dirname(dataDir) });
  noteApplianceDir(dataDir);
  const stop = async (signal?: NodeJS.Signals) => {
    const code = await service.stop(signal);
    keepCaseStrings(dataDir); // for the run-wide privacy scan (globalSetup.ts)
    return code;
  };
  return { url: `http://127.0.0.1:${service.port}`, dataDir, service, stop };
}

export type { CliResult as ApplianceCliResult } from './runCommand.js';
import type { CliResult as ApplianceCliResult } from './runCommand.js';

export function runApplianceCli(
  dataDir: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<ApplianceCliResult> {
  return runCommand(APPLIANCE_MAIN, args, { cwd: path.dirname(dataDir), env: applianceEnv(dataDir, options.env), input: options.input });
}

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
export class Browser {
  cookie = '';
  csrf = '';

  constructor(public url: string) {}

  async call(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('iam_session=')) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    if (parsed && typeof parsed === 'object' && typeof (parsed as any).csrfToken === 'string') this.csrf = (parsed as any).csrfToken;
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async login(email: string, password: string): Promise<{ status: number; body: any }> {
    return this.call('POST', '/api/auth/login', { email, password });
  }
}

/** A TCP port free right now on loopback (for a service that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
