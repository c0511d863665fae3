/** A target's own retention (keep N, drop older than D days, the newest always kept), on names dated by hand. */
import { describe, expect, it } from 'vitest';
import { offsiteCopiesToRemove } from '../../../appliance/src/domain/backups/offsite/offsiteRetention.js';

// Backups made at 02:30 UTC on 1, 2, 3, 10 and 20 March 2026, plus a file that is not a backup.
const NAMES = [
  'iamanager-20260301T023000000Z-scheduled.iambak',
  'iamanager-20260302T023000000Z-scheduled.iambak',
  'iamanager-20260303T023000000Z-manual.iambak',
  'iamanager-20260310T023000000Z-scheduled.iambak',
  'iamanager-20260320T023000000Z-scheduled.iambak',
  'notes.txt',
];
const NOW = new Date('2026-03-20T12:00:00Z');

describe('off-site retention', () => {
  it('keeps the newest N', () => {
    expect(offsiteCopiesToRemove(NAMES, { keep: 2, days: null }, NOW).sort()).toEqual(NAMES.slice(0, 3));
  });

  it('drops copies older than D days', () => {
    // 10 days before 20 March 12:00 is 10 March 12:00: the 10 March 02:30 copy is older, and goes.
    expect(offsiteCopiesToRemove(NAMES, { keep: null, days: 10 }, NOW).sort()).toEqual(NAMES.slice(0, 4));
    // 11 days before is 9 March 12:00: 10 March stays.
    expect(offsiteCopiesToRemove(NAMES, { keep: null, days: 11 }, NOW).sort()).toEqual(NAMES.slice(0, 3));
  });

  it('applies both, and always keeps the newest even when it is older than D days', () => {
    expect(offsiteCopiesToRemove(NAMES, { keep: 4, days: 18 }, NOW).sort()).toEqual(NAMES.slice(0, 2));
    // 30 June: every copy is older than 10 days, the newest (20 March) stays.
    expect(offsiteCopiesToRemove(NAMES, { keep: null, days: 10 }, new Date('2026-06-30T00:00:00Z')).sort()).toEqual(NAMES.slice(0, 4));
  });

  it('never touches a file that is not a backup', () => {
    expect(offsiteCopiesToRemove(['notes.txt'], { keep: 1, days: 1 }, NOW)).toEqual([]);
  });
});
