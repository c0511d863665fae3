/**
 * The license_mismatch judgement (domain/licenseConformity.ts), on records in memory with frozen
 * times: a license never issued, an older one kept after the offers, usage above the limits, the
 * hold after the last sign, and the audit anchors kept per appliance (bounded).
 */
import { describe, expect, it } from 'vitest';
import type { HeartbeatPayload, LicenseClaims } from '@iamanager/protocol';
import {
  LICENSE_OFFERS_BEFORE_MISMATCH,
  MAX_AUDIT_ANCHORS,
  MAX_PREVIOUS_LICENSE_IDS,
  MISMATCH_HOLD_MS,
  judgeHeartbeat,
  replaceLicense,
  type ConformityRecord,
} from '../../../control-plane/src/domain/licenseConformity.js';
import type { IssuedLicense } from '../../../control-plane/src/domain/licenses.js';

const T0 = Date.parse('2026-03-15T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function issued(jti: string, overrides: Partial<LicenseClaims> = {}): IssuedLicense {
  const claims: LicenseClaims = {
    iss: 'cp',
    sub: 'dupont',
    aud: 'apl-dupont-1',
    jti,
    iat: T0 / 1000,
    nbf: T0 / 1000,
    exp: T0 / 1000 + 30 * 86_400,
    graceDays: 14,
    plan: 'starter',
    limits: { maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100 },
    aiModel: 'ceseda-basic-v1',
    advancedFeatures: false,
    overage: { allowed: false, pricePerAnalysisCents: 0 },
    ...overrides,
  };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return { jws: `${part({ alg: 'EdDSA' })}.${part(claims)}.sig`, jti, iat: claims.iat, exp: claims.exp, revision: 1, plan: claims.plan };
}

function record(): ConformityRecord {
  return {
    license: issued('lic-1'),
    previousLicenseIds: [],
    licenseOffers: 0,
    licenseMismatch: null,
    auditAnchors: [],
    auditRewound: null,
  };
}

let seq = 0;
function beat(
  overrides: { licenseId?: string; usage?: Partial<HeartbeatPayload['usage']>; length?: number; head?: string } = {},
): HeartbeatPayload {
  seq++;
  return {
    v: 2,
    iss: 'apl-dupont-1',
    sub: 'dupont',
    seq,
    iat: T0 / 1000,
    month: '2026-03',
    licenseId: overrides.licenseId ?? 'lic-1',
    audit: { head: overrides.head ?? (overrides.length ?? seq).toString(16).padStart(64, '0'), length: overrides.length ?? seq },
    usage: { analysesUsed: 10, analysesOverage: 0, usersActive: 2, casesOpen: 50, storageBytes: 1, ...overrides.usage },
    health: {
      version: '1.0.0',
      uptimeSeconds: 1,
      cpuLoad: 0,
      memoryUsedRatio: 0,
      diskFreeBytes: 1,
      diskFreeRatio: 0.5,
      lastBackupAt: null,
      licenseExpiresAt: at(0),
      errors24h: 0,
      lastOffsiteBackupAt: null,
    },
  };
}

