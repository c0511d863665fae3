/**
 * `control-plane db migrate`: brings the PostgreSQL schema (DATABASE_URL) to this version's, then
 * says which versions it applied. It needs no DATA_DIR lock and no running server: the migration
 * takes the database's own advisory lock, so it is safe while nodes run or start.
 */
import type { Logger } from '@iamanager/kernel/log';
import type { Config } from '../config.js';
import { ControlPlaneError } from '../errors.js';
import { migrate } from '../storage/postgres/migrate.js';
import { openDatabase } from '../storage/postgres/pool.js';

export interface DbMigrateResult {
  database: string;
  applied: number[];
  version: number;
}

export async function dbMigrate(config: Config, log: Logger): Promise<DbMigrateResult> {
  if (!config.database) {
    throw new ControlPlaneError(
      'database_not_configured',
      'db migrate needs DATABASE_URL (postgres://USER:PASSWORD@HOST:5432/DATABASE): it migrates the PostgreSQL schema; the files in DATA_DIR need no migration',
    );
  }
  const db = openDatabase(config.database, log);
  try {
    const report = await migrate(db);
    return { database: db.where, ...report };
  } finally {
    await db.close();
  }
}
