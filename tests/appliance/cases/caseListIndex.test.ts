/**
 * The case index behind the dossier list: sorted by the next open deadline (kept per case version,
 * recomputed when the case is put again), the optional recours administratifs left out of it, and
 * the likely duplicates (same last name without accents or case, same birth date). Each case's
 * deadlines are given by hand as its latest analysis's, so every date below is the test's own.
 */
import { describe, expect, it } from 'vitest';
import { CaseIndex, endOfParisDay } from '../../../appliance/src/domain/cases/caseIndex.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';

type Due = { due: string; remedy?: string; dueKind?: 'date' | 'datetime' };

function record(id: string, dues: Due[], over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id,
    reference: `D-2026-${id}`,
    client: { lastName: 'Martin', firstName: 'Léa', nationality: 'DZ', birthDate: '1990-01-01' },
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-11-20',
    departement: null,
    archived: false,
    assignedTo: null,
    facts: {},
    analyses: [
      {
        id: `a-${id}`,
        result: {
          deadlines: dues.map((d) => ({
            remedy: 'recours_contentieux',
            dueKind: 'date',
            label: 'Recours',
            legalBasis: 'CJA R. 421-1',
            ...d,
          })),
        },
      },
    ],
    updatedAt: `2026-12-0${id.length}T10:00:00Z`,
    ...over,
  } as unknown as CaseRecord;
}

// Saturday 5 December 2026, 22:00 in Paris.
const NOW = new Date('2026-12-05T21:00:00Z');
const ids = (r: { cases: CaseRecord[] }) => r.cases.map((c) => c.id);

describe('the dossier list’s index', () => {
  it('sorts by the next deadline still open, cases without one last', () => {
    const index = new CaseIndex();
    index.put(record('late', [{ due: '2027-01-20' }]));
    // Its first deadline (4 Dec) has passed: its next open one is 10 Dec.
    index.put(record('passed', [{ due: '2026-12-04' }, { due: '2026-12-10' }]));
    // Due today: open until midnight in Paris, so it comes first.
    index.put(record('today', [{ due: '2026-12-05' }]));
    // 48 hours in rétention: Sunday 09:40 Paris, after today's midnight, before the 10th.
    index.put(record('hours', [{ due: '2026-12-06T08:40:00Z', dueKind: 'datetime' }]));
    index.put(record('none', [{ due: '2026-11-01' }]));
    const sorted = index.search({ sort: 'deadline', now: NOW, page: 1, pageSize: 10 });
    expect(ids(sorted)).toEqual(['today', 'hours', 'passed', 'late', 'none']);
    expect(index.nextDeadline('passed', NOW)).toEqual({ end: endOfParisDay('2026-12-10'), dueAt: '2026-12-10T12:00:00Z', hourly: false });
    expect(index.nextDeadline('none', NOW)).toBeNull();
    // The same cases a day later: today's has passed, and goes last with the case that has none.
    const sunday = new Date('2026-12-06T21:00:00Z');
    expect(ids(index.search({ sort: 'deadline', now: sunday, page: 1, pageSize: 10 })).slice(0, 2)).toEqual(['passed', 'late']);
  });

  it('leaves the optional recours gracieux out of the next deadline, but not the mandatory RAPO', () => {
    const index = new CaseIndex();
    index.put(record('g', [{ due: '2026-12-07', remedy: 'recours_gracieux' }, { due: '2027-02-01' }]));
    index.put(record('r', [{ due: '2026-12-08', remedy: 'rapo' }]));
    expect(index.nextDeadline('g', NOW)?.dueAt).toBe('2027-02-01T12:00:00Z');
    expect(ids(index.search({ sort: 'deadline', now: NOW, page: 1, pageSize: 10 }))).toEqual(['r', 'g']);
  });

  it('recomputes a case’s next deadline when the case is put again', () => {
    const index = new CaseIndex();
    const a = record('a', [{ due: '2027-03-01' }]);
    index.put(a);
    index.put(record('b', [{ due: '2027-01-01' }]));
    expect(ids(index.search({ sort: 'deadline', now: NOW, page: 1, pageSize: 10 }))).toEqual(['b', 'a']);
    // A new analysis brings an earlier deadline; the case changes version (updatedAt) and is put again.
    a.analyses.push({ id: 'a2', result: { deadlines: [{ remedy: 'recours_contentieux', dueKind: 'date', due: '2026-12-15' }] } });
    a.updatedAt = '2026-12-05T20:00:00Z';
    index.put(a);
    expect(ids(index.search({ sort: 'deadline', now: NOW, page: 1, pageSize: 10 }))).toEqual(['a', 'b']);
  });

  it('filters by lawyer and status with any sort, and sorts by reference', () => {
    const index = new CaseIndex();
    index.put(record('c3', [{ due: '2026-12-20' }], { assignedTo: 'u1' } as Partial<CaseRecord>));
    index.put(record('c10', [{ due: '2026-12-10' }], { assignedTo: 'u1' } as Partial<CaseRecord>));
    index.put(record('c2', [{ due: '2026-12-08' }], { assignedTo: 'u2' } as Partial<CaseRecord>));
    index.put(record('c1', [{ due: '2026-12-07' }], { assignedTo: 'u1', archived: true } as Partial<CaseRecord>));
    expect(ids(index.search({ assignedTo: 'u1', archived: false, sort: 'deadline', now: NOW, page: 1, pageSize: 10 }))).toEqual([
      'c10',
      'c3',
    ]);
    expect(ids(index.search({ assignedTo: 'u1', sort: 'deadline', now: NOW, page: 1, pageSize: 10 }))).toEqual(['c1', 'c10', 'c3']);
    // References compared as numbers: D-2026-c2 before D-2026-c10.
    expect(ids(index.search({ sort: 'reference', page: 1, pageSize: 10 }))).toEqual(['c1', 'c2', 'c3', 'c10']);
  });

  it('finds the likely duplicates: same last name without accents or case, same birth date', () => {
    const index = new CaseIndex();
    const client = (lastName: string, birthDate: string) => ({ lastName, firstName: 'X', nationality: 'DZ', birthDate });
    index.put(record('1', [], { client: client('Lefèvre', '1990-05-17') } as Partial<CaseRecord>));
    index.put(record('2', [], { client: client('LEFEVRE', '1990-05-17'), archived: true } as Partial<CaseRecord>));
    index.put(record('3', [], { client: client('Lefèvre', '1991-05-17') } as Partial<CaseRecord>));
    index.put(record('4', [], { client: client('Lefèvre-Diallo', '1990-05-17') } as Partial<CaseRecord>));
    expect(index.likelyDuplicates({ lastName: ' lefevre ', birthDate: '1990-05-17' }).map((c) => c.id)).toEqual(['1', '2']);
    expect(index.likelyDuplicates({ lastName: 'Lefevre Diallo', birthDate: '1990-05-17' }).map((c) => c.id)).toEqual(['4']);
    expect(index.likelyDuplicates({ lastName: 'Martin', birthDate: '1990-05-17' })).toEqual([]);
  });

  it('ends a Paris day at midnight Paris time, winter and summer', () => {
    // 5 December ends at 6 December 00:00 Paris = 5 December 23:00 UTC (UTC+1).
    expect(new Date(endOfParisDay('2026-12-05')).toISOString()).toBe('2026-12-05T23:00:00.000Z');
    // 1 July ends at 2 July 00:00 Paris = 1 July 22:00 UTC (UTC+2).
    expect(new Date(endOfParisDay('2026-07-01')).toISOString()).toBe('2026-07-01T22:00:00.000Z');
  });
});
