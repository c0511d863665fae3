/**
 * `npm start`: a local demo. Starts the control plane on port 4000 with DATA_DIR under
 * ./data/demo, creates a vendor admin and the seed's three cabinets (each with a fresh enrollment
 * code), prints the URLs and logins, and runs until Ctrl-C. Re-running it reuses the demo data.
 *
 * Exported pieces let the demo grow (e.g. start appliances and enroll them with these codes).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SHIPPED_APPLIANCE_VERSION } from './applianceRelease.js';
import { startServiceProcess, type ServiceProcess } from './serviceProcess.js';
import { describeAppliances, startDemoAppliances, type DemoAppliance } from './demoAppliances.js';

export const CONTROL_PLANE_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
export const DEMO_ROOT = path.resolve('data/demo');
export const DEMO_ADMIN = { email: 'demo@iamanager.test', password: 'demo-password-2026' };
/** A support login, to see the dashboard as support staff do: health, no prices, no plan changes. */
export const DEMO_SUPPORT = { email: 'support@iamanager.test', password: 'demo-password-2026' };

/** The seed's cabinets (multi-tenant-architecture.md), with SIRETs that pass the checksum. */
export const DEMO_CABINETS = [
  { id: 'dupont', name: 'Cabinet Dupont & Associés', plan: 'professional', siret: '12345678901237', address: '123 Rue de la Justice, 75001 Paris', phone: '01.23.45.67.89', email: 'contact@cabinet-dupont.fr' },
  { id: 'martin', name: 'Cabinet Martin', plan: 'starter', siret: '84219567300012', address: '8 quai Saint-Vincent, 69001 Lyon', phone: '04.72.00.00.00', email: 'contact@cabinet-martin.fr' },
  { id: 'bernard', name: 'Cabinet Bernard', plan: 'enterprise', siret: '55501234000017', address: '20 cours Pierre Puget, 13006 Marseille', phone: '04.91.00.00.00', email: 'contact@cabinet-bernard.fr' },
] as const;

export interface DemoControlPlane {
  url: string;
  dataDir: string;
  process: ServiceProcess;
}

/** The demo vendor's identity on invoices (docs/billing.md); the SIRET and VAT number pass their checksums. */
export const DEMO_VENDOR = {
  VENDOR_NAME: 'IAManager Démo SAS',
  VENDOR_ADDRESS: '10 rue de Rivoli, 75004 Paris',
  VENDOR_SIRET: '73282932000074',
  VENDOR_VAT_NUMBER: 'FR44732829320',
  VENDOR_LEGAL_FORM: 'SAS au capital de 10 000 €',
  VENDOR_RCS: 'RCS Paris 732 829 320',
  VENDOR_EMAIL: 'facturation@iamanager.test',
  VENDOR_IBAN: 'FR76 3000 6000 0112 3456 7890 189',
};

function demoEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...DEMO_VENDOR, ...process.env, DATA_DIR: dataDir, LATEST_APPLIANCE_VERSION: process.env.LATEST_APPLIANCE_VERSION ?? SHIPPED_APPLIANCE_VERSION, ...extra };
}

/** Starts the control plane process on `port` (default 4000) and waits until it listens. */
export async function startDemoControlPlane(options: { dataDir?: string; port?: number; onLine?: (line: string) => void } = {}): Promise<DemoControlPlane> {
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
export function runControlPlaneCli(dataDir: string, args: readonly string[], input?: string): Promise<{ ok: boolean; result: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // stderr is dropped: failures come back as JSON on stdout, and expected ones (an admin that
    // already exists on a re-run) should not alarm whoever runs the demo.
    const child = spawn(process.execPath, [CONTROL_PLANE_MAIN, ...args, '--json'], { env: demoEnv(dataDir), stdio: ['pipe', 'pipe', 'ignore'] });
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
    const args = ['cabinet', 'create', '--id', cabinet.id, '--name', cabinet.name, '--plan', cabinet.plan, '--siret', cabinet.siret, '--email', cabinet.email];
    if ('address' in cabinet) args.push('--address', cabinet.address, '--phone', cabinet.phone);
    let created = await runControlPlaneCli(dataDir, args);
    if (!created.ok && created.result.error === 'already_exists') created = await runControlPlaneCli(dataDir, ['cabinet', 'code', cabinet.id]);
    if (!created.ok) throw new Error(`could not set up cabinet ${cabinet.id}: ${String(created.result.message)}`);
    cabinets.push({ id: cabinet.id, name: cabinet.name, plan: cabinet.plan, enrollmentCode: String(created.result.enrollmentCode) });
  }
  const keys = await runControlPlaneCli(dataDir, ['keys', 'list']);
  if (!keys.ok || !Array.isArray(keys.result.vendorKeyPins)) throw new Error(`could not read the vendor key pins: ${JSON.stringify(keys.result)}`);
  return { admin: { ...DEMO_ADMIN, token: String(token.result.token) }, support: { ...DEMO_SUPPORT }, cabinets, vendorKeyPins: keys.result.vendorKeyPins.map(String) };
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
    `CLI               DATA_DIR=${controlPlane.dataDir} node ${path.relative(process.cwd(), CONTROL_PLANE_MAIN)} cabinet list`,
    '',
    'Cabinets and their enrollment codes (single use, 7 days):',
    ...seed.cabinets.map((c) => `  ${c.id.padEnd(8)} ${c.plan.padEnd(13)} ${c.enrollmentCode}   ${c.name}`),
    `Vendor key pins   VENDOR_KEY_PINS=${seed.vendorKeyPins.join(',')}   (what every cabinet's .env carries)`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const controlPlane = await startDemoControlPlane();
  const appliances: DemoAppliance[] = [];
  const stopAll = async () => {
    await Promise.all(appliances.map((a) => a.process.stop()));
    return controlPlane.process.stop();
  };
  const stop = () => {
    void stopAll().then((code) => process.exit(code ?? 0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const seed = await seedDemo(controlPlane.dataDir);
    appliances.push(...(await startDemoAppliances(controlPlane.url, seed)));
    console.log(describeDemo(controlPlane, seed) + describeAppliances(appliances));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
