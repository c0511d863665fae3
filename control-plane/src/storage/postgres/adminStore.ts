/**
 * Vendor admins in PostgreSQL: `admins` (the record less its tokens; e-mails unique without case)
 * and `api_tokens` (one row per token, found by its SHA-256 — the token itself is never stored), and
 * the dashboard session secret every node signs cookies with.
 */
import { isDeepStrictEqual } from 'node:util';
import { NotFoundError } from '@iamanager/protocol';
import type pg from 'pg';
import { ControlPlaneError } from '../../errors.js';
import { adminRecordSchema, apiTokenRecordSchema, type AdminRecord, type ApiTokenRecord } from '../records.js';
import type { AdminStore } from '../stores.js';
import type { Database } from './pool.js';
import { rowRecord } from './rowCheck.js';
import { isUniqueViolation } from './sqlErrors.js';

interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

async function load(db: Queryable, where: string, args: unknown[], lock = false): Promise<AdminRecord[]> {
  const admins = await db.query<{ id: string; record: Record<string, unknown> }>(
    `SELECT id, record FROM admins ${where} ORDER BY record->>'createdAt', id ${lock ? 'FOR UPDATE' : ''}`,
    args,
  );
  if (admins.rows.length === 0) return [];
  const tokens = await db.query<{ admin_id: string; record: unknown }>(
    `SELECT admin_id, record FROM api_tokens WHERE admin_id = ANY($1) ORDER BY record->>'createdAt', id`,
    [admins.rows.map((a) => a.id)],
  );
  return admins.rows.map((row) =>
    // The admin's row with its api_tokens rows: the message names the admin (a token's path says which).
    rowRecord(adminRecordSchema, 'admins', row.id, {
      ...row.record,
      tokens: tokens.rows.filter((t) => t.admin_id === row.id).map((t) => t.record),
    }),
  );
}

function adminRow(admin: AdminRecord): string {
  const { tokens: _tokens, ...rest } = admin;
  return JSON.stringify(rest);
}

/**
 * Makes the token rows what the record lists: new ones inserted, changed ones updated, dropped ones
 * deleted. Given the tokens as they were read (`before`), only those that differ are written: a
 * revocation or an hourly `lastUsedAt` costs one row, not one per token the admin holds.
 */
async function writeTokens(db: Queryable, admin: AdminRecord, before: readonly ApiTokenRecord[] = []): Promise<void> {
  const was = new Map(before.map((t) => [t.id, t]));
  const kept = new Set(admin.tokens.map((t) => t.id));
  if (before.some((t) => !kept.has(t.id)))
    await db.query('DELETE FROM api_tokens WHERE admin_id = $1 AND NOT (id = ANY($2))', [admin.id, admin.tokens.map((t) => t.id)]);
  for (const token of admin.tokens) {
    const old = was.get(token.id);
    if (old && isDeepStrictEqual(old, token)) continue;
    await db.query(
      `INSERT INTO api_tokens (id, admin_id, hash, record) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record WHERE api_tokens.admin_id = EXCLUDED.admin_id`,
      [token.id, admin.id, token.hash, JSON.stringify(token)],
    );
  }
}

export class PostgresAdminStore implements AdminStore {
  constructor(private readonly db: Database) {}

  list(): Promise<AdminRecord[]> {
    return load(this.db, '', []);
  }

  async get(id: string): Promise<AdminRecord | undefined> {
    return (await load(this.db, 'WHERE id = $1', [id]))[0];
  }

  async findByEmail(email: string): Promise<AdminRecord | undefined> {
    return (await load(this.db, 'WHERE lower(email) = lower($1)', [email]))[0];
  }

  async findByTokenHash(hash: string): Promise<{ admin: AdminRecord; token: ApiTokenRecord } | undefined> {
    const { rows } = await this.db.query<{ admin_id: string; record: unknown }>('SELECT admin_id, record FROM api_tokens WHERE hash = $1', [
      hash,
    ]);
    if (!rows[0]) return undefined;
    const admin = await this.get(rows[0].admin_id);
    return admin && { admin, token: rowRecord(apiTokenRecordSchema, 'api_tokens', `of admin ${rows[0].admin_id}`, rows[0].record) };
  }

  create(admin: AdminRecord): Promise<void> {
    const valid = adminRecordSchema.parse(admin);
    return this.db.transaction(async (client) => {
      try {
        await client.query('INSERT INTO admins (id, email, record) VALUES ($1, $2, $3)', [valid.id, valid.email, adminRow(valid)]);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new ControlPlaneError('already_exists', `an admin with e-mail ${valid.email} already exists`, { email: valid.email });
        throw err;
      }
      await writeTokens(client, valid);
    });
  }

  update(id: string, change: (admin: AdminRecord) => void): Promise<AdminRecord> {
    return this.changeLocked(id, false, change);
  }

  updateWithOthers(id: string, change: (admin: AdminRecord, others: readonly AdminRecord[]) => void): Promise<AdminRecord> {
    return this.changeLocked(id, true, change);
  }

  /**
   * Locks the admin's row (or every admin's row, in one order — createdAt, id — so two such
   * changes cannot deadlock), runs `change` on the fresh record and commits what it changed.
   */
  private changeLocked(
    id: string,
    all: boolean,
    change: (admin: AdminRecord, others: readonly AdminRecord[]) => void,
  ): Promise<AdminRecord> {
    return this.db.transaction(async (client) => {
      const locked = all ? await load(client, '', [], true) : await load(client, 'WHERE id = $1', [id], true);
      const admin = locked.find((a) => a.id === id);
      if (!admin) throw new NotFoundError('admin', id);
      const before = structuredClone(admin);
      change(admin, Object.freeze(locked.filter((a) => a.id !== id)));
      const valid = adminRecordSchema.parse(admin);
      // A change that changed nothing (a code refused, a use already recorded this hour) writes nothing.
      if (isDeepStrictEqual(valid, before)) return valid;
      try {
        await client.query('UPDATE admins SET email = $2, record = $3 WHERE id = $1', [id, valid.email, adminRow(valid)]);
      } catch (err) {
        if (isUniqueViolation(err, 'admins_email'))
          throw new ControlPlaneError('already_exists', `an admin with e-mail ${valid.email} already exists`, { email: valid.email });
        throw err;
      }
      await writeTokens(client, valid, before.tokens);
      return valid;
    });
  }

  async sessionSecret(generate: () => string, now: Date): Promise<string> {
    // Insert-if-absent then read: two nodes starting together both end with the first one's secret.
    await this.db.query(
      'INSERT INTO dashboard_session_secret (singleton, secret, created_at) VALUES (true, $1, $2) ON CONFLICT DO NOTHING',
      [generate(), now],
    );
    const { rows } = await this.db.query<{ secret: string }>('SELECT secret FROM dashboard_session_secret');
    return rows[0]!.secret;
  }
}
