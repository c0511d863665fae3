/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON read for ids */
/**
 * Hostile input at scale: FUZZ_REQUESTS (100 000 by default) random requests shared by the two
 * real services, fired in parallel over keep-alive sockets. Every route the routers mount (read
 * from their stacks, so a new endpoint is fuzzed the day it exists) and stray paths get random
 * methods, parameters, query strings, headers, credentials and bodies (see support/fuzzRequests).
 *
 * Two streams per service:
 * - mixed: real and bogus credentials, bodies often valid but for a field — whatever arrives, the
 *   answer is never a 5xx and never a dropped connection;
 * - refused: credentials that can never pass (forged, revoked or disabled tokens, a session
 *   without its CSRF token; no valid token on the vendor API, nothing signed on the appliance
 *   endpoints) — every answer is a 4xx and DATA_DIR holds exactly the same bytes afterwards: a
 *   refused request writes nothing.
 * Both processes must still be up, healthy, and must not have logged an unhandled error.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_TYP, SIGNING_ALG, generateSigningKey, publicJwk } from '@iamanager/protocol';
import { FakeAppliance, createAdminToken, runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Browser, startAppliance, type TestAppliance } from '../support/appliance.js';
import { changedFiles, snapshotDir } from '../support/dataDirSnapshot.js';
import {
  describeRequest,
  requestArb,
  toWire,
  type Body,
  type Credential,
  type FuzzRequest,
  type FuzzTarget,
} from '../support/fuzzRequests.js';
import { KeepAliveClient, inPool } from '../support/keepAliveClient.js';
import { applianceRoutes, controlPlaneRoutes } from '../support/routeTable.js';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 100_000);
/** Of each service's share, this part goes to the refused stream. */
const REFUSED_SHARE = 0.4;
const CONCURRENCY = 24;
const CHUNK = 2_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const PASSWORD = 'correct horse battery staple';

let cp: TestControlPlane;
let appliance: TestAppliance;
let applianceTarget: FuzzTarget;
let applianceRefused: Credential[];
let cpTarget: FuzzTarget;
let cpRefusedBodies: fc.Arbitrary<Body>;
/** The real session cookies of both services, which the mixed stream must not log out (see `keepsSessions`). */
const realSessions: string[] = [];

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** JWS-shaped bodies: header and payload valid or mutated, signed by the right key, another, or none. */
function jwsBodies(fake: FakeAppliance, rightKey: boolean): fc.Arbitrary<Body> {
  const header = { alg: SIGNING_ALG, typ: HEARTBEAT_TYP, kid: fake.applianceId };
  const stranger = generateSigningKey();
  return fc
    .record({
      header: fc.oneof(
        fc.constant<unknown>(header),
        fc.constantFrom<unknown>(
          { ...header, alg: 'none' },
          { ...header, alg: 'HS256' },
          { ...header, kid: 'unknown-appliance' },
          { ...header, crit: ['b64'], b64: false },
          { ...header, typ: 'JWT' },
        ),
        fc.jsonValue({ maxDepth: 2, size: 'xsmall' }),
      ),
      payload: fc.oneof(
        fc.constant<unknown>(fake.payload({ seq: 1_000_000 })),
        fc.jsonValue({ maxDepth: 3, size: 'small' }),
        fc
          .record({ seq: fc.oneof(fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER + 2)), iat: fc.integer() })
          .map((o) => ({ ...fake.payload(), ...o })),
      ),
      signer: fc.constantFrom(...(rightKey ? ['right', 'stranger', 'garbage', 'empty'] : ['stranger', 'garbage', 'empty'])),
      garbage: fc.uint8Array({ minLength: 1, maxLength: 80 }),
      extra: fc.constantFrom('', '', '.', '..x', ' '),
    })
    .map(({ header: h, payload, signer, garbage, extra }) => {
      const input = `${b64(h)}.${b64(payload)}`;
      const key = signer === 'right' ? fake.key.privateKey : stranger.privateKey;
      const signature =
        signer === 'garbage'
          ? Buffer.from(garbage).toString('base64url')
          : signer === 'empty'
            ? ''
            : crypto.sign(null, Buffer.from(input), key).toString('base64url');
      return { type: 'application/jose', bytes: Buffer.from(`${input}.${signature}${extra}`) };
    });
}

