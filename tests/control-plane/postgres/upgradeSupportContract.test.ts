/**
 * One contract, two implementations (docs/control-plane-postgres.md): upgrade requests and support
 * bundles go through the domain classes (UpgradeRequestBook, SupportBundleStore) with real signed
 * requests and uploads, over DATA_DIR's files and over PostgreSQL. With PostgreSQL, two pools on one
 * database are two nodes: a nonce is recorded once and the bounds hold when both race at them.
 * With the files one process holds DATA_DIR, so the "other node" is that same process.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  signSupportUpload,
  signUpgradeRequest,
  verificationKey,
  publicJwk,
  type KnownAppliance,
  type UpgradeRequestPayload,
} from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { MAX_BUNDLES_PER_CABINET, SupportBundleStore } from '../../../control-plane/src/domain/supportBundles.js';
import { MAX_OPEN_REQUESTS_PER_APPLIANCE, UpgradeRequestBook } from '../../../control-plane/src/domain/upgradeRequests.js';
import { EmbeddedJobLeases } from '../../../control-plane/src/storage/embedded/jobLeases.js';
import { EmbeddedSupportBundleArchive } from '../../../control-plane/src/storage/embedded/supportBundleArchive.js';
import { EmbeddedUpgradeRequestStore } from '../../../control-plane/src/storage/embedded/upgradeRequestStore.js';
import { PostgresJobLeases } from '../../../control-plane/src/storage/postgres/jobLeases.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { PostgresSupportBundleArchive } from '../../../control-plane/src/storage/postgres/supportBundleArchive.js';
import { PostgresUpgradeRequestStore } from '../../../control-plane/src/storage/postgres/upgradeRequestStore.js';
import type { JobLeases, SupportBundleArchive, UpgradeRequestStore } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { usePostgres } from '../../support/postgresPools.js';

const log = createLogger('test', 'silent');
const DAY_MS = 86_400_000;
/** Every request and upload is signed at T0 and received at T0 (the skew check passes). */
const T0 = new Date('2026-03-10T09:00:00.000Z');
const SKEW = 300;

const pg = usePostgres();

/** One node's view of the two aggregates. */
interface Node {
  requests: UpgradeRequestStore;
  bundles: SupportBundleArchive;
  leases: JobLeases;
}

/** A backend: `node()` is another node on the same state (PostgreSQL: another pool). */
type Backend = () => Promise<{ node: () => Promise<Node> }>;

const backends: [string, Backend][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-upsb-');
      const only: Node = {
        requests: await EmbeddedUpgradeRequestStore.open(dir, log),
        bundles: await EmbeddedSupportBundleArchive.open(dir, log),
        leases: new EmbeddedJobLeases(),
      };
      return { node: () => Promise.resolve(only) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.cluster.createDatabase('upsb');
      const pool = () => {
        const db = pg.pool(url, 8);
        return db;
      };
      await migrate(pool());
      return {
        node: () => {
          const db = pool();
          return Promise.resolve({
            requests: new PostgresUpgradeRequestStore(db),
            bundles: new PostgresSupportBundleArchive(db),
            leases: new PostgresJobLeases(db),
          });
        },
      };
    },
  ],
];

/** Two enrolled appliances with real keys, as the appliance registry would find them. */
const martin = { id: 'app-martin', cabinetId: 'martin', key: generateSigningKey() };
const dupont = { id: 'app-dupont', cabinetId: 'dupont', key: generateSigningKey() };
const finder = {
  async known(id: string): Promise<KnownAppliance | undefined> {
    const a = [martin, dupont].find((x) => x.id === id);
    if (!a) return undefined;
    return { publicKey: await verificationKey(publicJwk(a.key.publicKey)), cabinetId: a.cabinetId, revoked: false, lastSeq: 0 };
  },
};
const findAppliance = (id: string) => finder.known(id);

/** A nonce of 22+ base64url characters, distinct per `n`. */
const nonce = (n: number) => `bm9uY2UtZm9yLXRoZS10ZXN0${String(n).padStart(4, '0')}`;

