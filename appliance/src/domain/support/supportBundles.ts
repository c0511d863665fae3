/**
 * The support bundle use cases the edges share: build one (collect, then archive), and keep the
 * last one built in memory so the admin page uploads or downloads exactly what it showed — the
 * preview names the bundle by its SHA-256, and only that bundle can be sent.
 */
import type { Appliance } from '../../appliance.js';
import { ApplianceError } from '../../errors.js';
import { collectSupport, type DoctorReport } from './collectSupport.js';
import { serverLogRing } from './logRing.js';
import { buildSupportBundle, type SupportBundle } from './supportArchive.js';

/** Bundles shown and not yet sent: a few, so two admins previewing at once do not cancel each other out. */
const KEPT = 4;
const shown: SupportBundle[] = [];

export async function makeSupportBundle(appliance: Appliance, doctor: () => Promise<DoctorReport>): Promise<SupportBundle> {
  const collected = await collectSupport(appliance, doctor, serverLogRing);
  const bundle = await buildSupportBundle(collected, appliance.clock(), appliance.config.version);
  shown.unshift(bundle);
  shown.length = Math.min(shown.length, KEPT);
  return bundle;
}

/** A bundle built here recently, by its SHA-256 (from the preview page's form). */
export function shownBundle(sha256: string): SupportBundle {
  const found = shown.find((b) => b.sha256 === sha256);
  if (!found)
    throw new ApplianceError(
      'support_bundle_not_found',
      'this support bundle is no longer held (the appliance restarted): prepare it again',
    );
  return found;
}
