/**
 * The bounds of what a heartbeat may claim (control-plane/src/domain/usageBounds.ts), as pure
 * functions at frozen instants: the month window in Europe/Paris with the clock-skew tolerance,
 * the counter ceilings and their floors, the monotonic month counters, and the months kept.
 */
import { describe, expect, it } from 'vitest';
import type { HeartbeatUsage } from '@iamanager/protocol';
import {
  MONTHS_KEPT,
  acceptedMonths,
  checkMonth,
  checkUsage,
  pruneMonths,
  usageCeilings,
} from '../../../control-plane/src/domain/usageBounds.js';
import type { MonthUsage } from '../../../control-plane/src/storage/records.js';

const SKEW = 600;
const USAGE: HeartbeatUsage = { analysesUsed: 40, analysesOverage: 0, usersActive: 2, casesOpen: 10, storageBytes: 1 };
const accepted = (usage: Partial<HeartbeatUsage>): MonthUsage => ({
  seq: 7,
  usage: { ...USAGE, ...usage },
  receivedAt: '2026-06-15T12:00:00.000Z',
  jws: 'x.y.z',
});
const codeOf = (f: () => void) => {
  try {
    f();
    return null;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('the months a heartbeat may be for', () => {
  it('are the current month in Paris and the one before, across a year', () => {
    expect(acceptedMonths(new Date('2026-01-10T12:00:00Z'), SKEW)).toEqual({ oldest: '2025-12', newest: '2026-01' });
  });

  it('follow Paris, not UTC: at 00:30 on April 1st in Paris it is still March in UTC', () => {
    expect(acceptedMonths(new Date('2026-03-31T22:30:00Z'), SKEW)).toEqual({ oldest: '2026-03', newest: '2026-04' });
  });

  it('take a month beginning within the clock skew as current (an appliance clock a few minutes ahead)', () => {
    expect(acceptedMonths(new Date('2026-03-31T21:55:00Z'), SKEW)).toEqual({ oldest: '2026-02', newest: '2026-04' });
    expect(acceptedMonths(new Date('2026-03-31T21:45:00Z'), SKEW)).toEqual({ oldest: '2026-02', newest: '2026-03' });
  });

  it('refuses any other month as month_out_of_range', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    expect(codeOf(() => checkMonth('2026-06', now, SKEW))).toBeNull();
    expect(codeOf(() => checkMonth('2026-05', now, SKEW))).toBeNull();
    for (const month of ['2026-04', '2026-07', '9999-12', '0000-01'])
      expect(
        codeOf(() => checkMonth(month, now, SKEW)),
        month,
      ).toBe('month_out_of_range');
  });
});

describe('the counters a heartbeat may claim', () => {
  it('reach ten times each limit, never less than the floors', () => {
    expect(usageCeilings({ maxUsers: 10, maxCases: 2_000, maxAnalysesMonthly: 500 })).toEqual({
      analysesUsed: 5_000,
      usersActive: 100,
      casesOpen: 20_000,
      storageBytes: 2 ** 50,
    });
    expect(usageCeilings({ maxUsers: 0, maxCases: 0, maxAnalysesMonthly: 0 })).toEqual({
      analysesUsed: 1_000,
      usersActive: 100,
      casesOpen: 10_000,
      storageBytes: 2 ** 50,
    });
  });

  it('may stay equal to the month counters already accepted, never go below them', () => {
    const limits = { maxUsers: 10, maxCases: 2_000, maxAnalysesMonthly: 500 };
    expect(codeOf(() => checkUsage(USAGE, limits, accepted({}), '2026-06'))).toBeNull();
    expect(
      codeOf(() => checkUsage({ ...USAGE, usersActive: 1, casesOpen: 1, storageBytes: 0 }, limits, accepted({}), '2026-06')),
    ).toBeNull();
    expect(codeOf(() => checkUsage({ ...USAGE, analysesUsed: 39 }, limits, accepted({}), '2026-06'))).toBe('implausible_usage');
    expect(
      codeOf(() =>
        checkUsage(
          { ...USAGE, analysesUsed: 600, analysesOverage: 99 },
          limits,
          accepted({ analysesUsed: 600, analysesOverage: 100 }),
          '2026-06',
        ),
      ),
    ).toBe('implausible_usage');
  });
});

describe('the months an appliance record keeps', () => {
  it(`are the ${MONTHS_KEPT} newest up to the newest accepted, nothing after it`, () => {
    const months: Record<string, number> = {};
    for (let m = 1; m <= 12; m++) months[`2025-${String(m).padStart(2, '0')}`] = m;
    months['2026-01'] = 13;
    months['2026-02'] = 14;
    months['9999-12'] = 99;
    const removed = pruneMonths(months, '2026-02');
    expect(Object.keys(removed).sort()).toEqual(['2025-01', '2025-02', '9999-12']);
    expect(Object.keys(months).sort()).toEqual([
      '2025-03',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
  });
});