function request(a: typeof martin, n: number): Promise<string> {
  const payload: UpgradeRequestPayload = {
    v: 1,
    iss: a.id,
    sub: a.cabinetId,
    jti: nonce(n),
    iat: Math.floor(T0.getTime() / 1000),
    licenseId: `license-${a.id}`,
    currentPlan: 'starter',
    wantedPlan: 'professional',
    limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
    usage: { month: '2026-03', usersActive: 1, casesOpen: 40, analysesUsed: 100 },
    message: 'Nos 100 analyses sont épuisées : appelez-nous.',
  };
  return signUpgradeRequest(payload, a.key.privateKey);
}

/** A distinct gzip bundle per `n`, its upload token and its SHA-256. */
async function upload(a: typeof martin, n: number, at = T0) {
  const bytes = gzipSync(Buffer.from(`diagnostics ${n} of ${a.id}\n`.repeat(50 + n)));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const token = await signSupportUpload(
    { iss: a.id, sub: a.cabinetId, iat: Math.floor(at.getTime() / 1000), sha256, size: bytes.length },
    a.key.privateKey,
  );
  return { bytes, sha256, token, base64: bytes.toString('base64') };
}

const book = (n: Node) => new UpgradeRequestBook(n.requests, finder, log);

describe.each(backends)('upgrade requests (%s)', (_name, backend) => {
  it('records a signed request once; the same nonce again, on any node, is replayed_request', async () => {
    const state = await backend();
    const [a, b] = [book(await state.node()), book(await state.node())];
    const jws = await request(martin, 1);
    const record = await a.accept(jws, T0, SKEW);
    expect(record).toMatchObject({ id: nonce(1), applianceId: 'app-martin', cabinetId: 'martin', status: 'open', jws });
    await expect(a.accept(jws, T0, SKEW)).rejects.toMatchObject({ code: 'replayed_request' });
    await expect(b.accept(jws, T0, SKEW)).rejects.toMatchObject({ code: 'replayed_request' });
    expect((await b.list()).map((r) => r.id)).toEqual([nonce(1)]);
  });

  it('two nodes receiving the same request at once: one records it, the other gets replayed_request', async () => {
    const state = await backend();
    const [a, b] = [book(await state.node()), book(await state.node())];
    const jws = await request(dupont, 2);
    const outcomes = await Promise.allSettled([a.accept(jws, T0, SKEW), b.accept(jws, T0, SKEW)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o.reason as { code: string }).code)).toEqual(['replayed_request']);
    expect(await a.list({ status: 'all' })).toHaveLength(1);
  });

  it(`holds an appliance to ${MAX_OPEN_REQUESTS_PER_APPLIANCE} open requests, even with two nodes racing at the bound`, async () => {
    const state = await backend();
    const [a, b] = [book(await state.node()), book(await state.node())];
    // 12 distinct requests of one appliance, half on each node, all at once: 5 recorded, 7 rate_limited.
    const signed = await Promise.all(Array.from({ length: 12 }, (_, i) => request(martin, 100 + i)));
    const outcomes = await Promise.allSettled(signed.map((jws, i) => (i % 2 ? a : b).accept(jws, T0, SKEW)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(MAX_OPEN_REQUESTS_PER_APPLIANCE);
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code: string }).code] : []));
    expect(refusals).toEqual(Array(12 - MAX_OPEN_REQUESTS_PER_APPLIANCE).fill('rate_limited'));
    expect(await a.list({ status: 'open' })).toHaveLength(MAX_OPEN_REQUESTS_PER_APPLIANCE);
    // Another appliance has its own bound.
    await a.accept(await request(dupont, 200), T0, SKEW);
    // One handled frees a place.
    const [first] = await b.list({ cabinetId: 'martin' });
    await b.markHandled(first!.id, 'ops@vendor.test', T0);
    await a.accept(await request(martin, 300), T0, SKEW);
    await expect(b.accept(await request(martin, 301), T0, SKEW)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('marks a request handled once, seen by every node; an unknown id is not_found', async () => {
    const state = await backend();
    const [a, b] = [book(await state.node()), book(await state.node())];
    await a.accept(await request(martin, 3), T0, SKEW);
    const later = new Date(T0.getTime() + 3_600_000);
    const handled = await b.markHandled(nonce(3), 'ops@vendor.test', later);
    expect(handled).toMatchObject({ status: 'handled', handledAt: later.toISOString(), handledBy: 'ops@vendor.test' });
    // A second click (another admin, later) keeps the first.
    expect(await a.markHandled(nonce(3), 'boss@vendor.test', new Date(later.getTime() + 60_000))).toMatchObject({
      handledBy: 'ops@vendor.test',
      handledAt: later.toISOString(),
    });
    expect(await a.list()).toEqual([]);
    expect((await a.list({ status: 'handled' })).map((r) => r.id)).toEqual([nonce(3)]);
    expect((await a.list({ status: 'all', cabinetId: 'dupont' })).map((r) => r.id)).toEqual([]);
    await expect(a.markHandled(nonce(9999), 'ops@vendor.test', later)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists newest first', async () => {
    const state = await backend();
    const a = book(await state.node());
    await a.accept(await request(martin, 4), T0, SKEW);
    await a.accept(await request(dupont, 5), new Date(T0.getTime() + 1000), SKEW);
    expect((await a.list()).map((r) => r.id)).toEqual([nonce(5), nonce(4)]);
    expect((await a.list({ cabinetId: 'martin' })).map((r) => r.id)).toEqual([nonce(4)]);
  });
});

