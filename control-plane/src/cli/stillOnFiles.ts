/**
 * Why `serve` and the commands that open the state still refuse DATABASE_URL: what the control
 * plane keeps in DATA_DIR even when it opens its stores on PostgreSQL (docs/control-plane-postgres.md,
 * "What remains"). Served as it is, that state would be split between the database and each node's
 * DATA_DIR, so nothing half-done is reachable. Delete a line when its part is on the seam; the
 * refusal ends with the list.
 */
import type { Config } from '../config.js';
import { ControlPlaneError } from '../errors.js';

export const STILL_ON_FILES: readonly string[] = [];

/** Throws `database_backend_unfinished` naming what is left, when DATABASE_URL is set and the list is not empty. */
export function refuseDatabaseWhileStateOnFiles(config: Config, stillOnFiles: readonly string[] = STILL_ON_FILES): void {
  if (!config.database || stillOnFiles.length === 0) return;
  throw new ControlPlaneError(
    'database_backend_unfinished',
    `DATABASE_URL is set, but this version still keeps its state in DATA_DIR for ${stillOnFiles.join('; ')} — the PostgreSQL backend only runs \`control-plane db migrate\` so far (docs/control-plane-postgres.md); unset DATABASE_URL to serve from DATA_DIR`,
    { stillOnFiles },
  );
}
