/**
 * Fleet alerts on the storage seam (docs/control-plane-postgres.md): through `FleetMonitor`, the
 * same cases over DATA_DIR's fleet-alerts.json and over PostgreSQL (two pools standing for two
 * nodes). What a check records, what it leaves alone, and that two checks at once record each
 * transition once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { readConfig } from '../../../control-plane/src/config.js';
import { ApplianceRegistry } from '../../../control-plane/src/domain/appliances.js';
import { CabinetRegistry } from '../../../control-plane/src/domain/cabinets.js';
import { FLEET_CHECK_JOB, FleetMonitor } from '../../../control-plane/src/domain/fleetMonitor.js';
import { PlanCatalog } from '../../../control-plane/src/domain/planCatalog.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import { MAX_TRANSITIONS, type StatusTransition } from '../../../control-plane/src/storage/fleetAlertRecords.js';
import { EmbeddedApplianceStore } from '../../../control-plane/src/storage/embedded/applianceStore.js';
import { EmbeddedCabinetStore } from '../../../control-plane/src/storage/embedded/cabinetStore.js';
import { EmbeddedFleetAlertStore } from '../../../control-plane/src/storage/embedded/fleetAlertStore.js';
import { EmbeddedJobLeases } from '../../../control-plane/src/storage/embedded/jobLeases.js';
import { EmbeddedPlanStore } from '../../../control-plane/src/storage/embedded/planStore.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresCabinetStore } from '../../../control-plane/src/storage/postgres/cabinetStore.js';
import { PostgresFleetAlertStore } from '../../../control-plane/src/storage/postgres/fleetAlertStore.js';
import { PostgresJobLeases } from '../../../control-plane/src/storage/postgres/jobLeases.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import type { Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { ApplianceStore, CabinetStore, FleetAlertStore, JobLeases } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { lockWaiters, usePostgres } from '../../support/postgresPools.js';
import { applianceRecord, cabinetRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const HOUR_MS = 3_600_000;

/** One node's stores on the shared state. */
interface Node {
  cabinets: CabinetStore;
  appliances: ApplianceStore;
  alerts: FleetAlertStore;
  leases: JobLeases;
}

interface State {
  /** Another node on the same state (PostgreSQL: another pool; the files: the one process's stores). */
  node(): Promise<Node>;
  /** PostgreSQL only: a connection of its own, to hold locks the nodes must wait behind. */
  db?: Database;
  dataDir?: string;
}

const backends: [string, () => Promise<State>][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-alerts-');
      const quarantine = await RecordQuarantine.open(dir, () => T0, log);
      const appliances = new EmbeddedApplianceStore(await ApplianceRegistry.open(dir, log, quarantine));
      const only: Node = {
        appliances,
        cabinets: await EmbeddedCabinetStore.open(dir, appliances, { log, onUnreadable: quarantine.take }),
        alerts: await EmbeddedFleetAlertStore.open(dir, { log, onUnreadable: quarantine.take }),
        leases: new EmbeddedJobLeases(),
      };
      return { node: () => Promise.resolve(only), dataDir: dir };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.cluster.createDatabase('alerts');
      const db = pg.pool(url, 2);
      await migrate(db);
      return {
        node: () => {
          const node = pg.pool(url, 4);
          return Promise.resolve({
            cabinets: new PostgresCabinetStore(node),
            appliances: new PostgresApplianceStore(node),
            alerts: new PostgresFleetAlertStore(node),
            leases: new PostgresJobLeases(node),
          });
        },
        db,
      };
    },
  ],
];

const config = readConfig({ DATA_DIR: tempDir('cp-alerts-config-') }, '/nonexistent/.env');

/** A node's fleet monitor, on a clock the test moves by hand. */
async function monitorOn(node: Node, clock: () => Date): Promise<FleetMonitor> {
  const plans = await PlanCatalog.open(await EmbeddedPlanStore.open(tempDir('cp-alerts-plans-'), log));
  return new FleetMonitor(
    node.alerts,
    { cabinets: new CabinetRegistry(node.cabinets, plans), appliances: node.appliances, plans, config, clock },
    log,
  );
}

/** Two cabinets, each with one appliance enrolled at T0 and never heard from since (pending). */
async function enrolled(node: Node): Promise<void> {
  for (const id of ['dupont', 'martin']) {
    await node.cabinets.create(cabinetRecord(id, `code-${id}`, T0.toISOString()));
    await node.appliances.create(applianceRecord(`app-${id}`, id, T0.toISOString()));
  }
}

const at = (hours: number) => new Date(T0.getTime() + hours * HOUR_MS);

