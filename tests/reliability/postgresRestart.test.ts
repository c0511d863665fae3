/**
 * PostgreSQL stopped and started again under a steady heartbeat load on two `serve` nodes
 * (issue 20; docs/control-plane-postgres.md, "Multi-node tests"). While it is away both nodes
 * answer 503 `database_unavailable` — heartbeats and `/healthz` — and keep running; once it is
 * back they accept heartbeats again by themselves (the pool drops the dead connections and opens
 * new ones), without a restart. Appliances retry a refused heartbeat as they would, alternating
 * nodes; afterwards every heartbeat answered 202 is in the database, each once, and applied.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type FakeAppliance } from '../support/controlPlane.js';
import type { KillableService } from '../support/killable.js';
import {
  enrollFleet,
  expectEveryHeartbeatSettled,
  nodeDataDir,
  postHeartbeat,
  startNode,
  startSharedDatabase,
  storedHeartbeats,
  type SharedDatabase,
} from '../support/multiNode.js';

const APPLIANCES = 10;
/** The appliances' pause before retrying a refused heartbeat: load, not a wait for an outcome (no check depends on it). */
const RETRY_PAUSE_MS = 50;

type Phase = 'before' | 'down' | 'after';

interface Sent {
  appliance: FakeAppliance;
  acked: Set<number>;
  /** Refused 503 on one attempt, yet committed: the retry found it (`replayed_sequence`). */
  foundOnRetry: Set<number>;
}

/** Resolves when `test()` holds, checked each time `notify()` is called. */
class Condition {
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
  notify(): void {
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }
}

describe('PostgreSQL restarted under load', () => {
  let db: SharedDatabase;
  const services: KillableService[] = [];
  let nodes: string[];

  beforeAll(async () => {
    db = await startSharedDatabase('pg_restart');
    const started = await Promise.all([startNode(db, nodeDataDir('node-a')), startNode(db, nodeDataDir('node-b'))]);
    services.push(...started.map((n) => n.service));
    nodes = started.map((n) => n.url);
  }, 240_000);

  afterAll(async () => {
    for (const service of services) await service.kill();
    await db?.cluster.destroy();
  });

  it('answers 503 database_unavailable on both nodes while it is away, and both recover without a restart, losing nothing', async () => {
    const fleet: Sent[] = (await enrollFleet(nodes, db.token, APPLIANCES, 'restart')).map((appliance) => ({
      appliance,
      acked: new Set(),
      foundOnRetry: new Set(),
    }));
    let phase: Phase = 'before';
    const acks: Record<Phase, number> = { before: 0, down: 0, after: 0 };
    const refusedWhileDown = new Map<string, number>(nodes.map((n) => [n, 0]));
    const firstAcceptAfter = new Map<string, number>();
    const unexpected: string[] = [];
    const changed = new Condition();
    let stopped = false;

    const writer = async (entry: Sent, w: number) => {
      for (let h = w; !stopped;) {
        const payload = entry.appliance.payload();
        const jws = await entry.appliance.sign(payload);
        for (let attempt = 0; ; attempt++, h++) {
          const url = nodes[h % 2]!;
          const answer = await postHeartbeat(url, jws).catch((err: unknown) => ({ status: 0, error: (err as Error).message }));
          if (answer.status === 202) {
            entry.acked.add(payload.seq);
            acks[phase]++;
            if (phase === 'after' && !firstAcceptAfter.has(url)) firstAcceptAfter.set(url, Date.now());
          } else if (answer.status === 409 && answer.error === 'replayed_sequence' && attempt > 0) {
            entry.foundOnRetry.add(payload.seq);
          } else if (answer.status === 503 && answer.error === 'database_unavailable') {
            if (phase === 'down') refusedWhileDown.set(url, refusedWhileDown.get(url)! + 1);
            changed.notify();
            await pause(RETRY_PAUSE_MS);
            continue;
          } else {
            unexpected.push(`${url} ${phase}: ${JSON.stringify(answer)}`);
          }
          h++;
          break;
        }
        changed.notify();
      }
    };
    const writers = Promise.all(fleet.map((entry, w) => writer(entry, w)));

    let restartedAt = 0;
    const down = { health: [] as Awaited<ReturnType<typeof api>>[] };
    try {
      await changed.until(() => acks.before >= 40 || unexpected.length > 0);

      const stoppedAt = Date.now();
      phase = 'down';
      await db.cluster.stop('fast');
      await changed.until(() => [...refusedWhileDown.values()].every((n) => n > 0) || unexpected.length > 0);
      const dead = services.find((service) => service.child.exitCode !== null || service.child.signalCode !== null);
      if (dead) throw new Error(`a node exited while PostgreSQL was away:\n${dead.output().slice(-4000)}`);
      down.health = await Promise.all(nodes.map((url) => api(url, undefined, 'GET', '/healthz')));
      const detectedMs = Date.now() - stoppedAt;

      await db.cluster.start();
      restartedAt = Date.now();
      phase = 'after';
      await changed.until(() => firstAcceptAfter.size === nodes.length || unexpected.length > 0);
      const recovered = nodes.map((url) => firstAcceptAfter.get(url)! - restartedAt);
      const acksAtRecovery = acks.after;
      await changed.until(() => acks.after >= acksAtRecovery + 40 || unexpected.length > 0);
      const health = await Promise.all(nodes.map((url) => api(url, undefined, 'GET', '/healthz')));

      stopped = true;
      await writers;
      const stored = await storedHeartbeats(db.url);
      const foundOnRetry = fleet.reduce((n, e) => n + e.foundOnRetry.size, 0);
      console.log(
        `postgres restart: ${acks.before} heartbeats acknowledged before the stop, ${acks.down} while it stopped, ${acks.after} after; ` +
          `503 database_unavailable while away: ${[...refusedWhileDown.values()].join(' and ')} (A and B, first within ${detectedMs} ms of the stop); ` +
          `first 202 after the start: A ${recovered[0]} ms, B ${recovered[1]} ms; ${foundOnRetry} refused yet committed, found on retry; ${stored.rows} rows in heartbeats`,
      );

      expect(unexpected).toEqual([]);
      for (const res of down.health) {
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ ok: false, error: 'database_unavailable' });
        expect(res.body.message).toContain('cannot be reached');
      }
      for (const res of health) expect(res.body).toMatchObject({ ok: true, database: 'ok' });
      for (const service of services) expect(service.child.exitCode, 'a node exited').toBeNull();
      expectEveryHeartbeatSettled(fleet, stored);
    } finally {
      stopped = true;
      await db.cluster.start();
      await writers;
    }
  }, 300_000);
});
