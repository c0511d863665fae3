import type { Appliance } from '../../appliance.js';

/** What the setup wizard shows the IT person to check the browser's certificate warning against. */
export function tlsFacts(appliance: Appliance): Record<string, unknown> {
  const m = appliance.tls.material();
  return {
    tls: m
      ? {
          source: m.source,
          caFingerprint: m.caFingerprint,
          caNotAfter: m.caNotAfter?.toISOString() ?? null,
          caRenewal: m.caRenewal,
          certificateFingerprint: m.certFingerprint,
          notAfter: m.notAfter.toISOString(),
          names: m.names,
          omittedNames: m.omittedNames,
          caDownload: m.ca ? '/ca.crt' : null,
        }
      : null,
  };
}
