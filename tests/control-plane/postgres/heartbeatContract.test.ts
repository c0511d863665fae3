/**
 * One contract, two implementations (issue 20): heartbeat ingest through `HeartbeatIngest` with
 * real signed heartbeats, over the embedded journal and files and over PostgreSQL. An accepted
 * heartbeat is counted once and changes the record; every refusal — unknown appliance, revoked,
 * replayed or older sequence, month out of range, usage above the cabinet's ceiling or below the
 * month's accepted figure, bad signature, clock skew — leaves the count and the record as they
 * were; the same heartbeat sent twice at once is accepted once; an air-gapped usage report signed
 * days before is accepted; and reopening the state (a restart, or another node on the database)
 * keeps every acknowledged heartbeat without counting any twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  publicJwk,
  signHeartbeat,
  signLicense,
  verificationKey,
  type HeartbeatPayload,
  type PlanLimits,
  type SigningKey,
} from '@iamanager/protocol';
import { createLogger } from '@iamanager/kernel/log';
import { createClock } from '../../../control-plane/src/clock.js';
import { applianceKeysFrom } from '../../../control-plane/src/domain/applianceKeys.js';
import { ApplianceRegistry } from '../../../control-plane/src/domain/appliances.js';
import { HeartbeatIngest, journalReplay, type ApplianceKeys } from '../../../control-plane/src/domain/heartbeatIngest.js';
import { RecordQuarantine } from '../../../control-plane/src/domain/quarantine.js';
import { EmbeddedApplianceStore } from '../../../control-plane/src/storage/embedded/applianceStore.js';
import { EmbeddedHeartbeatStore } from '../../../control-plane/src/storage/embedded/heartbeatStore.js';
import { PostgresApplianceStore } from '../../../control-plane/src/storage/postgres/applianceStore.js';
import { PostgresHeartbeatStore } from '../../../control-plane/src/storage/postgres/heartbeatStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import type { ApplianceStore, HeartbeatStore } from '../../../control-plane/src/storage/stores.js';
import { tempDir } from '../../support/controlPlane.js';
import { testKey } from '../../support/keys.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';
import { applianceRecord } from '../../support/storeFixtures.js';

const log = createLogger('test', 'silent');
const SKEW = 600;
/** Professional's limits: ceilings of 10 × them (usageBounds.ts), so at most 5 000 analyses a month. */
const LIMITS: PlanLimits = { maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500 };
/** Noon UTC on 10 March 2026 is 13:00 in Paris: the months accepted are 2026-03 and 2026-02. */
const NOW = new Date('2026-03-10T12:00:00.000Z');
const OPTIONS = { maxSkewSeconds: SKEW, cabinetLimits: () => LIMITS };

/** The vendor's signing key, for the appliances' licenses. */
const vendor = testKey();

let cluster: PostgresCluster;
const databases: Database[] = [];

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  for (const db of databases) await db.close();
  await cluster?.destroy();
});

interface Opened {
  ingest: HeartbeatIngest;
  appliances: ApplianceStore;
  heartbeats: HeartbeatStore;
  /** Ingest over the same store with another way of finding keys (what verification saw). */
  withKeys(keys: ApplianceKeys): HeartbeatIngest;
  /** The same state opened again: after a clean stop, or after a crash (nothing closed, no last checkpoint). */
  reopen(how: 'close' | 'crash'): Promise<Opened>;
}

async function openEmbedded(dir: string): Promise<Opened> {
  const quarantine = await RecordQuarantine.open(dir, createClock(0), log);
  const registry = await ApplianceRegistry.open(dir, log, quarantine);
  // No timed checkpoint: the tests decide when the state is closed.
  const store = await EmbeddedHeartbeatStore.open(dir, registry, journalReplay(SKEW, log), { checkpointIntervalSeconds: 3600 }, log);
  return {
    ingest: new HeartbeatIngest(store, registry, OPTIONS, log),
    appliances: new EmbeddedApplianceStore(registry),
    heartbeats: store,
    withKeys: (keys) => new HeartbeatIngest(store, keys, OPTIONS, log),
    reopen: async (how) => {
      if (how === 'close') await store.close();
      return openEmbedded(dir);
    },
  };
}

