/** The history rings: 24 hourly and 30 daily buckets that roll over in place and never grow. */
import { describe, expect, it } from 'vitest';
import type { HeartbeatPayload } from '@iamanager/protocol';
import {
  applianceHistorySchema,
  emptyHistory,
  historySeries,
  recordInHistory,
} from '../../../control-plane/src/domain/applianceHistory.js';

const T0 = Date.parse('2026-06-15T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function beat(atMs: number, figures: { cpu?: number; disk?: number; errors?: number; cases?: number } = {}): HeartbeatPayload {
  return {
    v: 1,
    iss: 'app-1',
    sub: 'dupont',
    seq: 1,
    iat: Math.floor(atMs / 1000),
    month: '2026-06',
    usage: { analysesUsed: 1, analysesOverage: 0, usersActive: 2, casesOpen: figures.cases ?? 10, storageBytes: 100 },
    health: {
      version: '1.0.0',
      uptimeSeconds: 1,
      cpuLoad: figures.cpu ?? 0.2,
      memoryUsedRatio: 0.5,
      diskFreeBytes: 1,
      diskFreeRatio: figures.disk ?? 0.5,
      lastBackupAt: null,
      licenseExpiresAt: '2027-01-01T00:00:00.000Z',
      errors24h: figures.errors ?? 0,
    },
  };
}

describe('appliance history', () => {
  it('averages load, keeps the lowest disk and highest errors, and the last counters within an hour', () => {
    const h = emptyHistory();
    recordInHistory(h, beat(T0 + 5 * 60_000, { cpu: 0.2, disk: 0.4, errors: 3, cases: 10 }));
    recordInHistory(h, beat(T0 + 50 * 60_000, { cpu: 0.6, disk: 0.6, errors: 1, cases: 12 }));
    const { hourly, daily } = historySeries(h, new Date(T0 + 59 * 60_000));
    expect(hourly).toHaveLength(24);
    expect(daily).toHaveLength(30);
    const last = hourly.at(-1)!;
    expect(last.start).toBe('2026-06-15T00:00:00.000Z');
    expect(last).toMatchObject({ heartbeats: 2, diskFreeRatio: 0.4, errors24h: 3, casesOpen: 12 });
    expect(last.cpuLoad).toBeCloseTo(0.4);
    expect(hourly.at(-2)).toMatchObject({ heartbeats: 0, cpuLoad: null, casesOpen: null });
    expect(daily.at(-1)).toMatchObject({ start: '2026-06-15T00:00:00.000Z', heartbeats: 2 });
  });

  it('rolls the hourly ring over after 24 hours: the slot is reused for the new hour, the old figures are gone', () => {
    const h = emptyHistory();
    recordInHistory(h, beat(T0 + 10 * 60_000, { cases: 1 }));
    recordInHistory(h, beat(T0 + 24 * HOUR + 10 * 60_000, { cases: 2 }));
    // Same slot (hour 0 and hour 24 share index 0): one bucket, holding only the new hour.
    expect(h.hourly.filter((b) => b !== null)).toHaveLength(1);
    expect(h.hourly[0]!.heartbeats).toBe(1);
    const { hourly } = historySeries(h, new Date(T0 + 24 * HOUR + 30 * 60_000));
    expect(hourly.map((p) => p.casesOpen)).toEqual([...Array(23).fill(null), 2]);
    expect(hourly[0]!.start).toBe('2026-06-15T01:00:00.000Z');
  });

  it('shows an hour from the previous day only while it is within the last 24 hours', () => {
    const h = emptyHistory();
    recordInHistory(h, beat(T0 + 2 * HOUR + 1));
    expect(historySeries(h, new Date(T0 + 25 * HOUR)).hourly[0]).toMatchObject({ start: '2026-06-15T02:00:00.000Z', heartbeats: 1 });
    expect(historySeries(h, new Date(T0 + 26 * HOUR)).hourly.every((p) => p.heartbeats === 0)).toBe(true);
  });

  it('rolls the daily ring over after 30 days', () => {
    const h = emptyHistory();
    for (let d = 0; d < 31; d++) recordInHistory(h, beat(T0 + d * DAY + HOUR, { cases: d }));
    expect(h.daily.filter((b) => b !== null)).toHaveLength(30);
    const { daily } = historySeries(h, new Date(T0 + 30 * DAY + 2 * HOUR));
    expect(daily.map((p) => p.casesOpen)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(daily[0]!.start).toBe('2026-06-16T00:00:00.000Z');
  });

  it('ignores a heartbeat older than what its slot already holds, and undoes one that was not made durable', () => {
    const h = emptyHistory();
    recordInHistory(h, beat(T0 + 24 * HOUR, { cases: 5 }));
    recordInHistory(h, beat(T0, { cases: 9 }));
    expect(h.hourly[0]).toMatchObject({ casesOpen: 5, heartbeats: 1 });
    const undo = recordInHistory(h, beat(T0 + 24 * HOUR + 60_000, { cases: 6 }));
    expect(h.hourly[0]).toMatchObject({ casesOpen: 6, heartbeats: 2 });
    undo();
    expect(h.hourly[0]).toMatchObject({ casesOpen: 5, heartbeats: 1 });
  });

  it('stays the same size in its file whatever the number of heartbeats', () => {
    const h = emptyHistory();
    for (let i = 0; i < 2000; i++) recordInHistory(h, beat(T0 + i * 15 * 60_000));
    expect(applianceHistorySchema.parse(JSON.parse(JSON.stringify(h)))).toEqual(h);
    expect(h.hourly).toHaveLength(24);
    expect(h.daily).toHaveLength(30);
    expect(JSON.stringify(h).length).toBeLessThan(12_000);
  });
});
