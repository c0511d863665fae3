/**
 * One contract, two implementations (issue 20): the plan catalog and the vendor signing keys behave
 * the same over DATA_DIR's files and over PostgreSQL, through the domain classes the control plane
 * uses (`PlanCatalog`, `VendorKeys`), not only the stores.
 *
 * A "node" is what one control-plane process opens. With PostgreSQL, each node has its own pool on
 * one database. With the files, one process holds DATA_DIR's lock: a second node is the same
 * directory opened again (after a restart, or the CLI while the server is stopped), and nodes that
 * start together in that process share its store.
 */
import { createPublicKey } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { keyId, publicJwk } from '@iamanager/protocol';
import { PlanCatalog, type NewPlan } from '../../../control-plane/src/domain/planCatalog.js';
import { VendorKeys, newVendorKey } from '../../../control-plane/src/domain/vendorKeys.js';
import { EmbeddedPlanStore } from '../../../control-plane/src/storage/embedded/planStore.js';
import { EmbeddedVendorKeyStore } from '../../../control-plane/src/storage/embedded/vendorKeyStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { PostgresPlanStore } from '../../../control-plane/src/storage/postgres/planStore.js';
import { PostgresVendorKeyStore } from '../../../control-plane/src/storage/postgres/vendorKeyStore.js';
import type { PlanStore, VendorKeyEntry, VendorKeyStore } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { usePostgres } from '../../support/postgresPools.js';

const log = createLogger('test', 'silent');
const pg = usePostgres();

interface Node {
  plans: PlanStore;
  keys: VendorKeyStore;
}

/** One place the state lives (a DATA_DIR, a database) and the nodes that open it. */
interface Place {
  /** A node opened now: its own pool (PostgreSQL), or the directory opened again (files). */
  node(): Promise<Node>;
  /** Two nodes starting at the same moment on this place. */
  startingTogether(): Promise<[Node, Node]>;
}

async function embeddedNode(dir: string): Promise<Node> {
  return { plans: await EmbeddedPlanStore.open(dir, log), keys: await EmbeddedVendorKeyStore.open(dir, log) };
}

