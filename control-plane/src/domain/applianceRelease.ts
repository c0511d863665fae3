/**
 * The appliance release this control plane ships with: what its install bundles run when
 * LATEST_APPLIANCE_VERSION is unset, and the fleet's "latest version" then. It is the vendor's
 * own word, never what an appliance reports (tests/control-plane/applianceRelease.test.ts keeps it
 * equal to the appliance's APPLIANCE_VERSION of the same source tree).
 */
export const SHIPPED_APPLIANCE_VERSION = '0.1.0';
