/**
 * Vendor admins on PostgreSQL with several nodes (issue 20): one e-mail is one admin even when two
 * nodes create it at once; a token made on one node authenticates on the other and its revocation
 * is seen there at the next request; every node signs dashboard sessions with the same secret.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { PostgresAdminStore } from '../../../control-plane/src/storage/postgres/adminStore.js';
import { migrate } from '../../../control-plane/src/storage/postgres/migrate.js';
import { openDatabase, type Database } from '../../../control-plane/src/storage/postgres/pool.js';
import { adminRecordSchema, type AdminRecord } from '../../../control-plane/src/storage/records.js';
import { startPostgres, type PostgresCluster } from '../../support/postgres.js';

const log = createLogger('test', 'silent');
let cluster: PostgresCluster;
let nodeA: Database;
let nodeB: Database;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase('admins');
  nodeA = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  nodeB = openDatabase({ url, poolSize: 5, connectTimeoutMs: 120_000 }, log);
  await migrate(nodeA);
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await cluster?.destroy();
});

function admin(id: string, email: string): AdminRecord {
  return adminRecordSchema.parse({ id, email, role: 'admin', passwordHash: 'scrypt$x', createdAt: '2026-03-01T09:00:00.000Z', tokens: [] });
}

describe('admin store on two nodes sharing one database', () => {
  it('creates one admin per e-mail, whatever the case, even when two nodes create it at once', async () => {
    const results = await Promise.allSettled([
      new PostgresAdminStore(nodeA).create(admin('a1', 'Ops@Vendor.example')),
      new PostgresAdminStore(nodeB).create(admin('a2', 'ops@vendor.example')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code: string }).code)).toEqual(['already_exists']);
    expect((await new PostgresAdminStore(nodeA).list()).map((a) => a.email.toLowerCase())).toEqual(['ops@vendor.example']);
    expect(await new PostgresAdminStore(nodeB).findByEmail('OPS@vendor.example')).toBeDefined();
  });

  it('finds on one node the token made on the other, and sees its revocation there at once', async () => {
    const [a, b] = [new PostgresAdminStore(nodeA), new PostgresAdminStore(nodeB)];
    await a.create(admin('billing-1', 'compta@vendor.example'));
    const token = { id: 'tok-1', hash: 'f'.repeat(64), createdAt: '2026-03-01T10:00:00.000Z', expiresAt: '2026-05-30T10:00:00.000Z' };
    await a.update('billing-1', (x) => void x.tokens.push({ ...token, revokedAt: null, lastUsedAt: null }));
    expect(await b.findByTokenHash('f'.repeat(64))).toMatchObject({ admin: { id: 'billing-1' }, token: { id: 'tok-1', revokedAt: null } });
    await b.update('billing-1', (x) => {
      x.tokens[0]!.revokedAt = '2026-03-02T10:00:00.000Z';
      x.sessionEpoch += 1;
    });
    expect(await a.findByTokenHash('f'.repeat(64))).toMatchObject({
      admin: { sessionEpoch: 1 },
      token: { revokedAt: '2026-03-02T10:00:00.000Z' },
    });
    // A token dropped from the record (ended long ago) is gone from the database too.
    await a.update('billing-1', (x) => void (x.tokens = []));
    expect(await b.findByTokenHash('f'.repeat(64))).toBeUndefined();
    await expect(a.update('nobody', () => undefined)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('gives every node the same dashboard session secret, the first one made', async () => {
    const secrets = await Promise.all(
      [nodeA, nodeB, nodeA, nodeB].map((db) =>
        new PostgresAdminStore(db).sessionSecret(() => randomBytes(32).toString('base64url'), new Date()),
      ),
    );
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
