/** The open-case count the limit checks, the heartbeat and every page's plan banner read: kept by put/remove, not by a scan. */
import { describe, expect, it } from 'vitest';
import { CaseIndex } from '../../../appliance/src/domain/cases/caseIndex.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';

const record = (id: string, archived = false) =>
  ({
    id,
    reference: `D-2026-${id}`,
    client: { lastName: 'Martin', firstName: 'Léa', nationality: 'DZ', birthDate: '1990-01-01' },
    archived,
    updatedAt: '2026-12-05T10:00:00Z',
  }) as unknown as CaseRecord;

describe('CaseIndex.openCount', () => {
  it('follows puts, re-puts of a record changed in place, archiving and removal', () => {
    const index = new CaseIndex();
    const a = record('0001');
    index.put(a);
    index.put(record('0002'));
    index.put(record('0003', true));
    expect(index.openCount()).toBe(2);
    // Cases update their record in place, then put it again: counted once, with its new state.
    index.put(a);
    expect(index.openCount()).toBe(2);
    a.archived = true;
    index.put(a);
    expect(index.openCount()).toBe(1);
    a.archived = false;
    index.put(a);
    expect(index.openCount()).toBe(2);
    index.remove('0002');
    index.remove('0003');
    index.remove('unknown');
    expect(index.openCount()).toBe(1);
  });
});
