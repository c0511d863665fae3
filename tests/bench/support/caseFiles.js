// Case files written the way the appliance stores them (cases/<id>.json, one file per case), so a
// benchmark can start an appliance on thousands of cases without creating them one request at a time.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes cases number `from` to `from + count - 1` and returns their ids. `client(i)` and
 * `procedure(i)` vary the content; `userId` is the assignee and creator (none by default).
 */
export function writeCaseFiles(
  dataDir,
  from,
  count,
  { userId = null, client = () => ({ lastName: 'Benali', firstName: 'Amina', nationality: 'DZ' }), procedure = () => 'oqtf' } = {},
) {
  const dir = path.join(dataDir, 'cases');
  fs.mkdirSync(dir, { recursive: true });
  const ids = [];
  for (let i = from; i < from + count; i++) {
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const record = {
      id: randomUUID(),
      reference: `D-2026-${String(i + 1).padStart(5, '0')}`,
      client: { ...client(i), birthDate: '1990-01-01' },
      procedure: procedure(i),
      decisionNotifiedAt: '2026-11-02',
      decision: {},
      departement: '75',
      status: 'open',
      outcome: null,
      archived: false,
      assignedTo: userId,
      notes: 'Notes du dossier. '.repeat(20),
      facts: {},
      documents: [],
      analyses: [],
      history: [{ at, by: 'seed@bench', action: 'created' }],
      createdAt: at,
      createdBy: userId ?? 'seed',
      updatedAt: at,
    };
    fs.writeFileSync(path.join(dir, `${record.id}.json`), JSON.stringify(record));
    ids.push(record.id);
  }
  return ids;
}
