/**
 * Enrollment (docs/protocol.md): an appliance presents a one-time code and its own public key,
 * and gets its appliance id and a signed license. Re-enrolling a cabinet revokes the key of the
 * appliance it had before, so a cloned or stolen appliance stops being counted. The cabinet store
 * claims the code and creates the appliance in one step (domain/cabinets.ts `enroll`): a code
 * used on two nodes at once enrolls one appliance.
 */
import { randomBytes } from 'node:crypto';
import type { EnrollRequest, EnrollResponse } from '@iamanager/protocol';
import type { Config } from '../config.js';
import type { ApplianceRecord } from '../storage/records.js';
import type { CabinetRegistry } from './cabinets.js';
import { issueLicense, type LicenseIssuer } from './licenses.js';
import { emptyHistory } from './applianceHistory.js';

export interface EnrollmentContext extends LicenseIssuer {
  config: LicenseIssuer['config'] & Pick<Config, 'heartbeatIntervalSeconds'>;
  cabinets: CabinetRegistry;
}

function newApplianceId(cabinetId: string): string {
  return `${cabinetId.slice(0, 48)}-${randomBytes(6).toString('hex')}`;
}

/** `readsOffers`: the appliance said it reads the license's contact and offers claims (protocol/src/licenseOffers.ts). */
export async function enrollAppliance(
  ctx: EnrollmentContext,
  request: EnrollRequest,
  now: Date,
  options: { readsOffers?: boolean } = {},
): Promise<EnrollResponse> {
  const readsOffers = options.readsOffers === true;
  const { cabinet, appliance } = await ctx.cabinets.enroll(request.code, now, newApplianceId, async (cabinet, applianceId) => {
    const license = await issueLicense(ctx, cabinet, applianceId, now, undefined, { withOffers: readsOffers });
    const record: ApplianceRecord = {
      id: applianceId,
      cabinetId: cabinet.id,
      publicKey: { kty: request.publicKey.kty, crv: request.publicKey.crv, x: request.publicKey.x },
      instanceName: request.instanceName,
      enrolledVersion: request.version,
      enrolledAt: now.toISOString(),
      revokedAt: null,
      license,
      lastSeq: 0,
      lastHeartbeatAt: null,
      health: null,
      previousErrors24h: null,
      months: {},
      history: emptyHistory(),
      previousLicenseIds: [],
      licenseOffers: 0,
      licenseMismatch: null,
      auditAnchors: [],
      auditRewound: null,
      readsOffers,
    };
    return record;
  });
  return {
    applianceId: appliance.id,
    cabinetId: cabinet.id,
    license: appliance.license.jws,
    heartbeatIntervalSeconds: ctx.config.heartbeatIntervalSeconds,
    vendorKeys: await ctx.keys.jwks(),
  };
}
