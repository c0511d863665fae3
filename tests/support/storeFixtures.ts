/**
 * Records for the storage seam's contract tests (tests/control-plane/postgres/): valid as the
 * control plane's own schemas read them, with nothing the stores under test would compute.
 */
import { applianceRecordSchema, type ApplianceRecord } from '../../control-plane/src/storage/records.js';

export function applianceRecord(id: string, cabinetId: string, at = '2026-03-01T09:00:00.000Z'): ApplianceRecord {
  return applianceRecordSchema.parse({
    id,
    cabinetId,
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
    instanceName: `${cabinetId}-prod`,
    enrolledVersion: '1.0.0',
    enrolledAt: at,
    revokedAt: null,
    license: { jws: 'h.p.s', jti: `jti-${id}`, iat: 1_772_355_600, exp: 1_774_947_600, revision: 1, plan: 'essentiel' },
    lastSeq: 0,
    lastHeartbeatAt: null,
    health: null,
    months: {},
  });
}
