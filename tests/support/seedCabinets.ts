/**
 * Writes cabinet files straight into a stopped control plane's DATA_DIR, in the format
 * control-plane/src/storage/records.ts reads — for tests that need thousands of cabinets, which
 * would otherwise cost one API call and one fsync each. On PostgreSQL (CP_TEST_BACKEND) the files
 * are written into a scratch DATA_DIR and moved into the DATA_DIR's empty database by `db import`,
 * as an installation moving there would be.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onPostgres, runCli, tempDir } from './controlPlane.js';

export interface SeededCabinet {
  id: string;
  plan: string;
  createdAt: string;
}

/** Seeds the cabinets on the run's backend: DATA_DIR's files, or its database (which must be empty). */
export async function seedCabinetsOnBackend(dataDir: string, cabinets: readonly SeededCabinet[]): Promise<void> {
  if (!onPostgres()) {
    seedCabinets(dataDir, cabinets);
    return;
  }
  const scratch = tempDir('cp-seed-');
  seedCabinets(scratch, cabinets);
  // Opening the files once makes the DATA_DIR whole (vendor keys): what `db import` moves.
  const opened = await runCli(scratch, ['cabinet', 'list', '--json'], { env: { DATABASE_URL: '' } });
  if (opened.code !== 0) throw new Error(`seeding: ${opened.stderr}`);
  const moved = await runCli(dataDir, ['db', 'import', '--from', scratch, '--json']);
  if (moved.code !== 0) throw new Error(`seeding: db import failed: ${moved.stderr}`);
  fs.rmSync(scratch, { recursive: true, force: true });
}

export function seedCabinets(dataDir: string, cabinets: readonly SeededCabinet[]): void {
  const dir = path.join(dataDir, 'cabinets');
  fs.mkdirSync(dir, { recursive: true });
  for (const c of cabinets) {
    const record = {
      id: c.id,
      name: `Cabinet ${c.id}`,
      siret: '12345678901237',
      address: '1 rue de la Paix, 75002 Paris',
      phone: null,
      email: null,
      plan: c.plan,
      overrides: {},
      status: 'active',
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
      licenseRevision: 1,
      planHistory: [{ effectiveAt: c.createdAt, plan: c.plan, overrides: {}, status: 'active', by: 'seed' }],
      enrollmentCodes: [],
      applianceId: null,
    };
    fs.writeFileSync(path.join(dir, `${c.id}.json`), JSON.stringify(record));
  }
}
