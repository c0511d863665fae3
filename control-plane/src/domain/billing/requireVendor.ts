import type { VendorIdentity } from '../../storage/billingRecords.js';
import { REQUIRED_VENDOR_VARIABLES } from './vendorIdentity.js';
import { ControlPlaneError } from '../../errors.js';

/** The vendor identity, or `billing_not_configured` naming the variables to set. */
export function requireVendor(vendor: VendorIdentity | undefined): VendorIdentity {
  if (!vendor) {
    throw new ControlPlaneError(
      'billing_not_configured',
      `billing is not configured: set ${REQUIRED_VENDOR_VARIABLES.join(', ')} (see docs/billing.md) and restart the control plane`,
    );
  }
  return vendor;
}
