/**
 * The dashboard served by two nodes over HTTP, their login guard and logouts in one PostgreSQL
 * database (docs/control-plane-postgres.md "Dashboard login guard, logouts and the sealing key"):
 * the pages, the session middleware and the login route as `serve` mounts them
 * (`createServedApp(cp, metrics, dashboardState)`), each node with its own pool. The rest of the
 * state is one control plane on its files (wiring the other stores is step 4), shared by both.
 */
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../../control-plane/src/config.js';
import { openControlPlane, type ControlPlane } from '../../../control-plane/src/controlPlane.js';
import { ControlPlaneMetrics } from '../../../control-plane/src/metrics.js';
import { createServedApp } from '../../../control-plane/src/server.js';
import { PostgresLoginAttempts } from '../../../control-plane/src/storage/postgres/dashboardLoginAttempts.js';
import { PostgresSessionRevocations } from '../../../control-plane/src/storage/postgres/dashboardRevocations.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { tempDir } from '../../support/controlPlane.js';
import { Visitor } from '../../support/dashboardInProcess.js';
import { usePostgres } from '../../support/postgresPools.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();
const PASSWORD = 'correct horse battery staple';

interface Node {
  url: string;
  revocations: PostgresSessionRevocations;
  server: http.Server;
}

describe('the dashboard on two nodes sharing PostgreSQL', () => {
  let cp: ControlPlane;
  let nodes: [Node, Node];

  beforeAll(async () => {
    const config = readConfig(
      { DATA_DIR: tempDir('cp-dashboard-nodes-'), LOGIN_MAX_FAILURES: '3', SECOND_FACTOR_REQUIRED_FOR: 'none' },
      '/nonexistent/.env',
    );
    cp = await openControlPlane(config, log);
    await cp.admins.createAdmin({ email: 'ops@vendor.example', role: 'admin', password: PASSWORD }, cp.clock());
    const url = await pg.cluster.createDatabase('dashboard_nodes');
    const started: Node[] = [];
    for (const _ of [0, 1]) {
      const db = pg.pool(url, 3);
      await migrate(db);
      const revocations = await PostgresSessionRevocations.open(db, cp.clock, log);
      const loginAttempts = new PostgresLoginAttempts(
        db,
        { maxFailures: config.dashboard.loginMaxFailures, lockSeconds: config.dashboard.loginLockSeconds },
        cp.clock,
      );
      const app = await createServedApp(cp, new ControlPlaneMetrics(), { loginAttempts, revocations });
      const server = http.createServer(app.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      started.push({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, revocations, server });
    }
    nodes = started as [Node, Node];
  });

  afterAll(async () => {
    for (const node of nodes ?? []) {
      node.server.closeAllConnections();
      await new Promise((resolve) => node.server.close(resolve));
      await node.revocations.close();
    }
    await cp?.close();
  });

  it('refuses on node B the copy of a session cookie logged out on node A', async () => {
    const [a, b] = nodes;
    const browser = new Visitor(a.url);
    expect((await browser.login('ops@vendor.example', PASSWORD)).location).toBe('/cabinets');
    const copy = new Visitor(b.url);
    copy.cookies = new Map(browser.cookies);
    expect((await copy.request('GET', '/cabinets')).status).toBe(200);

    const heardOnB = once(b.revocations, 'revoked');
    const logout = await browser.post('/deconnexion', {}, '/cabinets');
    expect(logout.location).toBe('/connexion?sortie=1');
    await heardOnB;
    expect((await copy.request('GET', '/cabinets')).location).toBe('/connexion?next=%2Fcabinets');
    expect((await copy.request('GET', '/api/v1/cabinets')).status).toBe(401);
  });

  it('locks the account for an address after three wrong passwords spread over both nodes', async () => {
    const [a, b] = nodes;
    for (const node of [a, b, a])
      expect((await new Visitor(node.url).login('ops@vendor.example', 'wrong password here')).text).toContain(
        'Adresse e-mail ou mot de passe incorrect.',
      );
    for (const node of [b, a]) {
      const locked = await new Visitor(node.url).login('ops@vendor.example', PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.text).toContain("Trop d'échecs de connexion : réessayez dans 1 min.");
    }
  });
});
