/**
 * SECOND_FACTOR_REQUIRED_FOR applied to sessions opened before it covered the admin (an upgrade to
 * the version that brought second factors, or the vendor widening the setting): they are refused,
 * pages and API alike, and the next login leads to enrolment. Two runs of the real server on one
 * DATA_DIR, the session cookie kept across the restart.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startControlPlane, tempDir, type TestControlPlane } from '../support/controlPlane.js';
import { Visitor } from '../support/dashboardInProcess.js';

const PASSWORD = 'correct horse battery staple';

describe('a second factor policy that now covers an admin', () => {
  const dataDir = `${tempDir('cp-2fa-policy-')}/data`;
  let cp: TestControlPlane | undefined;
  afterAll(async () => {
    await cp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the sessions opened without one, and leads to enrolment at the next login', async () => {
    fs.mkdirSync(dataDir);
    const created = await runCli(dataDir, ['admin', 'create', '--email', 'ops@vendor.test', '--role', 'billing'], {
      input: `${PASSWORD}\n`,
    });
    expect(created.code, created.stderr).toBe(0);

    cp = await startControlPlane(dataDir, { SECOND_FACTOR_REQUIRED_FOR: 'admin' });
    const v = new Visitor(cp.url);
    expect((await v.login('ops@vendor.test', PASSWORD)).location).toBe('/cabinets');
    expect((await v.request('GET', '/api/v1/cabinets')).status).toBe(200);
    await cp.stop();

    // The vendor now requires it of every role.
    cp = await startControlPlane(dataDir, { SECOND_FACTOR_REQUIRED_FOR: 'all' });
    const moved = new Visitor(cp.url);
    moved.cookies = v.cookies;
    expect((await moved.request('GET', '/cabinets')).location).toBe('/connexion?next=%2Fcabinets');
    expect((await moved.request('GET', '/api/v1/cabinets')).status).toBe(401);
    expect((await new Visitor(cp.url).login('ops@vendor.test', PASSWORD)).location).toBe('/connexion/double-facteur?next=%2Fcabinets');
  });
});
