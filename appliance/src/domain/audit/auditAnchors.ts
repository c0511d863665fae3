/**
 * The audit anchors the control plane keeps for this appliance, fetched for `appliance audit
 * verify`: `GET /v1/audit-anchors`, authenticated by a short token signed with the appliance key,
 * answered with a receipt signed by the vendor (protocol/src/receipt.ts). They are fetched each
 * time rather than kept in DATA_DIR, where whoever rewrites the audit log could rewrite them too;
 * the receipt's signature (vendor keys, pins) makes an answer forged on the LAN fail.
 */
import { receiptAnchorSchema, signAnchorRequest, type ReceiptAnchor } from '@iamanager/protocol';
import { z } from 'zod';
import type { Appliance } from '../../appliance.js';
import { loadApplianceKey } from '../enrollment/applianceKey.js';
import { ApplianceError } from '../../errors.js';

export type VendorAnchors = { checked: true; anchors: ReceiptAnchor[]; vendorTime: string } | { checked: false; reason: string };

const answerSchema = z.object({ receipt: z.string().min(1) });

export async function fetchVendorAnchors(appliance: Appliance): Promise<VendorAnchors> {
  const { license } = appliance;
  const url = appliance.config.controlPlaneUrl;
  if (!license.enrolled || !license.applianceId || !license.cabinetId)
    return { checked: false, reason: 'this appliance is not enrolled: there are no vendor anchors to check against' };
  if (!url)
    return { checked: false, reason: 'CONTROL_PLANE_URL is not set: the chain was checked on its own, not against the vendor anchors' };
  const key = await loadApplianceKey(appliance.config.dataDir);
  if (!key) throw new ApplianceError('no_appliance_key', 'the appliance key is missing: enroll again');
  const http = await import('../../controlPlaneHttp.js');
  const token = await signAnchorRequest(
    { iss: license.applianceId, sub: license.cabinetId, iat: Math.floor(appliance.clock().getTime() / 1000) },
    key.privateKey,
  );
  let body: unknown;
  try {
    body = await http.controlPlaneHttp
      .get(new URL('/v1/audit-anchors', url), {
        headers: { authorization: `Bearer ${token}` },
        timeout: { connect: 5_000, request: 15_000 },
        retry: { limit: 0 },
      })
      .json();
  } catch (err) {
    if (err instanceof http.HTTPError)
      throw new ApplianceError(
        'control_plane_error',
        `the control plane refused the anchor request (${err.response.statusCode}): ${String(err.response.body).slice(0, 300)}`,
      );
    return {
      checked: false,
      reason: `cannot reach the control plane (${(err as { code?: string }).code ?? (err as Error).message}): the chain was checked on its own, not against the vendor anchors`,
    };
  }
  const answer = answerSchema.safeParse(body);
  if (!answer.success) throw new ApplianceError('control_plane_error', 'the control plane answered the anchor request without a receipt');
  // Verified with the vendor keys (pins): an answer made up on the way is refused, not believed.
  const claims = await license.acceptReceipt(answer.data.receipt);
  const anchors = z.array(receiptAnchorSchema).parse(claims.anchors);
  return { checked: true, anchors, vendorTime: new Date(claims.iat * 1000).toISOString() };
}
