/**
 * The fleet status function at each threshold boundary, with a frozen clock: one millisecond (or
 * one hundredth of disk) on either side of every limit.
 */
import { describe, expect, it } from 'vitest';
import type { HeartbeatHealth } from '@iamanager/protocol';
import fc from 'fast-check';
import {
  applianceStatus,
  nextStatusChange,
  statusFacts,
  statusFromFacts,
  type StatusContext,
  type StatusInput,
} from '../../../control-plane/src/domain/fleetStatus.js';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INTERVAL_SECONDS = 900;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const ahead = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const ctx: StatusContext = {
  now: NOW,
  thresholds: {
    diskWarningRatio: 0.15,
    diskCriticalRatio: 0.05,
    backupMaxAgeHours: 36,
    offsiteMaxAgeHours: 72,
    licenseWarningDays: 14,
    staleIntervals: 3,
    offlineHours: 24,
  },
  heartbeatIntervalSeconds: INTERVAL_SECONDS,
  latestVersion: '1.2.0',
};

function health(overrides: Partial<HeartbeatHealth> = {}): HeartbeatHealth {
  return {
    version: '1.2.0',
    uptimeSeconds: 1000,
    cpuLoad: 0.2,
    memoryUsedRatio: 0.4,
    diskFreeBytes: 50e9,
    diskFreeRatio: 0.5,
    lastBackupAt: ago(HOUR),
    licenseExpiresAt: ahead(30 * DAY),
    errors24h: 0,
    ...overrides,
  };
}

function input(overrides: Partial<StatusInput> & { health?: HeartbeatHealth | null } = {}): StatusInput {
  return {
    enrolledAt: ago(60 * DAY),
    lastHeartbeatAt: ago(60_000),
    health: health(),
    previousErrors24h: 0,
    issuedLicenseExpiresAt: ahead(30 * DAY),
    ...overrides,
  };
}

const statusOf = (i: StatusInput, c: StatusContext = ctx) => applianceStatus(i, c);
const codes = (i: StatusInput, c: StatusContext = ctx) => statusOf(i, c).reasons.map((r) => r.code);

