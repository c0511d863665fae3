/**
 * Sends a support bundle to the control plane (`POST /v1/support-bundles`), signed by the
 * appliance key over the bundle's SHA-256 and size (protocol/src/supportBundle.ts). Only ever the
 * exact bytes the IT person was shown or has on disk: the caller passes them in.
 */
import { createHash } from 'node:crypto';
import { MAX_SUPPORT_BUNDLE_BYTES, signSupportUpload } from '@iamanager/protocol';
import { z } from 'zod';
import type { Appliance } from '../../appliance.js';
import { loadApplianceKey } from '../enrollment/applianceKey.js';
import { ApplianceError } from '../../errors.js';

const answerSchema = z.object({ id: z.string(), expiresAt: z.string(), bytes: z.number() });
export type SupportUploadReceipt = z.infer<typeof answerSchema>;

export async function uploadSupportBundle(appliance: Appliance, bytes: Buffer): Promise<SupportUploadReceipt> {
  const { license } = appliance;
  const url = appliance.config.controlPlaneUrl;
  if (!license.enrolled || !license.applianceId || !license.cabinetId)
    throw new ApplianceError('not_enrolled', 'this appliance is not enrolled: send the bundle file to support by other means');
  if (!url)
    throw new ApplianceError('control_plane_unreachable', 'CONTROL_PLANE_URL is not set: send the bundle file to support by other means');
  if (bytes.length === 0 || bytes.length > MAX_SUPPORT_BUNDLE_BYTES)
    throw new ApplianceError(
      'support_bundle_too_large',
      `the bundle is ${bytes.length} bytes: a support bundle is between 1 and ${MAX_SUPPORT_BUNDLE_BYTES} bytes`,
    );
  const key = await loadApplianceKey(appliance.config.dataDir);
  if (!key) throw new ApplianceError('no_appliance_key', 'the appliance key is missing: enroll again');
  const token = await signSupportUpload(
    {
      iss: license.applianceId,
      sub: license.cabinetId,
      iat: Math.floor(appliance.clock().getTime() / 1000),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    },
    key.privateKey,
  );
  const http = await import('../../controlPlaneHttp.js');
  let body: unknown;
  try {
    body = await http.controlPlaneHttp
      .post(new URL('/v1/support-bundles', url), {
        json: { bundle: bytes.toString('base64') },
        headers: { authorization: `Bearer ${token}` },
        timeout: { connect: 5_000, request: 60_000 },
        retry: { limit: 0 },
      })
      .json();
  } catch (err) {
    if (err instanceof http.HTTPError)
      throw new ApplianceError(
        'support_upload_refused',
        `the control plane refused the support bundle (${err.response.statusCode}): ${String(err.response.body).slice(0, 300)}`,
      );
    throw new ApplianceError(
      'control_plane_unreachable',
      `cannot reach the control plane (${(err as { code?: string }).code ?? (err as Error).message}): send the bundle file to support by other means`,
    );
  }
  const answer = answerSchema.safeParse(body);
  if (!answer.success) throw new ApplianceError('control_plane_error', 'the control plane answered the upload without an id and expiry');
  return answer.data;
}