describe.each(backends)('support bundles (%s)', (_name, backend) => {
  const receive = (s: SupportBundleStore, u: { token: string; base64: string }, now = T0) =>
    s.receive(u.token, u.base64, { findAppliance, now, maxSkewSeconds: SKEW });

  it('keeps a bundle and gives it back byte for byte with its SHA-256, on another node too', async () => {
    const state = await backend();
    const a = await SupportBundleStore.open((await state.node()).bundles, log, T0);
    const b = await SupportBundleStore.open((await state.node()).bundles, log, T0);
    const u = await upload(martin, 1);
    const entry = await receive(a, u);
    // 30 days of retention, from the reception: 2026-03-10T09:00Z + 30 × 24 h = 2026-04-09T09:00Z.
    expect(entry).toMatchObject({ cabinetId: 'martin', applianceId: 'app-martin', sha256: u.sha256, bytes: u.bytes.length });
    expect(entry.expiresAt).toBe('2026-04-09T09:00:00.000Z');
    const read = await b.read('martin', entry.id, T0);
    expect(read.entry).toEqual(entry);
    expect(Buffer.compare(read.bytes, u.bytes)).toBe(0);
    expect(createHash('sha256').update(read.bytes).digest('hex')).toBe(u.sha256);
    expect(await b.list('martin', T0)).toEqual([entry]);
    // Another cabinet sees none of it.
    expect(await b.list('dupont', T0)).toEqual([]);
    await expect(b.read('dupont', entry.id, T0)).rejects.toMatchObject({ code: 'not_found' });
    // The same signed upload again (a retry) is the bundle already kept.
    expect(await receive(b, u)).toEqual(entry);
    expect(await a.list('martin', T0)).toHaveLength(1);
  });

  it(`keeps at most ${MAX_BUNDLES_PER_CABINET} bundles per cabinet, the newest, even with two nodes racing`, async () => {
    const state = await backend();
    const a = await SupportBundleStore.open((await state.node()).bundles, log, T0);
    const b = await SupportBundleStore.open((await state.node()).bundles, log, T0);
    // The first 10 one after the other, a second apart (their order is the order kept).
    const first = [];
    for (let i = 0; i < MAX_BUNDLES_PER_CABINET; i++)
      first.push(await receive(a, await upload(martin, i), new Date(T0.getTime() + i * 1000)));
    // Then 8 more at once, 4 on each node, all a minute later.
    const at = new Date(T0.getTime() + 60_000);
    const more = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(martin, 100 + i, at)));
    const kept = await Promise.all(more.map((u, i) => receive(i % 2 ? a : b, u, at)));
    const listed = await a.list('martin', at);
    expect(listed).toHaveLength(MAX_BUNDLES_PER_CABINET);
    // All 8 new ones are kept, and the 2 newest of the first ten; the 8 oldest were dropped.
    expect(new Set(listed.map((e) => e.id))).toEqual(new Set([...kept.map((e) => e.id), ...first.slice(8).map((e) => e.id)]));
    await expect(b.read('martin', first[0]!.id, at)).rejects.toMatchObject({ code: 'not_found' });
    // The other cabinet is untouched by martin's bound.
    await receive(b, await upload(dupont, 1, at), at);
    expect(await b.list('dupont', at)).toHaveLength(1);
  });

  it('drops bundles after 30 days: left out of listings at once, pruned on the next upload (files) or by the leased job', async () => {
    const state = await backend();
    const node = await state.node();
    const s = await SupportBundleStore.open(node.bundles, log, T0);
    const old = await receive(s, await upload(martin, 1));
    // Received 2026-03-10T09:00Z, it expires 30 days later, 2026-04-09T09:00Z: a millisecond before it is kept.
    const expiry = new Date('2026-04-09T09:00:00.000Z');
    expect(await s.list('martin', new Date(expiry.getTime() - 1))).toHaveLength(1);
    expect(await s.list('martin', expiry)).toEqual([]);
    await expect(s.read('martin', old.id, expiry)).rejects.toMatchObject({ code: 'not_found' });
    // Retention as the store's method: one dropped, then none left to drop.
    expect(await node.bundles.prune(new Date(expiry.getTime() - 1))).toBe(0);
    expect(await s.prune(expiry)).toBe(1);
    expect(await s.prune(expiry)).toBe(0);
    // Gone from the archive itself, not only hidden: a read at an earlier time finds nothing either.
    expect(await node.bundles.read('martin', old.id, T0)).toBeUndefined();
  });

  it('with several nodes, retention runs under the job lease: one node prunes, the other leaves it', async () => {
    const state = await backend();
    const [na, nb] = [await state.node(), await state.node()];
    let now = T0;
    const clock = () => now;
    const a = await SupportBundleStore.open(na.bundles, log, T0, { leases: na.leases, holder: 'node-a', everyMs: 3_600_000, clock });
    const b = await SupportBundleStore.open(nb.bundles, log, T0, { leases: nb.leases, holder: 'node-b', everyMs: 3_600_000, clock });
    try {
      await receive(a, await upload(martin, 1));
      await receive(b, await upload(dupont, 2, new Date(T0.getTime() + DAY_MS)), new Date(T0.getTime() + DAY_MS));
      // 30 days and 1 hour on: martin's bundle (received T0) has expired, dupont's (T0 + 1 day) not yet.
      now = new Date(T0.getTime() + 30 * DAY_MS + 3_600_000);
      // The files' leases live in the one process's memory, with the same rules as the table's.
      expect([await a.runRetention(), await b.runRetention()]).toEqual([1, undefined]);
      expect(await b.list('martin', T0)).toEqual([]);
      expect(await a.list('dupont', now)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("the embedded files keep today's format", () => {
  it('what one process kept is read back by the next (a restart on the same DATA_DIR)', async () => {
    const dir = tempDir('cp-upsb-restart-');
    const first = await SupportBundleStore.open(await EmbeddedSupportBundleArchive.open(dir, log), log, T0);
    const u = await upload(martin, 7);
    const entry = await first.receive(u.token, u.base64, { findAppliance, now: T0, maxSkewSeconds: SKEW });
    const books = new UpgradeRequestBook(await EmbeddedUpgradeRequestStore.open(dir, log), finder, log);
    await books.accept(await request(martin, 7), T0, SKEW);

    const again = await SupportBundleStore.open(await EmbeddedSupportBundleArchive.open(dir, log), log, T0);
    expect(Buffer.compare((await again.read('martin', entry.id, T0)).bytes, u.bytes)).toBe(0);
    const reopened = new UpgradeRequestBook(await EmbeddedUpgradeRequestStore.open(dir, log), finder, log);
    expect((await reopened.list()).map((r) => r.id)).toEqual([nonce(7)]);
    await expect(reopened.accept(await request(martin, 7), T0, SKEW)).rejects.toMatchObject({ code: 'replayed_request' });
  });
});
