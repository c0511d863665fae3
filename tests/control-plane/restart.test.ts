import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeAppliance, api, createAdminToken, onPostgres, runCli, startControlPlane, tempDir } from '../support/controlPlane.js';

/**
 * Heartbeats are acknowledged once journaled (fsync), long before a checkpoint writes them into
 * the appliance files. A crash in between must lose none and, on replay, count none twice.
 * On PostgreSQL a heartbeat is acknowledged once committed: the same must hold, while what this
 * test reads of the journal and the appliance files is asked of the files only.
 */
describe('control plane restart', () => {
  const root = tempDir('cp-restart-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('keeps every acknowledged heartbeat across a SIGKILL and counts none twice', async () => {
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(dataDir);
    const token = await createAdminToken(dataDir, 'ops@vendor.test');
    const env = { CHECKPOINT_INTERVAL_SECONDS: '3600' }; // nothing reaches the appliance files but through replay
    let cp = await startControlPlane(dataDir, env);

    const appliances: FakeAppliance[] = [];
    for (const id of ['dupont', 'martin', 'bernard']) {
      const created = await api(cp.url, token, 'POST', '/api/v1/cabinets', { id, name: `Cabinet ${id}`, plan: 'professional' });
      const appliance = new FakeAppliance(cp.url);
      expect((await appliance.enroll(created.body.enrollmentCode)).status).toBe(201);
      appliances.push(appliance);
    }

    // 25 heartbeats per appliance, all in flight at once: some arrive out of order and are refused
    // as replayed; the rest are acknowledged.
    const acknowledged = new Map<string, { seq: number; jws: string }[]>();
    await Promise.all(
      appliances.map(async (appliance) => {
        const signed = [];
        for (let i = 0; i < 25; i++) {
          const payload = appliance.payload();
          signed.push({ seq: payload.seq, jws: await appliance.sign(payload) });
        }
        const results = await Promise.all(signed.map(async (hb) => ({ ...hb, res: await appliance.send(hb.jws) })));
        for (const r of results) expect([202, 409]).toContain(r.res.status);
        acknowledged.set(
          appliance.applianceId,
          results.filter((r) => r.res.status === 202),
        );
      }),
    );
    for (const list of acknowledged.values()) expect(list.length).toBeGreaterThan(0);

    const killed = await cp.stop('SIGKILL');
    expect(killed, cp.service.output().slice(-3000)).toBe(null);
    // The appliance files were never checkpointed: the journal alone holds the heartbeats.
    if (!onPostgres()) {
      for (const appliance of appliances) {
        const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'appliances', `${appliance.applianceId}.json`), 'utf8'));
        expect(file.lastSeq).toBe(0);
      }
    }

    cp = await startControlPlane(dataDir, env);
    for (const appliance of appliances) appliance.url = cp.url;
    try {
      if (!onPostgres()) expect(cp.service.output()).toContain('heartbeat journal replayed');
      const fleet = (await api(cp.url, token, 'GET', '/api/v1/fleet')).body.appliances as {
        applianceId: string;
        usage: { analysesUsed: number };
      }[];
      for (const appliance of appliances) {
        const acked = acknowledged.get(appliance.applianceId)!;
        const highest = Math.max(...acked.map((a) => a.seq));
        // The fake appliance reports analysesUsed = seq: the month's counters are the highest acknowledged.
        expect(fleet.find((f) => f.applianceId === appliance.applianceId)!.usage.analysesUsed).toBe(highest);
        for (const hb of acked) {
          const again = await appliance.send(hb.jws);
          expect(again.status).toBe(409);
          expect(again.body.error).toBe('replayed_sequence');
        }
        expect((await appliance.send(await appliance.sign(appliance.payload()))).status).toBe(202);
      }
    } finally {
      expect(await cp.stop()).toBe(0);
    }

    // A graceful stop checkpoints: the files now hold the state. The journal keeps the records since
    // the checkpoint before (a file recovered from its last good copy needs them), no more.
    if (!onPostgres()) {
      const segments = fs.readdirSync(path.join(dataDir, 'journal'));
      const journaled = segments.map((s) => fs.readFileSync(path.join(dataDir, 'journal', s), 'utf8')).join('');
      expect(journaled.split('\n').filter(Boolean)).toHaveLength(appliances.length); // the one heartbeat each sent after the restart
      for (const appliance of appliances) {
        const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'appliances', `${appliance.applianceId}.json`), 'utf8'));
        expect(file.lastSeq).toBe(appliance.seq);
        const month = Object.values(file.months)[0] as { seq: number; jws: string };
        expect(month.seq).toBe(appliance.seq);
        expect(month.jws.split('.')).toHaveLength(3);
      }
    }
    // And the CLI reads the same state with the server stopped.
    const cli = await runCli(dataDir, ['fleet', 'list', '--json']);
    expect(cli.json.appliances).toHaveLength(3);
  });
});
