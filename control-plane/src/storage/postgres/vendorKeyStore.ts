/**
 * The vendor's signing keys in PostgreSQL, in rotation order (`added`). The private half is in the
 * row, as keys/KID.pem is in DATA_DIR: the database's access rules now guard who can sign licenses.
 */
import { z } from 'zod';
import { vendorKeysFileSchema } from '../records.js';
import type { VendorKeyEntry, VendorKeyStore } from '../stores.js';
import type { Database } from './pool.js';
import { rowRecord } from './rowCheck.js';

const keySchema = vendorKeysFileSchema.shape.keys.element.extend({ privatePem: z.string().startsWith('-----BEGIN PRIVATE KEY-----') });

export class PostgresVendorKeyStore implements VendorKeyStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<VendorKeyEntry[]> {
    const { rows } = await this.db.query<{ kid: string; created_at: Date; public_jwk: unknown; private_pem: string }>(
      'SELECT kid, created_at, public_jwk, private_pem FROM vendor_keys ORDER BY added',
    );
    return rows.map((r) =>
      rowRecord(keySchema, 'vendor_keys', r.kid, {
        kid: r.kid,
        createdAt: r.created_at.toISOString(),
        publicKey: r.public_jwk,
        privatePem: r.private_pem,
      }),
    );
  }

  async add(key: VendorKeyEntry): Promise<void> {
    const valid = keySchema.parse(key);
    await this.db.query('INSERT INTO vendor_keys (kid, created_at, public_jwk, private_pem) VALUES ($1, $2, $3, $4)', [
      valid.kid,
      valid.createdAt,
      JSON.stringify(valid.publicKey),
      valid.privatePem,
    ]);
  }

  ensureFirst(generate: () => Promise<VendorKeyEntry>): Promise<void> {
    return this.db.transaction(async (client) => {
      // Held to the commit: a second node starting now waits here, then finds the first key.
      await client.query('LOCK TABLE vendor_keys IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM vendor_keys');
      if (rows[0]!.n > 0) return;
      const valid = keySchema.parse(await generate());
      await client.query('INSERT INTO vendor_keys (kid, created_at, public_jwk, private_pem) VALUES ($1, $2, $3, $4)', [
        valid.kid,
        valid.createdAt,
        JSON.stringify(valid.publicKey),
        valid.privatePem,
      ]);
    });
  }
}
