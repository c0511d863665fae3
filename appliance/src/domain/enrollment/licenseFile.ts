/**
 * License files for cabinets without outbound network: the vendor posts the appliance's enrollment
 * request for it and hands back the answer (the same JSON `POST /v1/enroll` returns); later
 * renewals are a license alone (`{ "license": "…" }` or the bare JWS).
 */
import { z } from 'zod';
import { enrollResponseSchema, formatIssues } from '@iamanager/protocol';
import type { Appliance } from '../../appliance.js';
import { installEnrollment } from './enroll.js';
import { ApplianceError } from '../../errors.js';

const renewalSchema = z.strictObject({ license: z.string().min(1) });

export async function importLicenseFile(appliance: Appliance, text: string): Promise<'enrollment' | 'renewal'> {
  const trimmed = text.trim();
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(trimmed)) {
    await appliance.license.install({ license: trimmed });
    return 'renewal';
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new ApplianceError('invalid_input', 'file: is neither a license (JWS) nor a license file (JSON) from your vendor');
  }
  const enrollment = enrollResponseSchema.safeParse(json);
  if (enrollment.success) {
    await installEnrollment(appliance, enrollment.data);
    return 'enrollment';
  }
  const renewal = renewalSchema.safeParse(json);
  if (renewal.success) {
    await appliance.license.install({ license: renewal.data.license });
    return 'renewal';
  }
  throw new ApplianceError('invalid_input', `file: not a license file: ${formatIssues(enrollment.error.issues).join('; ')}`);
}