function openPostgres(url: string): Opened {
  const db = openDatabase({ url, poolSize: 8, connectTimeoutMs: 120_000 }, log);
  databases.push(db);
  const appliances = new PostgresApplianceStore(db);
  const store = new PostgresHeartbeatStore(db);
  return {
    ingest: new HeartbeatIngest(store, applianceKeysFrom(appliances), OPTIONS, log),
    appliances,
    heartbeats: store,
    withKeys: (keys) => new HeartbeatIngest(store, keys, OPTIONS, log),
    // Another pool on the same database: a restarted node, or the other node.
    reopen: async (how) => {
      if (how === 'close') {
        databases.splice(databases.indexOf(db), 1);
        await db.close();
      }
      return openPostgres(url);
    },
  };
}

const backends: [string, () => Promise<Opened>][] = [
  ['embedded files', () => openEmbedded(tempDir('cp-hb-contract-'))],
  [
    'PostgreSQL',
    async () => {
      const url = await cluster.createDatabase('hbcontract');
      const db = openDatabase({ url, poolSize: 2, connectTimeoutMs: 120_000 }, log);
      await migrate(db);
      await db.query(`INSERT INTO cabinets (id, status, license_revision, record) VALUES ('dupont', 'active', 1, '{}')`);
      await db.close();
      return openPostgres(url);
    },
  ],
];

/** An enrolled appliance of cabinet dupont with a real key, signing heartbeats as the appliance does. */
class Signer {
  readonly key: SigningKey = generateSigningKey();
  constructor(readonly id: string) {}

  async enroll(backend: Opened): Promise<void> {
    const record = applianceRecord(this.id, 'dupont');
    // A license as the vendor signs it: the ingest judges each heartbeat against its claims.
    const jws = await signLicense(
      {
        iss: 'iamanager-control-plane',
        sub: 'dupont',
        aud: this.id,
        jti: record.license.jti,
        iat: record.license.iat,
        nbf: record.license.iat,
        exp: record.license.exp,
        graceDays: 14,
        plan: 'professional',
        limits: LIMITS,
        aiModel: 'ceseda-pro-v1',
        advancedFeatures: false,
        overage: { allowed: true, pricePerAnalysisCents: 50 },
      },
      { privateKey: (await vendor).key.privateKey, kid: (await vendor).kid },
    );
    await backend.appliances.create({ ...record, publicKey: publicJwk(this.key.publicKey), license: { ...record.license, jws } });
  }

  payload(seq: number, overrides: Partial<HeartbeatPayload> = {}): HeartbeatPayload {
    return {
      v: 1,
      iss: this.id,
      sub: 'dupont',
      seq,
      iat: Math.floor(NOW.getTime() / 1000),
      month: '2026-03',
      usage: { analysesUsed: 40 + seq, analysesOverage: 0, usersActive: 2, casesOpen: 10, storageBytes: 1_000_000 },
      health: {
        version: '1.0.0',
        uptimeSeconds: 100,
        cpuLoad: 0.1,
        memoryUsedRatio: 0.3,
        diskFreeBytes: 10_000_000_000,
        diskFreeRatio: 0.8,
        lastBackupAt: null,
        licenseExpiresAt: '2026-04-01T00:00:00.000Z',
        errors24h: 0,
      },
      ...overrides,
    } as HeartbeatPayload;
  }

  sign(seq: number, overrides: Partial<HeartbeatPayload> = {}, key = this.key.privateKey): Promise<string> {
    return signHeartbeat(this.payload(seq, overrides), key);
  }
}

/** What a refusal must leave exactly as it was. */
async function stateOf(backend: Opened, id: string) {
  return { count: await backend.heartbeats.count(id), record: await backend.appliances.get(id) };
}

async function codeOf(sent: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  try {
    await sent;
  } catch (err) {
    const { code, details } = err as { code: string; details?: unknown };
    return { code, details };
  }
  throw new Error('the heartbeat was accepted');
}