const backends: [string, () => Promise<Place>][] = [
  [
    'embedded files',
    async () => {
      const dir = tempDir('cp-plankeys-');
      return {
        node: () => embeddedNode(dir),
        // DATA_DIR's lock admits one process: what starts together there shares its store.
        startingTogether: async () => {
          const node = await embeddedNode(dir);
          return [node, node];
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await pg.cluster.createDatabase('plankeys');
      const pool = () => {
        const db = pg.pool(url, 4);
        return db;
      };
      await migrate(pool());
      const node = async (): Promise<Node> => {
        const db = pool();
        return { plans: new PostgresPlanStore(db), keys: new PostgresVendorKeyStore(db) };
      };
      return { node, startingTogether: async () => [await node(), await node()] };
    },
  ],
];

const premium: NewPlan = {
  id: 'premium-plus',
  name: 'Premium Plus',
  priceCents: 39_900,
  limits: { maxUsers: 15, maxCases: 5_000, maxAnalysesMonthly: 1_000 },
  aiModel: 'ceseda-pro-v1',
  advancedFeatures: true,
  overage: { allowed: true, pricePerAnalysisCents: 40 },
};

/** A clock the test moves by hand: the keys' cache must never depend on real time. */
function handClock(start: string) {
  let now = new Date(start).getTime();
  return {
    clock: () => new Date(now),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

/** The kid of the public half of a private key: proves the signing key is the key published under that kid. */
async function kidOf(privateKey: import('node:crypto').KeyObject): Promise<string> {
  return keyId(publicJwk(createPublicKey(privateKey)));
}

describe.each(backends)('plan catalog (%s)', (_name, place) => {
  it('creates a plan that reads back whole, after the built-in ones', async () => {
    const catalog = await PlanCatalog.open((await (await place()).node()).plans);
    const created = await catalog.createPlan(premium, new Date('2026-03-01T09:00:00.000Z'));
    expect(created).toEqual({ ...premium, builtIn: false, createdAt: '2026-03-01T09:00:00.000Z' });
    expect((await catalog.list()).map((p) => p.id)).toEqual(['starter', 'professional', 'enterprise', 'premium-plus']);
    expect(await catalog.get('premium-plus')).toEqual(created);
    expect((await catalog.effectiveTerms('premium-plus', { maxUsers: 20 })).limits).toEqual({
      maxUsers: 20,
      maxCases: 5_000,
      maxAnalysesMonthly: 1_000,
    });
  });

  it('takes a plan id once: a second creation is refused and the first plan is kept', async () => {
    const catalog = await PlanCatalog.open((await (await place()).node()).plans);
    await catalog.createPlan(premium, new Date('2026-03-01T09:00:00.000Z'));
    await expect(catalog.createPlan({ ...premium, priceCents: 1 }, new Date('2026-03-02T09:00:00.000Z'))).rejects.toMatchObject({
      code: 'already_exists',
    });
    expect((await catalog.get('premium-plus')).priceCents).toBe(39_900);
  });

  it('refuses the built-in ids, whose figures live in the code', async () => {
    const catalog = await PlanCatalog.open((await (await place()).node()).plans);
    for (const id of ['starter', 'professional', 'enterprise'])
      await expect(catalog.createPlan({ ...premium, id }, new Date('2026-03-01T09:00:00.000Z'))).rejects.toMatchObject({
        code: 'already_exists',
      });
    expect((await catalog.get('starter')).priceCents).toBe(9_900);
    expect(await catalog.list()).toHaveLength(3);
  });

  it('two nodes creating the same id at once: one plan', async () => {
    const [a, b] = await (await place()).startingTogether();
    const [ca, cb] = [await PlanCatalog.open(a.plans), await PlanCatalog.open(b.plans)];
    const results = await Promise.allSettled([
      ca.createPlan(premium, new Date('2026-03-01T09:00:00.000Z')),
      cb.createPlan({ ...premium, priceCents: 1 }, new Date('2026-03-01T09:00:00.000Z')),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await ca.list()).filter((p) => p.id === 'premium-plus')).toHaveLength(1);
  });

  it('a plan created on one node is found by another on the same store', async () => {
    const where = await place();
    const first = await PlanCatalog.open((await where.node()).plans);
    // PostgreSQL: the other node is already running and has read the catalog (without the plan).
    // Files: it is the directory opened again, as after a restart.
    const other = (await where.node()).plans;
    const early = other instanceof PostgresPlanStore ? await PlanCatalog.open(other) : undefined;
    expect(await early?.find('premium-plus')).toBeUndefined();
    const created = await first.createPlan(premium, new Date('2026-03-01T09:00:00.000Z'));
    const second = early ?? (await PlanCatalog.open((await where.node()).plans));
    expect(await second.find('premium-plus')).toEqual(created);
    expect(second.known('premium-plus')).toEqual(created);
    expect((await second.list()).map((p) => p.id)).toContain('premium-plus');
    await expect(second.get('nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe.each(backends)('vendor keys (%s)', (_name, place) => {
  it('makes one first key when two nodes open an empty store at once, and signs with it', async () => {
    const t = handClock('2026-03-01T09:00:00.000Z');
    const where = await place();
    const [a, b] = await where.startingTogether();
    const [ka, kb] = await Promise.all([
      VendorKeys.open(a.keys, { clock: t.clock, log }),
      VendorKeys.open(b.keys, { clock: t.clock, log }),
    ]);
    const listed = await a.keys.list();
    expect(listed).toHaveLength(1);
    const first = listed[0]!.kid;
    expect(await ka.list()).toEqual([{ kid: first, createdAt: '2026-03-01T09:00:00.000Z', signing: true }]);
    expect((await kb.signingKey()).kid).toBe(first);
    expect(await kidOf((await kb.signingKey()).privateKey)).toBe(first);
    expect((await ka.jwks()).keys.map((k) => k.kid)).toEqual([first]);
    // Opening again finds the key: no second one.
    await VendorKeys.open((await where.node()).keys, { clock: t.clock, log });
    expect(await a.keys.list()).toHaveLength(1);
  });

  it('a rotation on one node: the other signs with the new key and publishes both once its cache has expired', async () => {
    const t = handClock('2026-03-01T09:00:00.000Z');
    const where = await place();
    const a = await VendorKeys.open((await where.node()).keys, { clock: t.clock, log, refreshSeconds: 30 });
    const b = await VendorKeys.open((await where.node()).keys, { clock: t.clock, log, refreshSeconds: 30 });
    const old = (await b.signingKey()).kid;
    expect((await a.signingKey()).kid).toBe(old);

    t.advance(10); // 09:00:10 — b read its list at 09:00:00
    const rotated = await a.rotate(t.clock());
    expect(rotated.published).toEqual([old, rotated.kid]);
    // The rotating node signs with the new key at once.
    expect((await a.signingKey()).kid).toBe(rotated.kid);
    // b's list is 10 s old, then 29 s old (09:00:29): still the one it read, the old key signs.
    expect((await b.signingKey()).kid).toBe(old);
    t.advance(19);
    expect((await b.signingKey()).kid).toBe(old);
    expect((await b.jwks()).keys.map((k) => k.kid)).toEqual([old]);
    // 09:00:30: 30 s since b's read, it reads again: the new key signs, both are published.
    t.advance(1);
    const signing = await b.signingKey();
    expect(signing.kid).toBe(rotated.kid);
    expect(await kidOf(signing.privateKey)).toBe(rotated.kid);
    expect((await b.jwks()).keys.map((k) => k.kid)).toEqual([old, rotated.kid]);
    expect(await b.list()).toEqual([
      { kid: old, createdAt: '2026-03-01T09:00:00.000Z', signing: false },
      { kid: rotated.kid, createdAt: '2026-03-01T09:00:10.000Z', signing: true },
    ]);
  });

  it('publishes the two newest keys after a second rotation; reload() reads at once', async () => {
    const t = handClock('2026-03-01T09:00:00.000Z');
    const where = await place();
    const a = await VendorKeys.open((await where.node()).keys, { clock: t.clock, log });
    const b = await VendorKeys.open((await where.node()).keys, { clock: t.clock, log });
    const first = (await a.signingKey()).kid;
    const second = (await a.rotate(t.clock())).kid;
    const third = (await a.rotate(t.clock())).kid;
    expect((await a.jwks()).keys.map((k) => k.kid)).toEqual([second, third]);
    // No clock move: b's list is fresh, but reload() (the CLI's signal path) reads now.
    expect((await b.signingKey()).kid).toBe(first);
    await b.reload();
    expect((await b.signingKey()).kid).toBe(third);
    expect((await b.jwks()).keys.map((k) => k.kid)).toEqual([second, third]);
  });
});

describe('embedded files: an existing DATA_DIR keeps working', () => {
  it('opens keys.json with its KID.pem and plans.json as the previous version wrote them, and writes keys with their modes', async () => {
    const dir = tempDir('cp-plankeys-old-');
    const key: VendorKeyEntry = await newVendorKey(new Date('2025-12-01T08:00:00.000Z'));
    const { privatePem, ...listed } = key;
    fs.mkdirSync(path.join(dir, 'keys'), { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'keys', 'keys.json'), JSON.stringify({ keys: [listed] }));
    fs.writeFileSync(path.join(dir, 'keys', `${key.kid}.pem`), privatePem, { mode: 0o600 });
    const oldPlan = { ...premium, id: 'cabinet-xl', builtIn: false, createdAt: '2025-12-01T08:00:00.000Z' };
    fs.writeFileSync(path.join(dir, 'plans.json'), JSON.stringify({ custom: [oldPlan] }));

    const t = handClock('2026-03-01T09:00:00.000Z');
    const keys = await VendorKeys.open(await EmbeddedVendorKeyStore.open(dir, log), { clock: t.clock, log });
    expect((await keys.signingKey()).kid).toBe(key.kid);
    const plans = await PlanCatalog.open(await EmbeddedPlanStore.open(dir, log));
    expect(await plans.get('cabinet-xl')).toEqual(oldPlan);

    const rotated = await keys.rotate(t.clock());
    expect(fs.statSync(path.join(dir, 'keys', `${rotated.kid}.pem`)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'keys', 'keys.json'), 'utf8'));
    expect(file.keys.map((k: { kid: string }) => k.kid)).toEqual([key.kid, rotated.kid]);
    expect(Object.keys(file.keys[1]).sort()).toEqual(['createdAt', 'kid', 'publicKey']);
    await plans.createPlan(premium, t.clock());
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'plans.json'), 'utf8')).custom.map((p: { id: string }) => p.id)).toEqual([
      'cabinet-xl',
      'premium-plus',
    ]);
  });

  it('a listed key whose private half is gone: refused at open with the file to restore', async () => {
    const dir = tempDir('cp-plankeys-lost-');
    const store = await EmbeddedVendorKeyStore.open(dir, log);
    await VendorKeys.open(store, { clock: () => new Date('2026-03-01T09:00:00.000Z'), log });
    const [only] = await store.list();
    fs.rmSync(path.join(dir, 'keys', `${only!.kid}.pem`));
    await expect(VendorKeys.open(await EmbeddedVendorKeyStore.open(dir, log), { clock: () => new Date(), log })).rejects.toMatchObject({
      code: 'vendor_key_missing',
      message: expect.stringContaining(`${only!.kid}.pem`),
    });
  });
});

describe('vendor keys while the store cannot be read', () => {
  it('keep signing with the keys held, and read again after another delay, not on every call', async () => {
    const t = handClock('2026-03-01T09:00:00.000Z');
    const files = await EmbeddedVendorKeyStore.open(tempDir('cp-plankeys-away-'), log);
    let away = false;
    let reads = 0;
    // The store as a node sees it when PostgreSQL is away: every read fails.
    const store: VendorKeyStore = {
      list: () => {
        reads++;
        return away ? Promise.reject(new Error('database_unavailable')) : files.list();
      },
      add: (key) => files.add(key),
      ensureFirst: (generate) => files.ensureFirst(generate),
    };
    const keys = await VendorKeys.open(store, { clock: t.clock, log, refreshSeconds: 30 });
    const held = (await keys.signingKey()).kid;
    away = true;
    t.advance(30); // the list is 30 s old: the next call reads, fails, and keeps what it holds
    const before = reads;
    expect((await keys.signingKey()).kid).toBe(held);
    expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([held]);
    expect(reads).toBe(before + 1);
    t.advance(29); // tried again only 30 s after the failed read
    await keys.signingKey();
    expect(reads).toBe(before + 1);
    t.advance(1);
    away = false;
    await keys.signingKey();
    expect(reads).toBe(before + 2);
  });
});
