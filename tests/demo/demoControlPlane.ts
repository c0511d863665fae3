/**
 * The demo's control plane: started on port 4000 with DATA_DIR under ./data/demo, seeded with a
 * vendor admin, a support login and the seed's three cabinets (each with a fresh enrollment code).
 * Re-running it reuses the demo data.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startServiceProcess, type ServiceProcess } from './serviceProcess.js';
import { CONTROL_PLANE_MAIN, DEMO_ADMIN, DEMO_CABINETS, DEMO_ROOT, DEMO_SUPPORT, DEMO_VENDOR } from './demoData.js';

export interface DemoControlPlane {
  url: string;
  dataDir: string;
  process: ServiceProcess;
}

function demoEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // No LATEST_APPLIANCE_VERSION: the control plane takes the release it ships with, as the demo's appliances run.
  // No second factor required: the logins the demo prints open the dashboard at once. A real
  // control plane keeps the default (SECOND_FACTOR_REQUIRED_FOR=admin, docs/control-plane.md).
  return { ...DEMO_VENDOR, SECOND_FACTOR_REQUIRED_FOR: 'none', ...process.env, DATA_DIR: dataDir, ...extra };
}

/** Starts the control plane process on `port` (default 4000) and waits until it listens. */
export async function startDemoControlPlane(
  options: { dataDir?: string; port?: number; onLine?: (line: string) => void } = {},
): Promise<DemoControlPlane> {
  const dataDir = options.dataDir ?? path.join(DEMO_ROOT, 'control-plane');
  await fs.mkdir(dataDir, { recursive: true });
  const port = options.port ?? 4000;
  const child = await startServiceProcess(CONTROL_PLANE_MAIN, ['serve'], {
    env: demoEnv(dataDir, { PORT: String(port), PUBLIC_URL: `http://localhost:${port}` }),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  return { url: `http://localhost:${child.port}`, dataDir, process: child };
}

/** Runs a `control-plane … --json` command on `dataDir` (through the running server's socket). */
export function runControlPlaneCli(
  dataDir: string,
  args: readonly string[],
  input?: string,
): Promise<{ ok: boolean; result: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // stderr is dropped: failures come back as JSON on stdout, and expected ones (an admin that
    // already exists on a re-run) should not alarm whoever runs the demo.
    const child = spawn(process.execPath, [CONTROL_PLANE_MAIN, ...args, '--json'], {
      env: demoEnv(dataDir),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      try {
        resolve({ ok: code === 0, result: JSON.parse(out) as Record<string, unknown> });
      } catch {
        reject(new Error(`control-plane ${args.join(' ')} printed no JSON (exit ${code})`));
      }
    });
  });
}

export interface DemoSeed {
  admin: { email: string; password: string; token: string };
  support: { email: string; password: string };
  cabinets: { id: string; name: string; plan: string; enrollmentCode: string }[];
  /** The vendor's key thumbprints, as a cabinet's bundle carries them: the demo appliances run pinned. */
  vendorKeyPins: string[];
}

/** Creates (or reuses) the demo admin and cabinets, and issues a fresh enrollment code for each. */
export async function seedDemo(dataDir: string): Promise<DemoSeed> {
  await runControlPlaneCli(dataDir, ['admin', 'create', '--email', DEMO_ADMIN.email, '--role', 'admin'], `${DEMO_ADMIN.password}\n`); // already_exists on re-runs
  await runControlPlaneCli(dataDir, ['admin', 'create', '--email', DEMO_SUPPORT.email, '--role', 'support'], `${DEMO_SUPPORT.password}\n`);
  const token = await runControlPlaneCli(dataDir, ['admin', 'token', '--email', DEMO_ADMIN.email]);
  if (!token.ok) throw new Error(`could not create the demo API token: ${JSON.stringify(token.result)}`);
  const cabinets: DemoSeed['cabinets'] = [];
  for (const cabinet of DEMO_CABINETS) {
    const args = [
      'cabinet',
      'create',
      '--id',
      cabinet.id,
      '--name',
      cabinet.name,
      '--plan',
      cabinet.plan,
      '--siret',
      cabinet.siret,
      '--email',
      cabinet.email,
    ];
    args.push('--address', cabinet.address, '--phone', cabinet.phone);
    let created = await runControlPlaneCli(dataDir, args);
    if (!created.ok && created.result.error === 'already_exists')
      created = await runControlPlaneCli(dataDir, ['cabinet', 'code', cabinet.id]);
    if (!created.ok) throw new Error(`could not set up cabinet ${cabinet.id}: ${String(created.result.message)}`);
    cabinets.push({ id: cabinet.id, name: cabinet.name, plan: cabinet.plan, enrollmentCode: String(created.result.enrollmentCode) });
  }
  const keys = await runControlPlaneCli(dataDir, ['keys', 'list']);
  if (!keys.ok || !Array.isArray(keys.result.vendorKeyPins))
    throw new Error(`could not read the vendor key pins: ${JSON.stringify(keys.result)}`);
  return {
    admin: { ...DEMO_ADMIN, token: String(token.result.token) },
    support: { ...DEMO_SUPPORT },
    cabinets,
    vendorKeyPins: keys.result.vendorKeyPins.map(String),
  };
}

export function describeDemo(controlPlane: DemoControlPlane, seed: DemoSeed): string {
  return [
    '',
    'IAManager demo is running.',
    '',
    `Control plane     ${controlPlane.url}   (health: ${controlPlane.url}/healthz, metrics: ${controlPlane.url}/metrics)`,
    `Dashboard         ${controlPlane.url}/   (vendor web console)`,
    `Vendor admin      ${seed.admin.email} / ${seed.admin.password}`,
    `Support login     ${seed.support.email} / ${seed.support.password}   (sees health, no prices, cannot change plans)`,
    `API token         ${seed.admin.token}`,
    `                  curl -H "Authorization: Bearer ${seed.admin.token}" ${controlPlane.url}/api/v1/cabinets`,
    `CLI               DATA_DIR=${path.relative(process.cwd(), controlPlane.dataDir)} npx control-plane cabinet list`,
    '',
    'Cabinets and their enrollment codes (single use, 7 days):',
    ...seed.cabinets.map((c) => `  ${c.id.padEnd(8)} ${c.plan.padEnd(13)} ${c.enrollmentCode}   ${c.name}`),
    `Vendor key pins   VENDOR_KEY_PINS=${seed.vendorKeyPins.join(',')}   (what every cabinet's .env carries)`,
    '',
  ].join('\n');
}
