/**
 * Commercial flags (control-plane/src/domain/fleetLimits.ts) at their boundaries: 79 % is within
 * the limits, 80 % is near, 100 % is at the limit; a plan allowing none is at it; last month's
 * analyses do not flag a cabinet whose new month has begun (Paris time).
 */
import { describe, expect, it } from 'vitest';
import { limitFlag } from '@iamanager/protocol';
import { commercialFlags } from '../../../control-plane/src/domain/fleetLimits.js';

const limits = { maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 100 };
// 2026-03-15 12:00 UTC is 13:00 in Paris: the month is 2026-03.
const NOW = new Date('2026-03-15T12:00:00Z');

describe('limit flags', () => {
  it.each([
    [79, 100, 'ok'],
    [80, 100, 'near_limit'],
    [99, 100, 'near_limit'],
    [100, 100, 'at_limit'],
    [7, 10, 'ok'],
    [8, 10, 'near_limit'],
    [10, 10, 'at_limit'],
    [0, 0, 'at_limit'],
  ] as const)('%i of %i is %s', (used, max, flag) => {
    expect(limitFlag(used, max)).toBe(flag);
  });

  it('takes the worst limit, and names each', () => {
    const flags = commercialFlags({ usersActive: 10, casesOpen: 1200, analysesUsed: 80 }, '2026-03', limits, NOW);
    expect(flags.flag).toBe('at_limit');
    expect(flags.highestRatio).toBe(1);
    expect(flags.limits.map((l) => [l.limit, l.flag])).toEqual([
      ['maxUsers', 'at_limit'],
      ['maxCases', 'ok'],
      ['maxAnalysesMonthly', 'near_limit'],
    ]);
  });

  it('counts the analyses of the current Paris month only', () => {
    // 2026-03-31T22:30Z is already 1 April 00:30 in Paris (summer time, UTC+2): February's and
    // March's 100 analyses no longer count; April's quota is fresh.
    const flags = commercialFlags({ usersActive: 1, casesOpen: 1, analysesUsed: 100 }, '2026-03', limits, new Date('2026-03-31T22:30:00Z'));
    expect(flags.flag).toBe('ok');
    expect(commercialFlags({ usersActive: 1, casesOpen: 1, analysesUsed: 100 }, '2026-03', limits, NOW).flag).toBe('at_limit');
  });

  it('flags nothing before the first heartbeat', () => {
    expect(commercialFlags(null, null, limits, NOW)).toEqual({ flag: 'ok', highestRatio: 0, limits: [] });
  });
});
