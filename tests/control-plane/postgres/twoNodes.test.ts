/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON that tests assert field by field */
/**
 * The control plane wired to PostgreSQL (docs/control-plane-postgres.md, "Wiring"): two control
 * planes opened by `openControlPlane` on one database — two nodes, each with its own DATA_DIR —
 * driven through their HTTP apps as `serve` mounts them. And what still refuses DATABASE_URL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../../control-plane/src/config.js';
import { openControlPlane, type ControlPlane } from '../../../control-plane/src/controlPlane.js';
import { ControlPlaneMetrics } from '../../../control-plane/src/metrics.js';
import { createServedApp } from '../../../control-plane/src/server.js';
import { refuseDatabaseWhileStateOnFiles } from '../../../control-plane/src/cli/stillOnFiles.js';
import { FakeAppliance, api, metricValue, tempDir } from '../../support/controlPlane.js';
import { usePostgres } from '../../support/postgresPools.js';

const pg = usePostgres();
const log = createLogger('two-nodes', 'silent');

interface Node {
  url: string;
  cp: ControlPlane;
  close(): Promise<void>;
}

async function openNode(databaseUrl: string): Promise<Node> {
  const config = readConfig(
    { DATA_DIR: tempDir('cp-node-'), DATABASE_URL: databaseUrl, DATABASE_CONNECT_TIMEOUT_SECONDS: '120' },
    '/nonexistent/.env',
  );
  const cp = await openControlPlane(config, log);
  const server = http.createServer((await createServedApp(cp, new ControlPlaneMetrics())).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cp,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await cp.close();
    },
  };
}

function post(url: string, jws: string): Promise<{ status: number; body: any }> {
  return fetch(`${url}/v1/heartbeats`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: jws }).then(
    async (res) => ({ status: res.status, body: await res.json() }),
  );
}

describe('two control planes on one database', () => {
  let a: Node;
  let b: Node;
  let token: string;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await pg.cluster.createDatabase('two-nodes');
    // Started together: one migrates, the other waits on the advisory lock and finds the schema current.
    [a, b] = await Promise.all([openNode(databaseUrl), openNode(databaseUrl)]);
    await a.cp.admins.createAdmin({ email: 'ops@vendor.fr', role: 'admin', password: 'correct horse battery staple' }, new Date());
    ({ token } = await a.cp.admins.createApiToken('ops@vendor.fr', new Date(Date.now() + 86_400_000), new Date()));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('opens both nodes on the database: no node keeps its state in its own DATA_DIR for what is on the seam', () => {
    expect(a.cp.backend).toMatchObject({ kind: 'postgres', where: expect.stringMatching(/^127\.0\.0\.1:\d+\/two_nodes_/) });
    expect(b.cp.backend.kind).toBe('postgres');
  });

  it('a token created on A works on B; a cabinet created on A enrolls on B; heartbeats to either node are counted once', async () => {
    expect((await api(b.url, token, 'GET', '/api/v1/cabinets')).status).toBe(200);
    const created = await api(a.url, token, 'POST', '/api/v1/cabinets', { id: 'dupont', name: 'Cabinet Dupont', plan: 'professional' });
    expect(created.status).toBe(201);
    expect((await api(b.url, token, 'GET', '/api/v1/cabinets/dupont')).body.cabinet).toMatchObject({ id: 'dupont', plan: 'professional' });

    const appliance = new FakeAppliance(b.url);
    expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);

    // Alternately to A and B, each retried on the other node at the same moment (a client that
    // timed out and tried elsewhere): one copy is recorded, the other answers replayed_sequence.
    const HEARTBEATS = 12;
    for (let i = 0; i < HEARTBEATS; i++) {
      const jws = await appliance.sign(appliance.payload());
      const [first, retry] = i % 2 === 0 ? [a, b] : [b, a];
      const answers = await Promise.all([post(first.url, jws), post(retry.url, jws)]);
      const accepted = answers.filter((r) => r.status === 202);
      const replayed = answers.filter((r) => r.status === 409);
      expect(accepted, `heartbeat ${i + 1}: ${JSON.stringify(answers)}`).toHaveLength(1);
      expect(replayed[0]?.body).toMatchObject({ ok: false, error: 'replayed_sequence' });
    }
    expect(await a.cp.heartbeats.count(appliance.applianceId)).toBe(HEARTBEATS);
    expect(await b.cp.heartbeats.count(appliance.applianceId)).toBe(HEARTBEATS);
    expect((await a.cp.appliances.get(appliance.applianceId))!.lastSeq).toBe(HEARTBEATS);

    // The fleet is the same on both nodes: one appliance, its last heartbeat's counters.
    for (const node of [a, b]) {
      const fleet = await api(node.url, token, 'GET', '/api/v1/fleet');
      expect(fleet.status).toBe(200);
      expect(fleet.body.appliances).toHaveLength(1);
      expect(fleet.body.appliances[0]).toMatchObject({
        applianceId: appliance.applianceId,
        cabinetId: 'dupont',
        usage: { analysesUsed: HEARTBEATS },
      });
    }
  });

  it('bounds a heartbeat by a plan created on the other node, which this node reads before recording it', async () => {
    const plan = {
      id: 'cabinet-xl',
      name: 'Cabinet XL',
      priceCents: 99_900,
      limits: { maxUsers: 200, maxCases: 50_000, maxAnalysesMonthly: 5_000 },
      aiModel: 'ceseda-pro-v1',
      advancedFeatures: true,
    };
    expect((await api(a.url, token, 'POST', '/api/v1/plans', plan)).status).toBe(201);
    const created = await api(a.url, token, 'POST', '/api/v1/cabinets', { id: 'martin', name: 'Cabinet Martin', plan: 'cabinet-xl' });
    const appliance = new FakeAppliance(a.url);
    expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
    // B has never read cabinet-xl: 20 000 analyses is within its ceiling (10 × 5 000), not within
    // the floor B would fall back to without the plan (1 000).
    const payload = appliance.payload();
    const jws = await appliance.sign({ ...payload, usage: { ...payload.usage, analysesUsed: 20_000 } });
    expect(await post(b.url, jws)).toMatchObject({ status: 202, body: { accepted: true } });
    expect(b.cp.plans.known('cabinet-xl')).toMatchObject({ id: 'cabinet-xl' });
  });

  it('a token revoked on B is refused on A at its next request', async () => {
    const { token: second, summary } = await b.cp.admins.createApiToken('ops@vendor.fr', new Date(Date.now() + 86_400_000), new Date());
    expect((await api(a.url, second, 'GET', '/api/v1/cabinets')).status).toBe(200);
    await b.cp.admins.revokeToken(summary.id, new Date());
    expect((await api(a.url, second, 'GET', '/api/v1/cabinets')).body).toMatchObject({ ok: false, error: 'token_revoked' });
  });

  it('/healthz reports the database: 503 database_unavailable while it is away, 200 once it is back, without a restart', async () => {
    expect((await api(a.url, undefined, 'GET', '/healthz')).body).toMatchObject({ ok: true, database: 'ok' });
    await pg.cluster.stop();
    try {
      const away = await api(a.url, undefined, 'GET', '/healthz');
      expect(away.status).toBe(503);
      expect(away.body).toMatchObject({ ok: false, error: 'database_unavailable' });
      expect(away.body.message).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+\/two_nodes_\w+\) cannot be reached/);
      const metrics = await api(b.url, undefined, 'GET', '/metrics');
      expect(metricValue(metrics.body as string, 'controlplane_database_up')).toBe(0);
    } finally {
      await pg.cluster.start();
    }
    expect(await api(a.url, undefined, 'GET', '/healthz')).toMatchObject({ status: 200, body: { ok: true, database: 'ok' } });
    expect(metricValue((await api(b.url, undefined, 'GET', '/metrics')).body as string, 'controlplane_database_up')).toBe(1);
  });
});

describe('DATABASE_URL with state still on the files', () => {
  // cli/stillOnFiles.ts's list is empty: serve and the commands run on the database (the control
  // plane's suites run there, the vitest project `postgres`). The refusal stays for a part moved later.
  it('is refused with database_backend_unfinished, naming what is left, only while something is left', () => {
    const config = readConfig({ DATA_DIR: tempDir('cp-pg-'), DATABASE_URL: 'postgres://cp@db.example:5432/cp' }, '/nonexistent/.env');
    expect(() => refuseDatabaseWhileStateOnFiles(config, [])).not.toThrow();
    expect(() => refuseDatabaseWhileStateOnFiles(config, ['the fleet alerts', 'the relances'])).toThrow(
      expect.objectContaining({
        code: 'database_backend_unfinished',
        message: expect.stringMatching(/DATABASE_URL is set, but .* for the fleet alerts; the relances/),
      }),
    );
    expect(() => refuseDatabaseWhileStateOnFiles(readConfig({ DATA_DIR: tempDir('cp-pg-') }, '/nonexistent/.env'), ['x'])).not.toThrow();
  });
});
