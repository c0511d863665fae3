/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyThumbprints } from '@iamanager/protocol';
import { describeDemo, seedDemo, startDemoControlPlane } from './demoControlPlane.js';
import { startDemoAppliances, type DemoAppliance } from './demoAppliances.js';
import { FakeAppliance, api, tempDir } from '../support/controlPlane.js';
import { runApplianceCli } from '../support/appliance.js';
import { waitFor } from '../support/waitFor.js';

/** `npm start` runs tests/demo/dist/main.js; these are the steps it takes. */
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
        const login = await fetch(`${cp.url}/connexion`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf, email: who.email, password: who.password }),
        });
        expect(login.status).toBe(302);
        expect(login.headers.getSetCookie().some((c) => c.startsWith('cp_session='))).toBe(true);
      }
      for (const c of seed.cabinets) expect(text).toContain(c.enrollmentCode);

      // The demo hands its appliances the vendor's key pins, as a bundle's .env does.
      expect(seed.vendorKeyPins).toEqual(await keyThumbprints((await api(cp.url, undefined, 'GET', '/v1/keys')).body));
      expect(text).toContain(`VENDOR_KEY_PINS=${seed.vendorKeyPins.join(',')}`);

      // A second run reuses the data and hands out fresh, working codes.
      const again = await seedDemo(dataDir);
      expect(again.cabinets.map((c) => c.id)).toEqual(['dupont', 'martin', 'bernard']);
      expect(again.cabinets[0]!.enrollmentCode).not.toBe(seed.cabinets[0]!.enrollmentCode);
      expect((await new FakeAppliance(cp.url).enroll(again.cabinets[0]!.enrollmentCode)).status).toBe(201);
    } finally {
      expect(await cp.process.stop()).toBe(0);
    }
  });

  it('runs its three appliances enrolled and pinned to the vendor keys', async () => {
    const dataDir = path.join(root, 'pinned-control-plane');
    const cp = await startDemoControlPlane({ dataDir, port: 0 });
    let appliances: DemoAppliance[] = [];
    try {
      const seed = await seedDemo(dataDir);
      appliances = await startDemoAppliances(cp.url, seed, { root: path.join(root, 'appliances'), anyPort: true });
      for (const a of appliances) {
        const license = await runApplianceCli(path.join(root, 'appliances', a.id), ['license', 'show', '--json']);
        expect(license.code, license.stderr).toBe(0);
        expect({ id: a.id, state: license.json.state, vendorKeysPinned: license.json.vendorKeysPinned }).toEqual({
          id: a.id,
          state: 'valid',
          vendorKeysPinned: true,
        });
        expect(license.json.warnings.some((w: string) => w.includes('VENDOR_KEY_PINS'))).toBe(false);
      }
      // The fleet knows each of them at once: a heartbeat at enrollment, one with the seeded usage.
      const fleet = await waitFor(
        async () => (await api(cp.url, seed.admin.token, 'GET', '/api/v1/fleet')).body.appliances as any[],
        (list) => list.length === 3 && list.every((a) => a.usage?.casesOpen === 3),
        { what: 'the fleet to show the three demo appliances with their cases' },
      );
      for (const a of fleet) {
        expect(a.lastHeartbeatAt, a.cabinetId).not.toBeNull();
        expect(a.status, a.cabinetId).not.toBe('pending');
        expect(a.usage, a.cabinetId).toMatchObject({ usersActive: 2, casesOpen: 3 });
      }
    } finally {
      await Promise.all(appliances.map((a) => a.process.stop()));
      expect(await cp.process.stop()).toBe(0);
    }
  }, 120_000);
});