describe('fleet status', () => {
  it('is healthy when every figure is within its threshold', () => {
    expect(statusOf(input())).toEqual({ status: 'healthy', reasons: [] });
  });

  it('is critical with a license mismatch until 7 days after its last sign, and changes status at that moment', () => {
    const mismatch = (lastSeenMs: number) => ({
      kind: 'unknown_license' as const,
      message: 'runs license "forged"',
      licenseId: 'forged',
      since: ago(8 * DAY),
      lastSeenAt: ago(lastSeenMs),
    });
    const held = input({ licenseMismatch: mismatch(7 * DAY - 1) });
    expect(statusOf(held)).toMatchObject({
      status: 'critical',
      reasons: [
        {
          code: 'license_mismatch',
          level: 'critical',
          value: 'unknown_license',
          since: ago(8 * DAY),
          message: 'license mismatch: the appliance runs license "forged"',
        },
      ],
    });
    expect(nextStatusChange(statusFacts(held), ctx)).toBe(NOW.getTime() + 1);
    expect(statusOf(input({ licenseMismatch: mismatch(7 * DAY) })).status).toBe('healthy');
  });

  it('warns when the audit log went back from an anchor, for 7 days after the last sign', () => {
    const rewound = (lastSeenMs: number) => ({
      from: { head: 'a'.repeat(64), length: 10 },
      to: { head: 'b'.repeat(64), length: 8 },
      since: ago(DAY),
      lastSeenAt: ago(lastSeenMs),
    });
    expect(statusOf(input({ auditRewound: rewound(7 * DAY - 1) }))).toMatchObject({
      status: 'warning',
      reasons: [
        {
          code: 'audit_rewound',
          level: 'warning',
          value: 8,
          since: ago(DAY),
          message:
            'the audit log went back: 8 entries, fewer than the 10 already anchored (its tail deleted or rewritten, or a backup restored)',
        },
      ],
    });
    expect(statusOf(input({ auditRewound: rewound(7 * DAY) })).status).toBe('healthy');
  });

  it('warns below 15 % disk free, and not at 15 %', () => {
    expect(statusOf(input({ health: health({ diskFreeRatio: 0.15 }) })).status).toBe('healthy');
    const low = statusOf(input({ health: health({ diskFreeRatio: 0.1499 }) }));
    expect(low.status).toBe('warning');
    expect(low.reasons[0]).toMatchObject({ code: 'disk_low', level: 'warning', value: 0.1499 });
  });

  it('is critical below 5 % disk free, and only warning at 5 %', () => {
    expect(codes(input({ health: health({ diskFreeRatio: 0.05 }) }))).toEqual(['disk_low']);
    expect(statusOf(input({ health: health({ diskFreeRatio: 0.0499 }) }))).toMatchObject({
      status: 'critical',
      reasons: [{ code: 'disk_critical' }],
    });
  });

  it('warns when the last backup is older than 36 h, and not at exactly 36 h', () => {
    expect(statusOf(input({ health: health({ lastBackupAt: ago(36 * HOUR) }) })).status).toBe('healthy');
    const old = statusOf(input({ health: health({ lastBackupAt: ago(36 * HOUR + 1) }) }));
    expect(old).toMatchObject({ status: 'warning', reasons: [{ code: 'backup_old', since: ago(1) }] });
  });

  it('counts "never backed up" only once the appliance has been enrolled for 36 h', () => {
    expect(statusOf(input({ enrolledAt: ago(36 * HOUR), health: health({ lastBackupAt: null }) })).status).toBe('healthy');
    expect(codes(input({ enrolledAt: ago(36 * HOUR + 1), health: health({ lastBackupAt: null }) }))).toEqual(['backup_never']);
  });

  describe('off-site copies (issue 17: none for 3 days)', () => {
    // 3 days = 72 h: flagged strictly after 72 h, as the local backup is strictly after 36 h.
    const v2 = (lastOffsiteBackupAt: string | null, overrides: Partial<HeartbeatHealth> = {}) =>
      health({ ...overrides, lastOffsiteBackupAt });

    it('warns when the last off-site copy is older than 72 h, and not at exactly 72 h', () => {
      expect(statusOf(input({ health: v2(ago(72 * HOUR)) }))).toEqual({ status: 'healthy', reasons: [] });
      const last = ago(72 * HOUR + 1);
      expect(statusOf(input({ health: v2(last) }))).toEqual({
        status: 'warning',
        reasons: [
          {
            code: 'offsite_old',
            level: 'warning',
            message: `last off-site copy on ${last}, more than 72 h ago`,
            since: ago(1),
            value: last,
          },
        ],
      });
    });

    it('warns when no off-site copy was ever reported while backups run, once enrolled for 72 h', () => {
      expect(statusOf(input({ enrolledAt: ago(72 * HOUR), health: v2(null) })).status).toBe('healthy');
      expect(statusOf(input({ enrolledAt: ago(72 * HOUR + 1), health: v2(null) }))).toMatchObject({
        status: 'warning',
        reasons: [{ code: 'offsite_never', since: ago(1), value: null }],
      });
    });

    it('does not flag a missing off-site copy when no backup runs at all: that is backup_never already', () => {
      expect(codes(input({ enrolledAt: ago(10 * DAY), health: v2(null, { lastBackupAt: null }) }))).toEqual(['backup_never']);
    });

    it('never flags an appliance whose heartbeat is v1: it says nothing of off-site copies', () => {
      const v1 = health();
      expect('lastOffsiteBackupAt' in v1).toBe(false);
      expect(statusOf(input({ enrolledAt: ago(365 * DAY), health: v1 })).status).toBe('healthy');
    });

    it('clears the flag when a fresh copy is reported', () => {
      expect(codes(input({ health: v2(ago(4 * DAY)) }))).toEqual(['offsite_old']);
      expect(codes(input({ health: v2(ago(HOUR)) }))).toEqual([]);
    });

    it('uses the configured threshold', () => {
      const week = { ...ctx, thresholds: { ...ctx.thresholds, offsiteMaxAgeHours: 168 } };
      expect(statusOf(input({ health: v2(ago(4 * DAY)) }), week).status).toBe('healthy');
      expect(codes(input({ health: v2(ago(7 * DAY + 1)) }), week)).toEqual(['offsite_old']);
    });
  });

  it('warns when the license the appliance runs expires within 14 days, from the 14th day on', () => {
    expect(statusOf(input({ health: health({ licenseExpiresAt: ahead(14 * DAY + 1) }) })).status).toBe('healthy');
    expect(statusOf(input({ health: health({ licenseExpiresAt: ahead(14 * DAY) }) }))).toMatchObject({
      status: 'warning',
      reasons: [{ code: 'license_expiring', since: NOW.toISOString() }],
    });
  });

  it('is critical once the license has expired, to the millisecond', () => {
    expect(codes(input({ health: health({ licenseExpiresAt: ahead(1) }) }))).toEqual(['license_expiring']);
    expect(statusOf(input({ health: health({ licenseExpiresAt: NOW.toISOString() }) }))).toMatchObject({
      status: 'critical',
      reasons: [{ code: 'license_expired' }],
    });
  });

  it('uses the issued license until a heartbeat says which one the appliance runs', () => {
    expect(statusOf(input({ lastHeartbeatAt: null, enrolledAt: ago(60_000), health: null, issuedLicenseExpiresAt: ago(1) })).status).toBe(
      'critical',
    );
  });

  it('warns when the version is behind the latest, comparing numerically', () => {
    expect(statusOf(input({ health: health({ version: '1.10.0' }) }), { ...ctx, latestVersion: '1.9.3' }).status).toBe('healthy');
    expect(statusOf(input({ health: health({ version: '1.1.9' }) }))).toMatchObject({
      status: 'warning',
      reasons: [{ code: 'version_behind', value: '1.1.9' }],
    });
    expect(statusOf(input({ health: health({ version: '0.1.0' }) }), { ...ctx, latestVersion: null }).status).toBe('healthy');
  });

  it('is critical when errors rose since the previous heartbeat, not when they stay or fall', () => {
    expect(statusOf(input({ previousErrors24h: 4, health: health({ errors24h: 4 }) })).status).toBe('healthy');
    expect(statusOf(input({ previousErrors24h: 5, health: health({ errors24h: 4 }) })).status).toBe('healthy');
    expect(statusOf(input({ previousErrors24h: 4, health: health({ errors24h: 5 }) }))).toMatchObject({
      status: 'critical',
      reasons: [{ code: 'errors_rising', value: 5 }],
    });
    expect(statusOf(input({ previousErrors24h: null, health: health({ errors24h: 5 }) })).status).toBe('healthy');
  });

  it('goes stale after 3 heartbeat intervals of silence, not before', () => {
    const three = 3 * INTERVAL_SECONDS * 1000;
    expect(statusOf(input({ lastHeartbeatAt: ago(three - 1) })).status).toBe('healthy');
    expect(statusOf(input({ lastHeartbeatAt: ago(three) }))).toMatchObject({
      status: 'stale',
      reasons: [{ code: 'stale', since: NOW.toISOString() }],
    });
  });

  it('goes offline after 24 h of silence, not before', () => {
    expect(statusOf(input({ lastHeartbeatAt: ago(24 * HOUR - 1) })).status).toBe('stale');
    expect(statusOf(input({ lastHeartbeatAt: ago(24 * HOUR) }))).toMatchObject({ status: 'offline', reasons: [{ code: 'offline' }] });
  });

  it('counts silence from enrollment when no heartbeat ever came', () => {
    expect(statusOf(input({ lastHeartbeatAt: null, health: null, enrolledAt: ago(3 * INTERVAL_SECONDS * 1000 - 1) })).status).toBe(
      'pending',
    );
    expect(statusOf(input({ lastHeartbeatAt: null, health: null, enrolledAt: ago(3 * INTERVAL_SECONDS * 1000) })).status).toBe('stale');
    expect(statusOf(input({ lastHeartbeatAt: null, health: null, enrolledAt: ago(24 * HOUR) })).status).toBe('offline');
  });

  it('never calls an appliance healthy before its first heartbeat: it is pending', () => {
    const enrolledAt = ago(1000);
    expect(statusOf(input({ lastHeartbeatAt: null, health: null, enrolledAt }))).toEqual({
      status: 'pending',
      reasons: [
        { code: 'pending', level: 'pending', message: `enrolled on ${enrolledAt}, no heartbeat yet`, since: enrolledAt, value: null },
      ],
    });
    // The license issued to it is known: one running out outranks "pending".
    const expiring = statusOf(input({ lastHeartbeatAt: null, health: null, enrolledAt, issuedLicenseExpiresAt: ahead(DAY) }));
    expect(expiring.status).toBe('warning');
    expect(expiring.reasons.map((r) => r.code)).toEqual(['license_expiring', 'pending']);
  });

  it('lets silence win over health, but still lists every reason, worst first', () => {
    const result = statusOf(input({ lastHeartbeatAt: ago(2 * DAY), health: health({ diskFreeRatio: 0.01, version: '1.0.0' }) }));
    expect(result.status).toBe('offline');
    expect(result.reasons.map((r) => r.code)).toEqual(['disk_critical', 'offline', 'version_behind']);
  });

  it('follows configured thresholds', () => {
    const strict = { ...ctx, thresholds: { ...ctx.thresholds, diskWarningRatio: 0.3, staleIntervals: 2 } };
    expect(statusOf(input({ health: health({ diskFreeRatio: 0.29 }) }), strict).status).toBe('warning');
    expect(statusOf(input({ lastHeartbeatAt: ago(2 * INTERVAL_SECONDS * 1000) }), strict).status).toBe('stale');
  });
});