describe.each(backends)('fleet alerts (%s)', (name, backend) => {
  it('records each change once, with its time and reasons, and every node reads the same', async () => {
    const state = await backend();
    const [a, b] = [await state.node(), await state.node()];
    await enrolled(a);
    let now = at(0);
    const [ma, mb] = [await monitorOn(a, () => now), await monitorOn(b, () => now)];
    // Enrolled, not heard from yet: tracked as pending, which is no news.
    expect(await ma.check()).toBe(0);
    expect(Object.fromEntries(await mb.recorded())).toEqual({
      'app-dupont': { status: 'pending', since: T0.toISOString() },
      'app-martin': { status: 'pending', since: T0.toISOString() },
    });
    // Two days without a heartbeat: both offline, noticed now, each reason with its own "since".
    now = at(48);
    expect(await ma.check()).toBe(2);
    const offline = (id: string, cabinetId: string) => ({
      applianceId: id,
      cabinetId,
      from: 'pending',
      to: 'offline',
      at: now.toISOString(),
      raised: ['offline'],
      cleared: ['pending'],
      reasons: [
        {
          code: 'offline',
          level: 'offline',
          message: `no heartbeat since enrollment (${T0.toISOString()}): 24 h or more`,
          since: at(24).toISOString(),
          value: null,
        },
      ],
    });
    // Newest first: martin's was recorded after dupont's.
    expect(await mb.alerts({ limit: 10 })).toEqual([offline('app-martin', 'martin'), offline('app-dupont', 'dupont')]);
    expect((await mb.recorded()).get('app-dupont')).toEqual({ status: 'offline', since: now.toISOString() });
    // The other node checking later finds nothing new: the stored status, not its own memory, decides.
    now = at(49);
    expect(await mb.check()).toBe(0);
    expect(await ma.alerts({ limit: 10 })).toHaveLength(2);
    expect((await ma.recorded()).get('app-martin')).toEqual({ status: 'offline', since: at(48).toISOString() });
    // The filters of /api/v1/alerts.
    expect((await mb.alerts({ cabinetId: 'dupont', limit: 10 })).map((t) => t.applianceId)).toEqual(['app-dupont']);
    expect((await mb.alerts({ applianceId: 'app-martin', limit: 10 })).map((t) => t.applianceId)).toEqual(['app-martin']);
    expect(await mb.alerts({ status: 'offline', limit: 10 })).toHaveLength(2);
    expect(await mb.alerts({ status: 'healthy', limit: 10 })).toEqual([]);
    expect((await mb.alerts({ limit: 1 })).map((t) => t.applianceId)).toEqual(['app-martin']);
  });

  it('stops tracking a revoked appliance, without a transition', async () => {
    const state = await backend();
    const node = await state.node();
    await enrolled(node);
    const monitor = await monitorOn(node, () => at(48));
    expect(await monitor.check()).toBe(2);
    await node.appliances.revoke('app-martin', at(49));
    expect(await monitor.check()).toBe(0);
    expect([...(await monitor.recorded()).keys()]).toEqual(['app-dupont']);
    expect(await monitor.alerts({ limit: 10 })).toHaveLength(2);
  });

  it('two nodes checking at once record each transition once', async () => {
    const state = await backend();
    const [a, b] = [await state.node(), await state.node()];
    await enrolled(a);
    const [ma, mb] = [await monitorOn(a, () => at(48)), await monitorOn(b, () => at(48))];
    let both: Promise<number[]> | undefined;
    if (state.db) {
      const holder = state.db;
      // A third connection holds the alerts' table lock until both checks wait for it: both then
      // start from the same committed state (nothing recorded), so a store that compared without
      // its lock would record every transition twice.
      await holder.transaction(async (client) => {
        await client.query('LOCK TABLE fleet_alerts_current IN SHARE ROW EXCLUSIVE MODE');
        both = Promise.all([ma.check(), mb.check()]);
        await lockWaiters(holder, 2, 'both checks waiting on the alerts lock');
        both.catch(() => {});
      });
    } else both = Promise.all([ma.check(), mb.check()]);
    expect((await both!).sort()).toEqual([0, 2]);
    expect((await ma.alerts({ limit: 10 })).map((t) => t.applianceId)).toEqual(['app-martin', 'app-dupont']);
  });

  it('the periodic check runs on the node holding the lease fleet-check, given up on close', async () => {
    const state = await backend();
    const [a, b] = [await state.node(), await state.node()];
    await enrolled(a);
    const [ma, mb] = [await monitorOn(a, () => at(48)), await monitorOn(b, () => at(48))];
    // An interval no test outlives: only the first check, at start, runs.
    await ma.start(86_400, { leases: a.leases, holder: 'node-a' });
    await mb.start(86_400, { leases: b.leases, holder: 'node-b' });
    expect(await ma.alerts({ limit: 10 })).toHaveLength(2);
    expect(await b.leases.acquire(FLEET_CHECK_JOB, 'node-b', 60_000, at(48))).toBe(false);
    await ma.close();
    expect(await b.leases.acquire(FLEET_CHECK_JOB, 'node-b', 60_000, at(48))).toBe(true);
    await mb.close();
  });

  it(`keeps the newest ${MAX_TRANSITIONS} transitions`, async () => {
    const state = await backend();
    const node = await state.node();
    await enrolled(node);
    const transition = (i: number): StatusTransition => ({
      applianceId: i % 2 ? 'app-martin' : 'app-dupont',
      cabinetId: i % 2 ? 'martin' : 'dupont',
      from: 'pending',
      to: 'offline',
      at: new Date(T0.getTime() + i * 1000).toISOString(),
      raised: [`n${i}`],
      cleared: [],
      reasons: [],
    });
    const add = (from: number, count: number) =>
      node.alerts.record(() => ({
        set: new Map(),
        forget: [],
        transitions: Array.from({ length: count }, (_, k) => transition(from + k)),
      }));
    await add(0, MAX_TRANSITIONS - 1);
    await add(MAX_TRANSITIONS - 1, 6);
    const kept = await node.alerts.transitions({ limit: MAX_TRANSITIONS + 10 });
    expect(kept).toHaveLength(MAX_TRANSITIONS);
    expect(kept[0]!.raised).toEqual([`n${MAX_TRANSITIONS + 4}`]);
    expect(kept.at(-1)!.raised).toEqual(['n5']);
  });

  it('a change refused half-way records nothing', async () => {
    const state = await backend();
    const node = await state.node();
    await enrolled(node);
    const monitor = await monitorOn(node, () => at(48));
    await expect(
      node.alerts.record(() => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await monitor.recorded()).toEqual(new Map());
    expect(await monitor.check()).toBe(2);
  });

  it(
    name === 'PostgreSQL' ? 'refuses a row that does not fit, naming its table and key' : 'keeps the format of fleet-alerts.json',
    async () => {
      const state = await backend();
      const node = await state.node();
      await enrolled(node);
      const monitor = await monitorOn(node, () => at(48));
      await monitor.check();
      if (state.db) {
        await state.db.query(`UPDATE fleet_alerts_current SET record = '{"status":"sideways"}' WHERE appliance_id = 'app-martin'`);
        const refused = monitor.recorded();
        await expect(refused).rejects.toMatchObject({ code: 'database_record_invalid' });
        await expect(refused).rejects.toThrow(/fleet_alerts_current row app-martin does not fit this version's format \(status: /);
        await expect(monitor.check()).rejects.toMatchObject({ code: 'database_record_invalid' });
        const { rows } = await state.db.query<{ id: string }>(`SELECT id FROM fleet_alert_transitions ORDER BY id LIMIT 1`);
        await state.db.query(`UPDATE fleet_alert_transitions SET record = '{}' WHERE id = $1`, [rows[0]!.id]);
        await expect(monitor.alerts({ limit: 10 })).rejects.toThrow(`fleet_alert_transitions row ${rows[0]!.id} does not fit`);
      } else {
        const file = JSON.parse(fs.readFileSync(path.join(state.dataDir!, 'fleet-alerts.json'), 'utf8')) as Record<string, unknown>;
        expect(Object.keys(file)).toEqual(['current', 'transitions']);
        expect(file.current).toEqual({
          'app-dupont': { status: 'offline', since: at(48).toISOString(), codes: ['offline'] },
          'app-martin': { status: 'offline', since: at(48).toISOString(), codes: ['offline'] },
        });
        // Oldest first in the file; reopened, the same state.
        expect((file.transitions as StatusTransition[]).map((t) => t.applianceId)).toEqual(['app-dupont', 'app-martin']);
        const reopened = await EmbeddedFleetAlertStore.open(state.dataDir!, {
          log,
          onUnreadable: () => Promise.reject(new Error('unexpected')),
        });
        expect(await reopened.transitions({ limit: 10 })).toEqual(await monitor.alerts({ limit: 10 }));
      }
    },
  );
});

it('embedded files: an unreadable fleet-alerts.json is quarantined and the next check starts afresh', async () => {
  const dir = tempDir('cp-alerts-corrupt-');
  fs.writeFileSync(path.join(dir, 'fleet-alerts.json'), '{"current": {"app-a": ');
  const quarantine = await RecordQuarantine.open(dir, () => T0, log);
  const store = await EmbeddedFleetAlertStore.open(dir, { log, onUnreadable: quarantine.take });
  expect(await store.current()).toEqual(new Map());
  expect(quarantine.alerts()).toMatchObject([{ code: 'record_quarantined', file: 'fleet-alerts.json' }]);
});
