/**
 * The receipt the control plane signs for an appliance (protocol/src/receipt.ts): its own time and
 * the audit anchors it keeps for the appliance (licenseConformity.ts keeps at most
 * MAX_AUDIT_ANCHORS). Sent with every heartbeat answer and on `GET /v1/audit-anchors`.
 */
import { signReceipt } from '@iamanager/protocol';
import { epochSeconds } from '../clock.js';
import type { ApplianceRecord } from '../storage/records.js';
import type { LicenseIssuer } from './licenses.js';

export async function receiptFor(issuer: Pick<LicenseIssuer, 'config' | 'keys'>, appliance: ApplianceRecord, now: Date): Promise<string> {
  return signReceipt(
    {
      iss: issuer.config.issuer,
      aud: appliance.id,
      sub: appliance.cabinetId,
      iat: epochSeconds(now),
      anchors: appliance.auditAnchors.map(({ head, length, at }) => ({ head, length, at })),
    },
    await issuer.keys.signingKey(),
  );
}
