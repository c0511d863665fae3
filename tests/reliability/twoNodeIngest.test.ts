/**
 * Two `serve` processes on one PostgreSQL database (issue 20; docs/control-plane-postgres.md,
 * "Multi-node tests"): 200 appliances spread their heartbeats over both nodes and send every one
 * to the other node at the same moment, as an appliance retrying through a load balancer would —
 * each counted once, by the `heartbeats` key and the appliance's row lock. Then two closes of the
 * same month at once, one per node: one set of invoices numbered without gap (art. 242 nonies A,
 * I-2° annexe II CGI: a continuous series), the other refused `month_already_closed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type FakeAppliance } from '../support/controlPlane.js';
import { clockAt } from '../support/billing.js';
import type { KillableService } from '../support/killable.js';
import {
  enrollFleet,
  nodeDataDir,
  postHeartbeat,
  queryDatabase,
  startNode,
  startSharedDatabase,
  storedHeartbeats,
  type SharedDatabase,
} from '../support/multiNode.js';

const APPLIANCES = 200;
const HEARTBEATS_EACH = 3;
/** Appliances sending at once (each waits for both answers before its next heartbeat). */
const CONCURRENCY = 20;

describe('two serve nodes on one database', () => {
  let db: SharedDatabase;
  const dirs = { a: nodeDataDir('node-a'), b: nodeDataDir('node-b') };
  const services: KillableService[] = [];
  let a: string;
  let b: string;
  let fleet: FakeAppliance[];

  beforeAll(async () => {
    db = await startSharedDatabase('two_node_ingest');
    // Both at once: one migrates (or finds it done), the other waits on the advisory lock.
    const [na, nb] = await Promise.all([startNode(db, dirs.a), startNode(db, dirs.b)]);
    services.push(na.service, nb.service);
    a = na.url;
    b = nb.url;
  }, 240_000);

  afterAll(async () => {
    for (const service of services) await service.kill();
    await db?.cluster.destroy();
  });

  it(`counts each heartbeat of ${APPLIANCES} appliances once, though each is sent to both nodes at the same moment`, async () => {
    fleet = await enrollFleet([a, b], db.token, APPLIANCES);
    const answers = { accepted: 0, replayed: 0 };
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < APPLIANCES; i = next++) {
        const appliance = fleet[i]!;
        for (let h = 0; h < HEARTBEATS_EACH; h++) {
          // Alternately to A and B; the copy (the retry) to the other node at the same moment.
          const [first, copy] = (i + h) % 2 === 0 ? [a, b] : [b, a];
          const payload = appliance.payload();
          const jws = await appliance.sign(payload);
          const both = await Promise.all([postHeartbeat(first, jws), postHeartbeat(copy, jws)]);
          const accepted = both.filter((r) => r.status === 202);
          const at = `appliance ${i} seq ${payload.seq}: ${JSON.stringify(both)}`;
          expect(accepted, at).toHaveLength(1);
          expect(
            both.find((r) => r.status !== 202),
            at,
          ).toEqual({ status: 409, error: 'replayed_sequence' });
          answers.accepted++;
          answers.replayed++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const stored = await storedHeartbeats(db.url);
    console.log(
      `two nodes: ${APPLIANCES} appliances, ${answers.accepted} heartbeats acknowledged once and ${answers.replayed} copies refused replayed_sequence; ` +
        `${stored.rows} rows in heartbeats`,
    );
    expect(stored.rows).toBe(APPLIANCES * HEARTBEATS_EACH);
    for (const appliance of fleet) {
      expect([...(stored.seqs.get(appliance.applianceId) ?? [])].sort(), appliance.applianceId).toEqual([1, 2, 3]);
      expect(stored.lastSeq.get(appliance.applianceId), appliance.applianceId).toBe(HEARTBEATS_EACH);
    }
  }, 600_000);

  it('closes a month once when both nodes are asked to close it at the same moment: one invoice series without gap', async () => {
    expect(fleet, 'the ingest case enrolls the cabinets billed here').toBeDefined();
    // The cabinets were active this month; the close runs once it is over (art. 289, I-3 CGI):
    // both nodes restarted on the same DATA_DIRs with their clock on the 2nd of next month.
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    const following = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2, 8));
    for (const service of services.splice(0)) await service.kill('SIGTERM');
    const env = clockAt(following.toISOString());
    const [na, nb] = await Promise.all([startNode(db, dirs.a, env), startNode(db, dirs.b, env)]);
    services.push(na.service, nb.service);

    const route = `/api/v1/billing/months/${month}/close`;
    const both = await Promise.all([api(na.url, db.token, 'POST', route), api(nb.url, db.token, 'POST', route)]);
    const winner = both.find((r) => r.status === 201);
    const loser = both.find((r) => r.status !== 201);
    expect(winner, JSON.stringify(both.map((r) => [r.status, r.body]))).toBeDefined();
    expect(loser?.status, JSON.stringify(loser?.body)).toBe(409);
    expect(loser?.body.error).toBe('month_already_closed');

    const year = following.getUTCFullYear();
    const invoices = await queryDatabase<{ number: string; series_number: number; cabinet_id: string }>(
      db.url,
      'SELECT number, series_number, cabinet_id FROM invoices WHERE month = $1 ORDER BY series_number',
      [month],
    );
    console.log(
      `two nodes: ${month} closed once, ${invoices.length} invoices ${invoices[0]?.number} … ${invoices.at(-1)?.number}; the other close ${loser?.body.error}`,
    );
    expect(invoices).toHaveLength(APPLIANCES);
    expect(invoices.map((i) => i.number)).toEqual(
      Array.from({ length: APPLIANCES }, (_, n) => `F-${year}-${String(n + 1).padStart(6, '0')}`),
    );
    expect(new Set(invoices.map((i) => i.cabinet_id)).size).toBe(APPLIANCES);
    expect((winner!.body.invoices as { number: string }[]).map((i) => i.number).sort()).toEqual(invoices.map((i) => i.number));
    const held = await queryDatabase<{ n: string }>(db.url, 'SELECT count(*) AS n FROM held_invoices');
    expect(Number(held[0]!.n)).toBe(0);
  }, 300_000);
});