describe('when a status can next change with no heartbeat', () => {
  it('keeps every status unchanged until that moment, and names the moment it changes', () => {
    fc.assert(
      fc.property(
        fc.record({
          silence: fc.integer({ min: 0, max: 3 * DAY }),
          backupAge: fc.option(fc.integer({ min: 0, max: 3 * DAY }), { nil: null }),
          // undefined: a v1 heartbeat (no field); null: v2 with no off-site copy yet.
          offsiteAge: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: 0, max: 5 * DAY })),
          licenseLeft: fc.integer({ min: -DAY, max: 20 * DAY }),
          enrolledAgo: fc.integer({ min: 0, max: 5 * DAY }),
          step: fc.integer({ min: 1, max: 1000 }),
        }),
        ({ silence, backupAge, offsiteAge, licenseLeft, enrolledAgo, step }) => {
          const i = input({
            enrolledAt: ago(enrolledAgo),
            lastHeartbeatAt: ago(silence),
            health: health({
              lastBackupAt: backupAge === null ? null : ago(backupAge),
              licenseExpiresAt: ahead(licenseLeft),
              ...(offsiteAge === undefined ? {} : { lastOffsiteBackupAt: offsiteAge === null ? null : ago(offsiteAge) }),
            }),
          });
          const facts = statusFacts(i);
          const at = (ms: number) => ({ ...ctx, now: new Date(ms) });
          const before = statusFromFacts(facts, ctx);
          const next = nextStatusChange(facts, ctx);
          expect(next).toBeGreaterThan(NOW.getTime());
          // Anywhere before `next` the answer is the same; at `next` a reason appears or goes.
          const probe = Math.min(next - 1, NOW.getTime() + step * 60_000);
          expect(statusFromFacts(facts, at(probe))).toEqual(before);
          if (Number.isFinite(next))
            expect(statusFromFacts(facts, at(next)).reasons.map((r) => r.code)).not.toEqual(before.reasons.map((r) => r.code));
        },
      ),
      { numRuns: 500 },
    );
  });
});
