/**
 * `control-plane db import --from DATA_DIR`: moves an installation that ran on the files into
 * PostgreSQL (DATABASE_URL), once. Pre-flight first, nothing touched: DATABASE_URL set, --from a
 * control-plane DATA_DIR, its lock free (the control plane stopped). Then the files are read
 * (readInstallation.ts), the schema migrated, and everything inserted in one transaction whose
 * counts are checked before it commits (storage/postgres/importInstallation.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@iamanager/kernel/log';
import { acquireDirLock } from '@iamanager/kernel/storage';
import type { Config } from '../config.js';
import { parseDocumentNumber } from '../domain/billing/documentNumbers.js';
import { ControlPlaneError } from '../errors.js';
import { importInstallation, type ImportCounts } from '../storage/postgres/importInstallation.js';
import { migrate } from '../storage/postgres/migrate.js';
import { openDatabase } from '../storage/postgres/pool.js';
import { readInstallation } from './readInstallation.js';

export interface DbImportResult {
  /** host:port/database — never the password. */
  database: string;
  from: string;
  counts: ImportCounts;
}

/** What every control plane that ever started has written: its first signing key's listing. */
const DATA_DIR_MARK = path.join('keys', 'keys.json');

async function checkDataDir(from: string): Promise<void> {
  const isDir = await fs.stat(from).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const marked =
    isDir &&
    (await fs.stat(path.join(from, DATA_DIR_MARK)).then(
      () => true,
      () => false,
    ));
  if (!marked) {
    throw new ControlPlaneError(
      'not_a_data_dir',
      `${from} is not a control-plane DATA_DIR (${isDir ? `no ${DATA_DIR_MARK}` : 'no such directory'}): give --from the DATA_DIR the control plane ran with (the folder holding admins.json, cabinets/ and keys/)`,
      { path: from },
    );
  }
}

export async function dbImport(config: Config, fromArg: string | boolean | undefined, log: Logger): Promise<DbImportResult> {
  if (!config.database) {
    throw new ControlPlaneError(
      'database_not_configured',
      'db import needs DATABASE_URL (postgres://USER:PASSWORD@HOST:5432/DATABASE): the PostgreSQL database to move DATA_DIR into',
    );
  }
  if (typeof fromArg !== 'string' || fromArg === '') {
    throw new ControlPlaneError(
      'invalid_input',
      'from: give the DATA_DIR to import, as --from DATA_DIR (control-plane db import --from DATA_DIR)',
    );
  }
  const from = path.resolve(fromArg);
  await checkDataDir(from);
  // The control plane must be stopped: a server still writing would change what is being moved.
  const lock = await acquireDirLock(from, 'control-plane db import');
  try {
    const { installation, journalReplayed } = await readInstallation(from, config, log);
    log.info({ from, journalReplayed }, 'DATA_DIR read; the heartbeat journal applied to the appliance records');
    const db = openDatabase(config.database, log);
    try {
      await migrate(db);
      const counts = await importInstallation(db, installation, { parseNumber: parseDocumentNumber });
      return { database: db.where, from, counts };
    } finally {
      await db.close();
    }
  } finally {
    await lock.release();
  }
}
