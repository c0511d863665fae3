/**
 * The fleet's "latest version" when LATEST_APPLIANCE_VERSION is unset is the appliance release
 * the control plane ships with — the vendor's word, never an appliance's report. It must be the
 * release this source tree builds, or every appliance would read as behind (or none ever would).
 */
import { describe, expect, it } from 'vitest';
import { APPLIANCE_VERSION } from '../../appliance/src/config.js';
import { SHIPPED_APPLIANCE_VERSION } from '../../control-plane/src/domain/applianceRelease.js';
import { latestApplianceVersion } from '../../control-plane/src/domain/fleet.js';

describe('the appliance release the control plane ships with', () => {
  it('is the appliance version of the same source tree', () => {
    expect(SHIPPED_APPLIANCE_VERSION).toBe(APPLIANCE_VERSION);
  });

  it('is the latest version unless the vendor configures another', () => {
    expect(latestApplianceVersion({ config: { latestApplianceVersion: undefined } })).toBe(SHIPPED_APPLIANCE_VERSION);
    expect(latestApplianceVersion({ config: { latestApplianceVersion: '2.3.4' } })).toBe('2.3.4');
  });
});