describe.each(backends)('heartbeat ingest (%s)', (_name, open) => {
  it('accepts a signed heartbeat once durable, counts it and applies it to the record', async () => {
    const backend = await open();
    const app = new Signer('app-accept');
    await app.enroll(backend);
    const jws = await app.sign(1);
    const { payload, appliance } = await backend.ingest.accept(jws, NOW);
    expect(payload.seq).toBe(1);
    expect(appliance).toMatchObject({ id: 'app-accept', lastSeq: 1, lastHeartbeatAt: NOW.toISOString() });
    const { count, record } = await stateOf(backend, 'app-accept');
    expect(count).toBe(1);
    expect(record).toMatchObject({ lastSeq: 1, lastHeartbeatAt: NOW.toISOString(), health: payload.health });
    expect(record!.months['2026-03']).toEqual({ seq: 1, usage: payload.usage, receivedAt: NOW.toISOString(), jws });
  });

  it('refuses every way a heartbeat can be wrong, leaving the count and the record as they were', async () => {
    const backend = await open();
    const app = new Signer('app-refusals');
    await app.enroll(backend);
    for (let seq = 1; seq <= 3; seq++) await backend.ingest.accept(await app.sign(seq), NOW);
    const before = await stateOf(backend, 'app-refusals');
    expect(before.count).toBe(3);
    const stranger = new Signer('app-stranger');
    const refusals: [string, () => Promise<unknown>, string, unknown?][] = [
      ['never enrolled', async () => backend.ingest.accept(await stranger.sign(1), NOW), 'unknown_appliance'],
      ['the same heartbeat again', async () => backend.ingest.accept(await app.sign(3), NOW), 'replayed_sequence', { lastSeq: 3 }],
      ['an older sequence', async () => backend.ingest.accept(await app.sign(2), NOW), 'replayed_sequence', { lastSeq: 3 }],
      // Received on 10 March: only March and February are accepted.
      ['January', async () => backend.ingest.accept(await app.sign(4, { month: '2026-01' }), NOW), 'month_out_of_range'],
      ['April', async () => backend.ingest.accept(await app.sign(4, { month: '2026-04' }), NOW), 'month_out_of_range'],
      // 10 × 500 = 5 000 analyses at most for this cabinet (usageBounds.ts).
      [
        'usage above the ceiling',
        async () => backend.ingest.accept(await app.sign(4, { usage: { ...app.payload(4).usage, analysesUsed: 5001 } }), NOW),
        'implausible_usage',
      ],
      // Seq 3 reported 43 analyses for March: month counters only grow.
      [
        'usage going backwards',
        async () => backend.ingest.accept(await app.sign(4, { usage: { ...app.payload(4).usage, analysesUsed: 42 } }), NOW),
        'implausible_usage',
      ],
      ['signed with another key', async () => backend.ingest.accept(await app.sign(4, {}, stranger.key.privateKey), NOW), 'bad_signature'],
      // Signed an hour before it arrived, ten minutes are tolerated.
      [
        'an hour old',
        async () => backend.ingest.accept(await app.sign(4, { iat: Math.floor(NOW.getTime() / 1000) - 3600 }), NOW),
        'clock_skew',
      ],
    ];
    // One at a time, each against the state the one before left.
    for (const [why, send, code, details] of refusals) {
      const refused = await codeOf(send());
      expect(refused.code, why).toBe(code);
      if (details) expect(refused.details, why).toMatchObject(details);
      expect(await stateOf(backend, 'app-refusals'), why).toEqual(before);
    }
    // Revoked (the cabinet re-enrolled): refused, nothing recorded.
    await backend.appliances.revoke('app-refusals', NOW);
    const revoked = await stateOf(backend, 'app-refusals');
    expect((await codeOf(backend.ingest.accept(await app.sign(4), NOW))).code).toBe('revoked_appliance');
    expect(await stateOf(backend, 'app-refusals')).toEqual(revoked);
  });

  it('refuses in the store what verification saw before another request changed it', async () => {
    const backend = await open();
    const app = new Signer('app-race');
    await app.enroll(backend);
    const stale = { publicKey: await verificationKey(publicJwk(app.key.publicKey)), cabinetId: 'dupont', revoked: false, lastSeq: 0 };
    const staleIngest = backend.withKeys({ known: (id) => Promise.resolve(id === 'app-race' ? stale : undefined) });
    // Verification saw lastSeq 0 and no revocation; the store sees seq 2 counted, then the revocation.
    await backend.ingest.accept(await app.sign(2), NOW);
    const counted = await stateOf(backend, 'app-race');
    expect(await codeOf(staleIngest.accept(await app.sign(1), NOW))).toMatchObject({ code: 'replayed_sequence', details: { lastSeq: 2 } });
    await backend.appliances.revoke('app-race', NOW);
    expect((await codeOf(staleIngest.accept(await app.sign(3), NOW))).code).toBe('revoked_appliance');
    expect((await stateOf(backend, 'app-race')).count).toBe(counted.count);
    // Known to verification but not to the store (its record quarantined, or another database).
    const ghost = new Signer('app-ghost');
    const ghostIngest = backend.withKeys({
      known: async () => ({
        publicKey: await verificationKey(publicJwk(ghost.key.publicKey)),
        cabinetId: 'dupont',
        revoked: false,
        lastSeq: 0,
      }),
    });
    expect((await codeOf(ghostIngest.accept(await ghost.sign(1), NOW))).code).toBe('unknown_appliance');
    expect(await backend.heartbeats.count('app-ghost')).toBe(0);
  });

  it('accepts one of two copies of a heartbeat sent at once; the other is a replay', async () => {
    const backend = await open();
    const app = new Signer('app-twice');
    await app.enroll(backend);
    const jws = await app.sign(1);
    const sent = await Promise.allSettled([backend.ingest.accept(jws, NOW), backend.ingest.accept(jws, NOW)]);
    const outcomes = sent.map((s) => (s.status === 'fulfilled' ? 'accepted' : (s.reason as { code: string }).code)).sort();
    expect(outcomes).toEqual(['accepted', 'replayed_sequence']);
    const rejected = sent.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ details: { lastSeq: 1 } });
    expect(await stateOf(backend, 'app-twice')).toMatchObject({ count: 1, record: { lastSeq: 1 } });
  });

  it("accepts an air-gapped cabinet's usage report signed days before, once", async () => {
    const backend = await open();
    const app = new Signer('app-airgap');
    await app.enroll(backend);
    // Signed on 5 March (five days before the upload), for March: no clock check for a report.
    const jws = await app.sign(1, { iat: Math.floor(Date.parse('2026-03-05T09:00:00.000Z') / 1000) });
    const { payload } = await backend.ingest.accept(jws, NOW, { usageReport: true });
    expect((await stateOf(backend, 'app-airgap')).record!.months['2026-03']).toMatchObject({ seq: 1, usage: payload.usage, jws });
    expect(await codeOf(backend.ingest.accept(jws, NOW, { usageReport: true }))).toMatchObject({ code: 'replayed_sequence' });
    expect(await backend.heartbeats.count('app-airgap')).toBe(1);
    // The same file sent as a heartbeat is an hour-old heartbeat, and refused for it.
    expect((await codeOf(backend.ingest.accept(await app.sign(2, { iat: payload.iat }), NOW))).code).toBe('clock_skew');
  });

  it('keeps every acknowledged heartbeat across a crash and a clean restart, counting none twice', async () => {
    const first = await open();
    const app = new Signer('app-restart');
    await app.enroll(first);
    const sent: string[] = [];
    for (let seq = 1; seq <= 5; seq++) {
      sent.push(await app.sign(seq));
      await first.ingest.accept(sent.at(-1)!, NOW);
    }
    const acknowledged = (await stateOf(first, 'app-restart')).record;
    // A crash: nothing closed, no checkpoint since the heartbeats (the embedded files replay the journal).
    const afterCrash = await first.reopen('crash');
    expect(await stateOf(afterCrash, 'app-restart')).toEqual({ count: 5, record: acknowledged });
    for (const jws of sent) expect((await codeOf(afterCrash.ingest.accept(jws, NOW))).code).toBe('replayed_sequence');
    await afterCrash.ingest.accept(await app.sign(6), NOW);
    const sixth = (await stateOf(afterCrash, 'app-restart')).record;
    expect(sixth!.lastSeq).toBe(6);
    // A clean stop: the record as acknowledged, every sequence still refused once counted.
    const afterClose = await afterCrash.reopen('close');
    expect((await stateOf(afterClose, 'app-restart')).record).toEqual(sixth);
    for (const jws of sent) expect((await codeOf(afterClose.ingest.accept(jws, NOW))).code).toBe('replayed_sequence');
    await afterClose.ingest.accept(await app.sign(7), NOW);
    expect((await stateOf(afterClose, 'app-restart')).record!.lastSeq).toBe(7);
  });
});