/** A dashboard session on the control plane: its cookie and its CSRF token (from a page's form). */
async function dashboardSession(url: string, email: string): Promise<Credential> {
  const token = 'fuzzFormToken00000000000';
  const login = await fetch(`${url}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'cookie': `iam_form=${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password: PASSWORD }).toString(),
  });
  const cookie = /cp_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fetch(`${url}/cabinets`, { headers: { cookie } })).text())![1]!;
  return { name: email, headers: { cookie, 'x-csrf-token': csrf }, csrf };
}

beforeAll(async () => {
  const cpDir = tempDir('cp-fuzz-');
  // No timed checkpoint, no fleet check during the run: each is a timer that writes (heartbeats
  // accepted earlier, fleet-alerts.json when the first check sees the fuzzer's appliances), and
  // would be taken for a file changed by the refused stream.
  cp = await startControlPlane(cpDir, { CHECKPOINT_INTERVAL_SECONDS: '3600', FLEET_CHECK_INTERVAL_SECONDS: '3600' });
  const vendor = await createAdminToken(cpDir, 'vendor@iamanager.fr');
  const support = await createAdminToken(cpDir, 'support@iamanager.fr', 'support');
  const created = await runCli(cpDir, [
    'cabinet',
    'create',
    '--id',
    'dupont',
    '--name',
    'Cabinet Dupont',
    '--plan',
    'enterprise',
    '--json',
  ]);
  const other = await runCli(cpDir, ['cabinet', 'create', '--id', 'fuzzhb', '--name', 'Cabinet Heartbeat', '--plan', 'starter', '--json']);
  const fake = new FakeAppliance(cp.url);
  expect((await fake.enroll(other.json.enrollmentCode)).status).toBe(201);

  const dir = tempDir('fuzz-');
  appliance = await startAppliance(dir, { CONTROL_PLANE_URL: cp.url, CLIENT_ID: 'dupont' });
  const admin = new Browser(appliance.url);
  await admin.call('POST', '/api/setup/enroll', { code: created.json.enrollmentCode });
  await admin.call('POST', '/api/setup/admin', { email: 'admin@dupont.fr', name: 'Admin', password: PASSWORD });
  await admin.login('admin@dupont.fr', PASSWORD);
  const tokenOf = async (b: Browser) => (await b.call('POST', '/api/tokens', { label: 'fuzz' })).body.token as string;
  const adminToken = await tokenOf(admin);
  const asAdmin = (method: string, route: string, body?: unknown) =>
    admin.call(method, route, body, { authorization: `Bearer ${adminToken}` });
  for (const [email, role] of [
    ['secretariat@dupont.fr', 'secretariat'],
    ['victim@dupont.fr', 'juriste'],
    ['disabled@dupont.fr', 'avocat'],
  ]) {
    expect((await asAdmin('POST', '/api/users', { email, name: role, role, password: PASSWORD })).status).toBe(201);
  }
  const users = (await asAdmin('GET', '/api/users')).body.users as Array<{ id: string; email: string }>;
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  const secretariat = new Browser(appliance.url);
  await secretariat.login('secretariat@dupont.fr', PASSWORD);
  const secretariatToken = await tokenOf(secretariat);
  const disabled = new Browser(appliance.url);
  await disabled.login('disabled@dupont.fr', PASSWORD);
  const disabledToken = await tokenOf(disabled);
  expect((await asAdmin('PATCH', `/api/users/${idOf('disabled@dupont.fr')}`, { active: false })).status).toBe(200);
  const revoked = (await asAdmin('POST', '/api/tokens', { label: 'revoked' })).body;
  expect((await asAdmin('DELETE', `/api/tokens/${revoked.id}`)).status).toBe(200);

  const caseId = (
    await asAdmin('POST', '/api/cases', {
      client: { lastName: 'Fuzz', firstName: 'Cible', nationality: 'FR', birthDate: '1990-01-01' },
      procedure: 'oqtf',
      decisionNotifiedAt: '2026-11-02',
    })
  ).body.case.id as string;
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 fuzz')], { type: 'application/pdf' }), 'acte.pdf');
  const doc = (await (
    await fetch(`${appliance.url}/api/cases/${caseId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      body: form,
    })
  ).json()) as any;
  const analysis = (await asAdmin('POST', `/api/cases/${caseId}/analyses`, {})).body.analysis;
  const feedPage = await fetch(`${appliance.url}/calendrier`, {
    method: 'POST',
    headers: { 'cookie': admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: `_csrf=${admin.csrf}`,
  });
  const feed = /\/calendrier\/([^"]+\.ics)/.exec(await feedPage.text())?.[1];
  expect(feed).toBeDefined();

  applianceTarget = {
    routes: await applianceRoutes(),
    params: { id: [caseId, idOf('victim@dupont.fr')], docId: [doc.document.id], file: [`${analysis.id}.pdf`, feed!] },
    seeds: {
      'POST /api/cases': {
        client: { lastName: 'Fuzz', firstName: 'Cible', nationality: 'FR', birthDate: '1990-01-01', agdrefNumber: '1234567890' },
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-02',
        notes: 'n',
      },
      'PATCH /api/cases/:id': { notes: 'note', status: 'waiting', client: { firstName: 'Autre' }, assignedTo: null },
      'POST /api/users': { email: 'fuzz@dupont.fr', name: 'Fuzz', role: 'juriste', password: PASSWORD },
      'PATCH /api/users/:id': { name: 'Victim', role: 'secretariat', active: true },
      'POST /api/roles': { name: 'stagiaire', label: 'Stagiaire', permissions: ['cases.read'] },
      'POST /api/tokens': { label: 'fuzz' },
      'POST /api/auth/login': { email: 'victim@dupont.fr', password: 'not the password at all' },
      'POST /api/auth/password': { currentPassword: 'not the password at all', newPassword: 'another long password' },
      'POST /api/setup/enroll': { code: 'ABCD-EFGH', controlPlaneUrl: 'http://127.0.0.1:1' },
      'POST /api/setup/admin': { email: 'second@dupont.fr', name: 'Second', password: PASSWORD },
    },
    credentials: [
      { name: 'admin token', headers: { authorization: `Bearer ${adminToken}` } },
      { name: 'admin session', headers: { 'cookie': admin.cookie, 'x-csrf-token': admin.csrf }, csrf: admin.csrf },
      { name: 'admin session, form CSRF', headers: { cookie: admin.cookie }, csrf: admin.csrf },
      { name: 'secretariat token', headers: { authorization: `Bearer ${secretariatToken}` } },
      { name: 'secretariat session', headers: { 'cookie': secretariat.cookie, 'x-csrf-token': secretariat.csrf }, csrf: secretariat.csrf },
      { name: 'anonymous', headers: {} },
      {
        name: 'forged session',
        headers: { cookie: `iam_session=${b64({ alg: 'HS256' })}.${b64({ sub: idOf('victim@dupont.fr'), epoch: 0, csrf: 'x' })}.AAAA` },
      },
      { name: 'garbage cookie', headers: { cookie: 'iam_session=;;; iam_lang=xx; =; iam_form=' } },
    ],
  };
  realSessions.push(admin.cookie, secretariat.cookie);
  applianceRefused = [
    { name: 'forged token', headers: { authorization: `Bearer iam_0123456789ab_${'f'.repeat(32)}` } },
    { name: 'empty bearer', headers: { authorization: 'Bearer ' } },
    { name: 'revoked token', headers: { authorization: `Bearer ${revoked.token}` } },
    { name: 'disabled user token', headers: { authorization: `Bearer ${disabledToken}` } },
    { name: 'session without CSRF', headers: { cookie: admin.cookie } },
    { name: 'session, wrong CSRF', headers: { 'cookie': admin.cookie, 'x-csrf-token': 'x'.repeat(24) } },
    { name: 'session, another session CSRF', headers: { 'cookie': admin.cookie, 'x-csrf-token': secretariat.csrf } },
  ];

  cpTarget = {
    routes: await controlPlaneRoutes(),
    params: { id: ['dupont', 'fuzzhb', 'nope'] },
    seeds: {
      'POST /api/v1/cabinets': {
        id: 'fuzz-cab',
        name: 'Cabinet Fuzz',
        plan: 'starter',
        siret: '73282932000074',
        overrides: { maxUsers: 5 },
      },
      'PATCH /api/v1/cabinets/:id': { name: 'Renamed', plan: 'professional', overrides: { maxUsers: null }, status: 'active' },
      'POST /api/v1/plans': {
        id: 'fuzz-plan',
        name: 'Fuzz',
        priceCents: 100,
        limits: { maxUsers: 1, maxCases: 1, maxAnalysesMonthly: 1 },
        aiModel: 'ceseda-basic-v1',
        advancedFeatures: false,
      },
      'POST /v1/enroll': {
        code: 'BOGUS-CODE-0000',
        publicKey: publicJwk(generateSigningKey().publicKey),
        instanceName: 'fuzz',
        version: '1.0.0',
      },
    },
    credentials: [
      { name: 'admin token', headers: { authorization: `Bearer ${vendor}` } },
      { name: 'support token', headers: { authorization: `Bearer ${support}` } },
      { ...(await dashboardSession(cp.url, 'vendor@iamanager.fr')), name: 'admin dashboard session' },
      { ...(await dashboardSession(cp.url, 'support@iamanager.fr')), name: 'support dashboard session' },
      { name: 'anonymous', headers: {} },
      { name: 'forged token', headers: { authorization: 'Bearer cp_forged' } },
      { name: 'basic auth', headers: { authorization: 'Basic dmVuZG9yOnBhc3N3b3Jk' } },
    ],
    bodies: jwsBodies(fake, true),
  };
  cpRefusedBodies = jwsBodies(fake, false);
  for (const c of cpTarget.credentials) if (c.headers.cookie) realSessions.push(c.headers.cookie);
}, 180_000);

afterAll(async () => {
  await appliance?.stop();
  await cp?.stop();
});

interface Outcome {
  sent: number;
  retried: number;
  seconds: number;
  byClass: Record<string, number>;
  failures: string[];
}

/** Sends `count` requests drawn from `arb` (in reproducible chunks), `CONCURRENCY` at a time. */
async function fire(
  running: TestAppliance | TestControlPlane,
  arb: fc.Arbitrary<FuzzRequest>,
  count: number,
  seed: number,
  accept: (status: number) => boolean,
): Promise<Outcome> {
  const client = new KeepAliveClient(running.url, CONCURRENCY);
  const outcome: Outcome = { sent: 0, retried: 0, seconds: 0, byClass: {}, failures: [] };
  const started = performance.now();
  try {
    for (let chunk = 0; chunk * CHUNK < count; chunk++) {
      const requests = fc.sample(arb, { numRuns: Math.min(CHUNK, count - chunk * CHUNK), seed: seed + chunk });
      if (running.service.child.exitCode !== null) {
        outcome.failures.push(
          `the process exited (code ${running.service.child.exitCode}); its last words:\n${running.service.output().slice(-3000)}`,
        );
        break;
      }
      await inPool(requests, CONCURRENCY, async (r) => {
        let res = await client.send(toWire(r));
        if (res.status === 0 && res.reusedSocket && res.error === 'ECONNRESET') {
          // The keep-alive race (see WireResponse.reusedSocket): the same request again, on a new
          // connection; a server that really drops it drops it again.
          outcome.retried++;
          res = await client.send(toWire(r), { fresh: true });
        }
        outcome.sent++;
        const cls = res.status === 0 ? 'no answer' : `${Math.floor(res.status / 100)}xx`;
        outcome.byClass[cls] = (outcome.byClass[cls] ?? 0) + 1;
        if (!accept(res.status) && outcome.failures.length < 20)
          outcome.failures.push(`${res.status}${res.error ? ` (${res.error})` : ''} ← ${describeRequest(r)}`);
      });
    }
  } finally {
    client.close();
  }
  outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function report(name: string, stream: string, o: Outcome): void {
  console.log(
    `fuzz ${name} ${stream}: ${o.sent} requests in ${o.seconds.toFixed(1)} s (${Math.round(o.sent / o.seconds)} req/s) ${JSON.stringify(o.byClass)}, ${o.retried} resent after a keep-alive reset`,
  );
}

/** Nothing the process printed says it lost a request to an unhandled error. */
function unhandledErrors(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /"level":(50|60)/.test(l) || /unhandled/i.test(l))
    .slice(0, 5);
}

/**
 * Logging out ends a session on the server (both services revoke it), and "Fermer toutes mes
 * sessions" ends all of the user's — asked with the user's API token too —, so the mixed stream
 * never sends a real session to either route, nor a real token to the latter: one drawn early would
 * make every later request with that session an anonymous one — and the refused stream's "session
 * without its CSRF token" would then be let through as a visitor logging out. Logging out is tested
 * in sessions.test.ts and control-plane/dashboard.test.ts.
 */
const LOGOUT = /^\/(api\/auth\/logout|deconnexion|mot-de-passe\/sessions|compte\/sessions)\/?$/i;
const END_ALL = /^\/(mot-de-passe|compte)\/sessions\/?$/i;
function keepsSessions(r: FuzzRequest): boolean {
  if (END_ALL.test(r.path) && r.headers.authorization) return false;
  return !(LOGOUT.test(r.path) && realSessions.some((cookie) => (r.headers.cookie ?? '').includes(cookie)));
}

describe('hostile input at scale', () => {
  const perService = Math.ceil(TOTAL / 2);
  const refused = Math.round(perService * REFUSED_SHARE);
  const mixed = perService - refused;
  const services = () => [
    { name: 'appliance', running: appliance as TestAppliance | TestControlPlane, target: applianceTarget },
    { name: 'control plane', running: cp as TestAppliance | TestControlPlane, target: cpTarget },
  ];

  it(`answers ${mixed} random requests per service without a 5xx or a dropped connection`, async () => {
    const outcomes = await Promise.all(
      services().map(({ running, target }, i) =>
        fire(running, requestArb(target, { filter: keepsSessions }), mixed, SEED + i, (s) => s >= 100 && s < 500),
      ),
    );
    services().forEach(({ name }, i) => report(name, 'mixed', outcomes[i]!));
    expect(Object.fromEntries(services().map(({ name }, i) => [name, outcomes[i]!.failures]))).toEqual({
      'appliance': [],
      'control plane': [],
    });
  }, 600_000);

  // The appliance refuses a bad bearer token on every path, and a session without its CSRF token
  // on every write; the control plane refuses anything on /api/v1 without a token, any heartbeat
  // not signed by an enrolled key, and every method its public GETs do not serve. Run after the
  // mixed stream, so nothing it accepted can still be writing.
  it(`answers ${refused} requests per service that can never pass with a 4xx, and they change no file`, async () => {
    const refusedArbs = [
      requestArb(applianceTarget, {
        credentials: applianceRefused,
        filter: (r) => /^bearer(\s|$)/i.test(r.headers.authorization ?? '') || !SAFE.has(r.method),
      }),
      // The vendor API without a valid token, and the appliance endpoints with anything unsigned or
      // a method they do not serve; the dashboard is left out (it redirects visitors to its login page).
      requestArb(
        { ...cpTarget, bodies: cpRefusedBodies },
        {
          credentials: cpTarget.credentials.filter(
            (c) => !c.headers.cookie && !/^Bearer (?!cp_forged)/.test(c.headers.authorization ?? ''),
          ),
          filter: (r) => r.method !== 'OPTIONS' && (r.path.startsWith('/api/v1/') || (r.path.startsWith('/v1/') && !SAFE.has(r.method))),
        },
      ),
    ];
    const before = services().map(({ running }) => snapshotDir(running.dataDir));
    const outcomes = await Promise.all(
      services().map(({ running }, i) => fire(running, refusedArbs[i]!, refused, SEED + 7_919 + i, (s) => s >= 400 && s < 500)),
    );
    const after = services().map(({ running }) => snapshotDir(running.dataDir));
    services().forEach(({ name }, i) => report(name, 'refused', outcomes[i]!));
    expect(
      Object.fromEntries(
        services().map(({ name }, i) => [name, { not4xx: outcomes[i]!.failures, filesChanged: changedFiles(before[i]!, after[i]!) }]),
      ),
    ).toEqual({
      'appliance': { not4xx: [], filesChanged: [] },
      'control plane': { not4xx: [], filesChanged: [] },
    });
    for (const snapshot of before) expect(snapshot.size).toBeGreaterThan(3);
  }, 600_000);

  it('leaves both processes up, healthy, and without an unhandled error in their logs', async () => {
    for (const { running } of services()) {
      expect(running.service.child.exitCode).toBeNull();
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect(unhandledErrors(running.service.output())).toEqual([]);
    }
  });
});
