/**
 * Plans and vendor signing keys on PostgreSQL with several nodes (issue 20): a plan id is taken
 * once; nodes starting together on an empty database make one first signing key between them, and
 * rotations keep their order (the newest signs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { generateSigningKey, keyId, privateKeyToPem, publicJwk } from '@iamanager/protocol';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { PostgresPlanStore } from '../../../control-plane/src/storage/postgres/planStore.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import { PostgresVendorKeyStore } from '../../../control-plane/src/storage/postgres/vendorKeyStore.js';
import { planRecordSchema } from '../../../control-plane/src/storage/records.js';
import type { VendorKeyEntry } from '../../../control-plane/src/storage/stores.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';

const log = createLogger('test', 'silent');
let cluster: PostgresCluster;
let nodeA: Database;
let nodeB: Database;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('keys');
  nodeA = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  nodeB = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  await migrate(nodeA);
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await cluster?.destroy();
});

async function newKey(createdAt: string): Promise<VendorKeyEntry> {
  const key = generateSigningKey();
  const jwk = publicJwk(key.publicKey);
  return { kid: await keyId(jwk), createdAt, publicKey: jwk, privatePem: privateKeyToPem(key.privateKey) };
}

describe('plans and vendor keys on two nodes sharing one database', () => {
  it('takes a plan id once, and every node lists it', async () => {
    const plan = planRecordSchema.parse({
      id: 'premium-plus',
      name: 'Premium Plus',
      priceCents: 39_900,
      limits: { maxUsers: 15, maxCases: 5000, maxAnalysesMonthly: 1000 },
      aiModel: 'ceseda-pro-v1',
      advancedFeatures: true,
      overage: { allowed: true, pricePerAnalysisCents: 50 },
      builtIn: false,
      createdAt: '2026-03-01T09:00:00.000Z',
    });
    const results = await Promise.allSettled([new PostgresPlanStore(nodeA).create(plan), new PostgresPlanStore(nodeB).create(plan)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await new PostgresPlanStore(nodeB).list()).toEqual([plan]);
    expect(await new PostgresPlanStore(nodeA).get('premium-plus')).toEqual(plan);
    expect(await new PostgresPlanStore(nodeA).get('nope')).toBeUndefined();
  });

  it('makes one first signing key when two nodes start at once, then keeps rotations in order', async () => {
    let generated = 0;
    const generate = () => {
      generated++;
      return newKey('2026-03-01T09:00:00.000Z');
    };
    await Promise.all([new PostgresVendorKeyStore(nodeA).ensureFirst(generate), new PostgresVendorKeyStore(nodeB).ensureFirst(generate)]);
    const first = await new PostgresVendorKeyStore(nodeB).list();
    expect(first).toHaveLength(1);
    expect(generated).toBe(1);
    expect(first[0]!.privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Two rotations with the same timestamp: the order they were added decides which one signs.
    const [k2, k3] = [await newKey('2026-04-01T09:00:00.000Z'), await newKey('2026-04-01T09:00:00.000Z')];
    await new PostgresVendorKeyStore(nodeA).add(k2);
    await new PostgresVendorKeyStore(nodeB).add(k3);
    expect((await new PostgresVendorKeyStore(nodeA).list()).map((k) => k.kid)).toEqual([first[0]!.kid, k2.kid, k3.kid]);
    await new PostgresVendorKeyStore(nodeA).ensureFirst(generate);
    expect(generated).toBe(1);
  });
});
