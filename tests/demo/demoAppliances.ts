/**
 * The demo's three cabinet appliances (the seed's ports 5001–5003): started as real appliance
 * processes, enrolled with the codes the demo control plane issued, given an admin, lawyers and a
 * few case files — the same HTTP calls an IT person's browser and the lawyers would make.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startServiceProcess, type ServiceProcess } from './serviceProcess.js';
import type { DemoSeed } from './demoControlPlane.js';
import { APPLIANCE_MAIN, DEMO_CABINETS, DEMO_PASSWORD, DEMO_ROOT } from './demoData.js';

export interface DemoAppliance {
  id: string;
  url: string;
  logins: Array<{ email: string; role: string }>;
  process: ServiceProcess;
}

/** A tiny cookie-keeping client, enough for the demo's setup calls. */
class Session {
  private cookie = '';
  private csrf = '';
  constructor(private readonly url: string) {}

  async call(method: string, route: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('iam_session=')) this.cookie = set.split(';')[0] ?? '';
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (typeof json.csrfToken === 'string') this.csrf = json.csrfToken;
    return { status: res.status, body: json };
  }
}

const DEMO_CASES = [
  { client: { lastName: 'Diallo', firstName: 'Aminata', nationality: 'SN', birthDate: '1991-04-12' }, procedure: 'oqtf', daysAgo: 3 },
  {
    client: { lastName: 'Haddad', firstName: 'Karim', nationality: 'DZ', birthDate: '1986-11-02' },
    procedure: 'refus_titre_sejour',
    daysAgo: 20,
  },
  {
    client: { lastName: 'Popescu', firstName: 'Ioana', nationality: 'MD', birthDate: '1998-01-25' },
    procedure: 'asile_rejet_ofpra',
    daysAgo: 9,
  },
];

async function seedAppliance(url: string, cabinetId: string, code: string): Promise<DemoAppliance['logins']> {
  const s = new Session(url);
  const status = (await s.call('GET', '/api/setup/status')).body;
  // Once set up, the status says only `done` to a visitor: a re-run has nothing to enroll or create.
  if (!status.done && !status.enrolled) {
    const enrolled = await s.call('POST', '/api/setup/enroll', { code });
    if (enrolled.status !== 201) throw new Error(`${cabinetId}: enrollment failed: ${String(enrolled.body.message)}`);
  }
  const admin = `admin@${cabinetId}.demo`;
  if (!status.done && !status.hasAdmin)
    await s.call('POST', '/api/setup/admin', { email: admin, name: 'Administrateur', password: DEMO_PASSWORD });
  const login = await s.call('POST', '/api/auth/login', { email: admin, password: DEMO_PASSWORD });
  if (login.status !== 200) throw new Error(`${cabinetId}: demo admin login failed: ${String(login.body.message)}`);
  const logins = [{ email: admin, role: 'admin' }];
  const lawyer = `avocat@${cabinetId}.demo`;
  const created = await s.call('POST', '/api/users', { email: lawyer, name: 'Maître Démo', role: 'avocat', password: DEMO_PASSWORD });
  if (created.status === 201 || created.status === 409) logins.push({ email: lawyer, role: 'avocat' });
  // Case files, once (a re-run finds them already there).
  const existing = await s.call('GET', '/api/cases');
  if (existing.status === 200 && Array.isArray(existing.body.cases) && existing.body.cases.length === 0) {
    for (const c of DEMO_CASES) {
      const notified = new Date(Date.now() - c.daysAgo * 86_400_000).toISOString().slice(0, 10);
      await s.call('POST', '/api/cases', { client: c.client, procedure: c.procedure, decisionNotifiedAt: notified });
    }
  }
  // The vendor's fleet page shows the seeded cabinet now, not at the next interval.
  const beat = await s.call('POST', '/api/admin/heartbeat');
  if (beat.status !== 200 || beat.body.error)
    throw new Error(`${cabinetId}: the demo heartbeat was not delivered: ${String(beat.body.error ?? beat.body.message)}`);
  return logins;
}

/**
 * Starts, enrolls and seeds the three appliances, pinned to the vendor's keys as a cabinet
 * installed from its bundle is. `root` and `anyPort` let a test run them beside other work.
 */
export async function startDemoAppliances(
  controlPlaneUrl: string,
  seed: DemoSeed,
  options: { onLine?: (line: string) => void; root?: string; anyPort?: boolean } = {},
): Promise<DemoAppliance[]> {
  const started: DemoAppliance[] = [];
  for (const cabinet of DEMO_CABINETS) {
    const dataDir = path.join(options.root ?? DEMO_ROOT, cabinet.id);
    await fs.mkdir(dataDir, { recursive: true });
    const port = options.anyPort ? 0 : cabinet.port;
    const child = await startServiceProcess(APPLIANCE_MAIN, ['serve'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        TLS: 'false',
        CONTROL_PLANE_URL: controlPlaneUrl,
        CLIENT_ID: cabinet.id,
        CLIENT_NAME: cabinet.name,
        CLIENT_SIRET: cabinet.siret,
        CLIENT_EMAIL: cabinet.email,
        VENDOR_KEY_PINS: seed.vendorKeyPins.join(','),
      },
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
    const url = `http://localhost:${child.port}`;
    const code = seed.cabinets.find((c) => c.id === cabinet.id)?.enrollmentCode ?? '';
    try {
      started.push({ id: cabinet.id, url, logins: await seedAppliance(url, cabinet.id, code), process: child });
    } catch (err) {
      await child.stop();
      throw err;
    }
  }
  return started;
}

export function describeAppliances(appliances: readonly DemoAppliance[]): string {
  return [
    'Cabinet appliances (password for every demo login: ' + DEMO_PASSWORD + '):',
    ...appliances.map((a) => `  ${a.id.padEnd(8)} ${a.url}   ${a.logins.map((l) => `${l.email} (${l.role})`).join(', ')}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
