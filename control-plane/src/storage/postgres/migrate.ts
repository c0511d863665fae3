/**
 * Applies the schema's pending versions (migrations/index.ts) — at every node's start-up and by
 * `control-plane db migrate`.
 *
 * A versioned list applied by this file rather than node-pg-migrate: every pending version goes
 * in ONE transaction under a transaction-scoped advisory lock, so two nodes starting together
 * cannot both apply a version (the second waits, then finds nothing to do), and a failure halfway
 * leaves the schema as it was (PostgreSQL's DDL is transactional). node-pg-migrate runs each
 * migration in its own transaction, loads migration files from a folder at run time (which the
 * compiled `dist/` would have to copy) and brings yargs, glob and jiti: sixty lines do what we need.
 * Each applied version's SHA-256 is recorded; a database whose history differs from this build's
 * (an edited migration, or a version this build does not know: a newer node migrated it) is refused
 * with `database_schema_mismatch`, before anything is read or written.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ControlPlaneError } from '../../errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Database } from './pool.js';

/** pg_advisory_xact_lock key: "iam-cp-migrate" folded into a bigint, shared by every node. */
const MIGRATION_LOCK = 0x69616d2d6d6967n;

export interface MigrationReport {
  /** Versions this run applied, oldest first (empty when the schema was current). */
  applied: number[];
  /** The schema version the database is at now. */
  version: number;
}

function checksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  return db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      sha256 text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await appliedVersions(client);
    checkHistory(rows, migrations, db.where);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)', [m.version, m.name, checksum(m)]);
      applied.push(m.version);
    }
    return { applied, version: migrations.at(-1)?.version ?? 0 };
  });
}

interface AppliedRow {
  version: number;
  sha256: string;
}

async function appliedVersions(client: pg.PoolClient): Promise<AppliedRow[]> {
  return (await client.query<AppliedRow>('SELECT version, sha256 FROM schema_migrations ORDER BY version')).rows;
}

function checkHistory(rows: readonly AppliedRow[], migrations: readonly Migration[], where: string): void {
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of rows) {
    const mine = known.get(row.version);
    if (!mine) {
      throw new ControlPlaneError(
        'database_schema_mismatch',
        `the database at ${where} is at schema version ${rows.at(-1)!.version}, newer than this control plane knows (${migrations.at(-1)?.version ?? 0}): run the newer control-plane version on every node`,
      );
    }
    if (checksum(mine) !== row.sha256) {
      throw new ControlPlaneError(
        'database_schema_mismatch',
        `schema version ${row.version} applied at ${where} differs from this build's (${mine.name}): a released migration was edited; restore it and add a new version instead`,
      );
    }
  }
}
