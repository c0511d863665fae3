/**
 * Hostile input, smoke level: random methods, paths (with ids, traversal and encoding tricks),
 * content types and bodies against every endpoint of both real services, authenticated and not.
 * Whatever arrives, the answer is never a 5xx and the process stays up. (The reliability suite
 * runs the same generators at 100 000 requests.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, runApplianceCli, startAppliance, type TestAppliance } from '../support/appliance.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const PASSWORD = 'correct horse battery staple';
let cp: TestControlPlane;
let appliance: TestAppliance;
let cpToken: string;
let applianceToken: string;
let caseId: string;

const APPLIANCE_PATHS = ['/healthz', '/api/setup/status', '/api/setup/enroll', '/api/setup/license', '/api/setup/admin', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/auth/password', '/api/users', '/api/users/:id', '/api/roles', '/api/tokens', '/api/tokens/:id', '/api/cases', '/api/cases/:id', '/api/cases/:id/archive', '/api/cases/:id/unarchive', '/api/cases/:id/export', '/api/cases/:id/documents', '/api/cases/:id/documents/:id', '/api/cases/:id/analyses', '/api/audit', '/api/license', '/api/billing/usage', '/api/admin/heartbeat', '/ca.crt'];
const CP_PATHS = ['/healthz', '/metrics', '/v1/keys', '/v1/enroll', '/v1/heartbeats', '/v1/usage-reports', '/api/v1/plans', '/api/v1/cabinets', '/api/v1/cabinets/:id', '/api/v1/cabinets/:id/enrollment-codes', '/api/v1/fleet', '/api/v1/fleet/:id/history', '/api/v1/alerts', '/', '/connexion', '/deconnexion', '/cabinets', '/cabinets/:id', '/cabinets/:id/formule', '/cabinets/:id/code', '/alertes', '/static/dashboard.css'];

const idArb = () => fc.oneof(fc.constant(() => caseId), fc.constant(() => 'dupont'), fc.string({ maxLength: 40 }).map((s) => () => encodeURIComponent(s)), fc.constantFrom(() => '..%2F..%2Fetc%2Fpasswd', () => '%00', () => 'a'.repeat(300), () => '-1', () => '00000000-0000-0000-0000-000000000000'));
const bodyArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant('{"client":{"lastName":"A","firstName":"B","nationality":"FR","birthDate":"1990-01-01"},"procedure":"oqtf","decisionNotifiedAt":"2026-02-30"}'),
  fc.constant('x'.repeat(300_000)),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constant('eyJhbGciOiJub25lIn0.eyJ2IjoxfQ.'),
);
const typeArb = fc.constantFrom('application/json', 'application/jose', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '', 'application/json; charset=latin1');
const requestArb = (paths: string[]) =>
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'),
    path: fc.constantFrom(...paths),
    id: idArb(),
    query: fc.oneof(fc.constant(''), fc.string({ maxLength: 60 }).map((s) => `?q=${encodeURIComponent(s)}&page=${s.length - 5}&pageSize=${s}`)),
    body: fc.option(bodyArb),
    type: typeArb,
    auth: fc.boolean(),
  });

interface FuzzRequest {
  method: string;
  path: string;
  id: () => string;
  query: string;
  body: string | null;
  type: string;
  auth: boolean;
}

async function fire(base: string, token: string, r: FuzzRequest): Promise<number> {
  const path = r.path.replace(/:id/g, () => r.id());
  const hasBody = r.body !== null && !['GET', 'HEAD'].includes(r.method);
  const res = await fetch(`${base}${path}${r.query}`, {
    method: r.method,
    headers: { ...(r.type ? { 'content-type': r.type } : {}), ...(r.auth ? { authorization: `Bearer ${token}` } : {}) },
    body: hasBody ? r.body : undefined,
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  const cpDir = tempDir('cp-fuzz-');
  cp = await startControlPlane(cpDir);
  cpToken = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const created = await runCli(cpDir, ['cabinet', 'create', '--id', 'dupont', '--name', 'Cabinet Dupont', '--plan', 'enterprise', '--json']);
  const dir = tempDir('fuzz-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'dupont' });
  const b = new Browser(appliance.url);
  await b.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode });
  await b.call('POST', '/api/setup/admin', { email: 'admin@dupont.fr', name: 'Admin', password: PASSWORD });
  applianceToken = (await runApplianceCli(dir, ['token', 'create', '--email', 'admin@dupont.fr', '--json'])).json.token;
  const res = await fetch(`${appliance.url}/api/cases`, { method: 'POST', headers: { authorization: `Bearer ${applianceToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ client: { lastName: 'Fuzz', firstName: 'Cible', nationality: 'FR', birthDate: '1990-01-01' }, procedure: 'oqtf', decisionNotifiedAt: '2026-11-02' }) });
  caseId = ((await res.json()) as { case: { id: string } }).case.id;
}, 120_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

describe('hostile input', () => {
  for (const [name, paths, base, token] of [
    ['the appliance', APPLIANCE_PATHS, () => appliance.url, () => applianceToken],
    ['the control plane', CP_PATHS, () => cp.url, () => cpToken],
  ] as const) {
    it(`never gets a 5xx or a crash out of ${name} (${RUNS} random requests)`, async () => {
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(requestArb([...paths]), async (r) => {
          const status = await fire(base(), token(), r);
          if (status >= 500) failures.push(`${r.method} ${r.path} ${r.type} → ${status}`);
          return status < 500;
        }),
        { numRuns: RUNS, seed: 20261124, endOnFailure: true },
      );
      expect(failures).toEqual([]);
      expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    }, 300_000);
  }
});
