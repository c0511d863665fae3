/**
 * Writes cabinet files straight into a stopped control plane's DATA_DIR, in the format
 * control-plane/src/storage/records.ts reads — for tests that need thousands of cabinets, which
 * would otherwise cost one API call and one fsync each.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SeededCabinet {
  id: string;
  plan: string;
  createdAt: string;
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
