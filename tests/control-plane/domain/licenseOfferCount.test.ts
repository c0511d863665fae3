/**
 * The license offered in a heartbeat's answer is counted with the heartbeat itself
 * (licenseConformity.judgeHeartbeat: in the journal entry on the files, in the heartbeat's
 * transaction on PostgreSQL), not by a write of the answer's own: an appliance that keeps
 * refusing its license must not cost the control plane a durable file write per heartbeat. The
 * answer writes (ApplianceStore.update) only when it renews the license.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../../control-plane/src/config.js';
import { openControlPlane, type ControlPlane } from '../../../control-plane/src/controlPlane.js';
import { ControlPlaneMetrics } from '../../../control-plane/src/metrics.js';
import { createServedApp } from '../../../control-plane/src/server.js';
import { FakeAppliance, tempDir } from '../../support/controlPlane.js';

interface Served {
  cp: ControlPlane;
  url: string;
  updates: () => number;
  close(): Promise<void>;
}

const open: Served[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** The control plane on DATA_DIR in this process, its appliance store's updates counted. */
async function serve(dataDir: string): Promise<Served> {
  const cp = await openControlPlane(readConfig({ DATA_DIR: dataDir }, '/nonexistent/.env'), createLogger('license-offers', 'silent'));
  let updates = 0;
  const update = cp.appliances.update.bind(cp.appliances);
  (cp.appliances as { update: typeof update }).update = (id, change) => {
    updates += 1;
    return update(id, change);
  };
  const server = http.createServer((await createServedApp(cp, new ControlPlaneMetrics())).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const served: Served = {
    cp,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    updates: () => updates,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await cp.close();
    },
  };
  open.push(served);
  return served;
}

describe('a license offered in a heartbeat answer', () => {
  it('is counted with the heartbeat, durably, without a write of the answer; a renewal writes once and counts its first offer', async () => {
    const dataDir = tempDir('cp-license-offers-');
    const first = await serve(dataDir);
    const { enrollmentCode } = await first.cp.cabinets.createCabinet(
      { id: 'cab-offers', name: 'Cabinet Offres', plan: 'starter', address: '1 rue de la Paix, 75002 Paris', siret: '73282932000074' },
      'admin@vendor.example',
      new Date(),
    );
    const appliance = new FakeAppliance(first.url);
    expect((await appliance.enroll(enrollmentCode)).status).toBe(201);

    // A v1 appliance reporting another expiry does not run its license: every answer offers it.
    for (let i = 0; i < 4; i++) {
      const res = await appliance.send(
        await appliance.sign(
          appliance.payload({ health: { ...appliance.payload().health, licenseExpiresAt: '2030-01-01T00:00:00.000Z' } }),
        ),
      );
      expect(res.status).toBe(202);
      expect(res.body.license).toBe(appliance.license);
    }
    expect(first.updates()).toBe(0);
    expect((await first.cp.appliances.get(appliance.applianceId))!.licenseOffers).toBe(4);

    // Running it: nothing offered, nothing written.
    const runs = await appliance.send(await appliance.sign(appliance.payload()));
    expect(runs.body.license).toBeUndefined();
    expect(first.updates()).toBe(0);

    // Kept across a restart (journal and checkpoint), not counted twice.
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = await serve(dataDir);
    appliance.url = second.url;
    expect((await second.cp.appliances.get(appliance.applianceId))!.licenseOffers).toBe(4);

    // A plan change makes the license stale: the answer renews it (one write) and that answer is
    // the new license's first offer.
    await second.cp.cabinets.updateCabinet('cab-offers', { plan: 'professional' }, 'admin@vendor.example', new Date());
    const renewed = await appliance.send(await appliance.sign(appliance.payload()));
    expect(renewed.body.license).toEqual(expect.any(String));
    expect(renewed.body.license).not.toBe(appliance.license);
    expect(second.updates()).toBe(1);
    expect((await second.cp.appliances.get(appliance.applianceId))!.licenseOffers).toBe(1);
  });
});