describe('license mismatch', () => {
  it('holds nothing against an appliance running the license issued to it, within its limits', () => {
    const r = record();
    judgeHeartbeat(r, beat(), at(0));
    expect(r.licenseMismatch).toBeNull();
  });

  it('flags at once a license never issued to the appliance', () => {
    const r = record();
    judgeHeartbeat(r, beat({ licenseId: 'forged' }), at(0));
    expect(r.licenseMismatch).toMatchObject({ kind: 'unknown_license', licenseId: 'forged', since: at(0), lastSeenAt: at(0) });
  });

  it('lets a renewal in flight run the previous license, and flags it once offered enough times', () => {
    const r = record();
    replaceLicense(r, issued('lic-2'));
    expect(r.previousLicenseIds).toEqual(['lic-1']);
    for (let offers = 0; offers < LICENSE_OFFERS_BEFORE_MISMATCH; offers++) {
      // Each heartbeat on the older license counts the offer its answer makes.
      judgeHeartbeat(r, beat({ licenseId: 'lic-1' }), at(offers));
      expect(r.licenseMismatch).toBeNull();
      expect(r.licenseOffers).toBe(offers + 1);
    }
    judgeHeartbeat(r, beat({ licenseId: 'lic-1' }), at(10));
    expect(r.licenseMismatch).toMatchObject({
      kind: 'older_license',
      message: expect.stringContaining(`offered in ${LICENSE_OFFERS_BEFORE_MISMATCH} answers`),
    });
  });

  it('flags usage above the limits issued, analyses only for a plan without overage', () => {
    const users = record();
    judgeHeartbeat(users, beat({ usage: { usersActive: 4 } }), at(0));
    expect(users.licenseMismatch).toMatchObject({
      kind: 'usage_above_limits',
      message: expect.stringContaining('4 active users (license: 3)'),
    });
    const analyses = record();
    judgeHeartbeat(analyses, beat({ usage: { analysesUsed: 101 } }), at(0));
    expect(analyses.licenseMismatch?.kind).toBe('usage_above_limits');
    const overage = record();
    overage.license = issued('lic-1', { overage: { allowed: true, pricePerAnalysisCents: 50 } });
    judgeHeartbeat(overage, beat({ usage: { analysesUsed: 101 } }), at(0));
    expect(overage.licenseMismatch).toBeNull();
  });

  it('keeps the mismatch, and its start, until the hold has passed since the last sign', () => {
    const r = record();
    judgeHeartbeat(r, beat({ licenseId: 'forged' }), at(0));
    judgeHeartbeat(r, beat({ licenseId: 'forged' }), at(1000));
    expect(r.licenseMismatch).toMatchObject({ since: at(0), lastSeenAt: at(1000) });
    judgeHeartbeat(r, beat(), at(MISMATCH_HOLD_MS));
    expect(r.licenseMismatch).not.toBeNull();
    judgeHeartbeat(r, beat(), at(1000 + MISMATCH_HOLD_MS));
    expect(r.licenseMismatch).toBeNull();
  });

  it('undoes its judgement for a heartbeat that was not made durable', () => {
    const r = record();
    const undo = judgeHeartbeat(r, beat({ licenseId: 'forged' }), at(0));
    undo();
    expect(r.licenseMismatch).toBeNull();
    expect(r.auditAnchors).toEqual([]);
  });

  it('keeps at most MAX_PREVIOUS_LICENSE_IDS earlier license ids', () => {
    const r = record();
    for (let i = 2; i < MAX_PREVIOUS_LICENSE_IDS + 10; i++) replaceLicense(r, issued(`lic-${i}`));
    expect(r.previousLicenseIds).toHaveLength(MAX_PREVIOUS_LICENSE_IDS);
    expect(r.previousLicenseIds.at(-1)).toBe(`lic-${MAX_PREVIOUS_LICENSE_IDS + 8}`);
  });
});

describe('audit anchors', () => {
  it('keeps one per change of the chain, the newest MAX_AUDIT_ANCHORS', () => {
    const r = record();
    judgeHeartbeat(r, beat({ length: 5 }), at(0));
    judgeHeartbeat(r, beat({ length: 5 }), at(1));
    expect(r.auditAnchors).toHaveLength(1);
    for (let n = 6; n < 6 + MAX_AUDIT_ANCHORS + 5; n++) judgeHeartbeat(r, beat({ length: n }), at(n));
    expect(r.auditAnchors).toHaveLength(MAX_AUDIT_ANCHORS);
    expect(r.auditAnchors.at(-1)).toMatchObject({ length: 5 + MAX_AUDIT_ANCHORS + 5, at: at(5 + MAX_AUDIT_ANCHORS + 5) });
  });

  it('notes a chain that went back from an anchor: shorter, or another head at an anchored length', () => {
    const shorter = record();
    judgeHeartbeat(shorter, beat({ length: 10 }), at(0));
    judgeHeartbeat(shorter, beat({ length: 8 }), at(1));
    expect(shorter.auditRewound).toMatchObject({ from: { length: 10 }, to: { length: 8 }, since: at(1) });
    const rewritten = record();
    judgeHeartbeat(rewritten, beat({ length: 10 }), at(0));
    judgeHeartbeat(rewritten, beat({ length: 10, head: 'f'.repeat(64) }), at(1));
    expect(rewritten.auditRewound).toMatchObject({ from: { length: 10 }, to: { length: 10, head: 'f'.repeat(64) } });
    const growing = record();
    judgeHeartbeat(growing, beat({ length: 10 }), at(0));
    judgeHeartbeat(growing, beat({ length: 12 }), at(1));
    expect(growing.auditRewound).toBeNull();
  });
});
