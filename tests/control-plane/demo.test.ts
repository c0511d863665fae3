import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDemo, seedDemo, startDemoControlPlane } from '../../control-plane/dist/demo.js';
import { FakeAppliance, api, tempDir } from '../support/controlPlane.js';

/** `npm start` runs dist/demo.js; its exported steps are what the demo (and its extensions) use. */
describe('demo', () => {
  const root = tempDir('cp-demo-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("starts the control plane, seeds the admin and the seed's three cabinets, and can be re-run", async () => {
    const dataDir = path.join(root, 'control-plane');
    const cp = await startDemoControlPlane({ dataDir, port: 0 });
    try {
      const seed = await seedDemo(dataDir);
      expect(seed.cabinets.map((c) => [c.id, c.plan])).toEqual([
        ['dupont', 'professional'],
        ['martin', 'starter'],
        ['bernard', 'enterprise'],
      ]);
      const listed = await api(cp.url, seed.admin.token, 'GET', '/api/v1/cabinets');
      expect(listed.body.cabinets).toHaveLength(3);
      const text = describeDemo(cp, seed);
      expect(text).toContain(cp.url);
      expect(text).toContain(seed.admin.email);
      expect(text).toContain(`Dashboard         ${cp.url}/`);
      expect(text).toContain(`${seed.support.email} / ${seed.support.password}`);
      // The printed logins open the dashboard.
      for (const who of [seed.admin, seed.support]) {
        const form = await fetch(`${cp.url}/connexion`);
        const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
        const login = await fetch(`${cp.url}/connexion`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, email: who.email, password: who.password }) });
        expect(login.status).toBe(302);
        expect(login.headers.getSetCookie().some((c) => c.startsWith('cp_session='))).toBe(true);
      }
      for (const c of seed.cabinets) expect(text).toContain(c.enrollmentCode);

      // A second run reuses the data and hands out fresh, working codes.
      const again = await seedDemo(dataDir);
      expect(again.cabinets.map((c) => c.id)).toEqual(['dupont', 'martin', 'bernard']);
      expect(again.cabinets[0]!.enrollmentCode).not.toBe(seed.cabinets[0]!.enrollmentCode);
      expect((await new FakeAppliance(cp.url).enroll(again.cabinets[0]!.enrollmentCode)).status).toBe(201);
    } finally {
      expect(await cp.process.stop()).toBe(0);
    }
  });
});
