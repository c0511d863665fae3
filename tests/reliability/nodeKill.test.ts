/**
 * One of two `serve` nodes on one PostgreSQL database SIGKILLed during ingest, again and again
 * (issue 20; docs/control-plane-postgres.md, "Multi-node tests"). Appliances send heartbeats
 * alternately to node A and node B; a request to B that fails or goes unanswered (B killed under
 * it, or not yet back) is sent again to A, as an appliance behind a load balancer would. B is
 * killed once it has acknowledged a few heartbeats of its life — with others in flight — and
 * restarted at once. Afterwards every heartbeat any node acknowledged is a row of `heartbeats` and
 * applied (`appliances.last_seq`), each one once, and A never failed a request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeAppliance } from '../support/controlPlane.js';
import { seededRandom, summary, type KillableService } from '../support/killable.js';
import {
  enrollFleet,
  expectEveryHeartbeatSettled,
  nodeDataDir,
  postHeartbeat,
  spawnNode,
  startNode,
  startSharedDatabase,
  storedHeartbeats,
  type HeartbeatAnswer,
  type SharedDatabase,
} from '../support/multiNode.js';

const KILLS = Number(process.env.RELIABILITY_NODE_KILLS ?? 50);
const APPLIANCES = 16;

interface Sent {
  appliance: FakeAppliance;
  /** Sequences a node answered 202. */
  acked: Set<number>;
  /** Sequences B recorded but could not answer (killed): A's retry found them, `replayed_sequence`. */
  foundOnRetry: Set<number>;
}

describe('a node SIGKILLed during ingest', () => {
  let db: SharedDatabase;
  let a: { url: string; service: KillableService };
  const bDir = nodeDataDir('node-b');
  let b: KillableService | undefined;

  beforeAll(async () => {
    db = await startSharedDatabase('node_kill');
    a = await startNode(db, nodeDataDir('node-a'));
  }, 240_000);

  afterAll(async () => {
    await b?.kill();
    await a?.service.kill();
    await db?.cluster.destroy();
  });

  it(`loses no acknowledged heartbeat across ${KILLS} kills of one node, while the other answers every request`, async () => {
    const fleet: Sent[] = (await enrollFleet([a.url], db.token, APPLIANCES, 'kill')).map((appliance) => ({
      appliance,
      acked: new Set(),
      foundOnRetry: new Set(),
    }));
    const random = seededRandom(2_020);
    const figures = { onA: 0, onB: 0, retriedOnA: 0, bFailures: new Map<string, number>() };
    let bUrl: string | undefined;
    // Wakes the kill loop when B has acknowledged the number of heartbeats it waits for.
    let bAcksThisLife = 0;
    let bAckWaiter: { count: number; resolve: () => void } | undefined;
    let stopped = false;
    let writerError: unknown;
    let failWriters: (err: unknown) => void = () => undefined;
    const writerFailed = new Promise<never>((_, reject) => (failWriters = reject));
    writerFailed.catch(() => undefined);

    const onB = async (url: string, jws: string): Promise<HeartbeatAnswer | string> => {
      try {
        return await postHeartbeat(url, jws);
      } catch (err) {
        return ((err as Error).cause as { code?: string } | undefined)?.code ?? (err as Error).message;
      }
    };

    const writer = async (entry: Sent, w: number) => {
      for (let h = w; !stopped; h++) {
        const payload = entry.appliance.payload();
        const jws = await entry.appliance.sign(payload);
        const url = bUrl;
        if (h % 2 === 1 && url) {
          const answer = await onB(url, jws);
          if (typeof answer !== 'string' && answer.status === 202) {
            entry.acked.add(payload.seq);
            figures.onB++;
            bAcksThisLife++;
            if (bAckWaiter && bAcksThisLife >= bAckWaiter.count) bAckWaiter.resolve();
            continue;
          }
          // Killed under the request, or not listening yet: the appliance retries on the other node.
          const reason = typeof answer === 'string' ? answer : `${answer.status} ${answer.error}`;
          figures.bFailures.set(reason, (figures.bFailures.get(reason) ?? 0) + 1);
          figures.retriedOnA++;
        }
        const answer = await postHeartbeat(a.url, jws);
        if (answer.status === 202) {
          entry.acked.add(payload.seq);
          figures.onA++;
        } else if (answer.status === 409 && answer.error === 'replayed_sequence' && h % 2 === 1) {
          entry.foundOnRetry.add(payload.seq); // B committed it, then died before its answer left
        } else {
          throw new Error(`node A answered ${JSON.stringify(answer)} to ${entry.appliance.applianceId} seq ${payload.seq}`);
        }
      }
    };
    const writers = Promise.all(
      fleet.map((entry, w) =>
        writer(entry, w).catch((err: unknown) => {
          writerError ??= err;
          failWriters(err);
        }),
      ),
    );

    const started = Date.now();
    const startups: number[] = [];
    let kills = 0;
    try {
      for (; kills < KILLS; kills++) {
        b = spawnNode(db, bDir);
        const port = await Promise.race([b.listening, writerFailed]);
        if (port === null) throw new Error(`node B died before listening:\n${b.output().slice(-3000)}`);
        startups.push(b.startupMs!);
        bAcksThisLife = 0;
        // Killed once it has acknowledged 1 to 4 heartbeats: with the others' requests in flight.
        const count = 1 + Math.floor(random() * 4);
        const acknowledged = new Promise<void>((resolve) => (bAckWaiter = { count, resolve }));
        bUrl = `http://127.0.0.1:${port}`;
        await Promise.race([acknowledged, writerFailed]);
        await b.kill();
        bUrl = undefined;
      }
    } finally {
      stopped = true;
      await b?.kill();
      await writers;
    }
    if (writerError !== undefined) throw writerError;
    const seconds = Math.round((Date.now() - started) / 1000);

    const stored = await storedHeartbeats(db.url);
    const restart = summary(startups);
    const cut = [...figures.bFailures].map(([reason, n]) => `${reason} ×${n}`).join(', ');
    const foundOnRetry = fleet.reduce((n, e) => n + e.foundOnRetry.size, 0);
    console.log(
      `node kill: ${kills} SIGKILLs of B; ${figures.onA + figures.onB} heartbeats acknowledged (${figures.onA} by A, ${figures.onB} by B), ` +
        `${figures.retriedOnA} requests to B retried on A (${cut}), ${foundOnRetry} of them recorded by B before its kill; ` +
        `${stored.rows} rows in heartbeats; B's restart to "listening" median ${restart.median} ms, p95 ${restart.p95} ms; ${seconds} s`,
    );
    expect(kills).toBe(KILLS);
    // Every heartbeat sent was settled (acknowledged, or found recorded), each stored once, all applied.
    expectEveryHeartbeatSettled(fleet, stored);
    expect(figures.onB).toBeGreaterThanOrEqual(KILLS);
    expect(a.service.child.exitCode).toBeNull();
  }, 600_000);
});
