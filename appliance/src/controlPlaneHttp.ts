/**
 * The HTTP client the appliance talks to the control plane with (enrollment, heartbeats, the
 * doctor's reachability check): a User-Agent naming the appliance and its version, so the vendor's
 * logs — and the test suite's privacy scan — can tell what the appliance software sent.
 * Importers load it with `await import()` when they first talk to the control plane: got is not
 * needed before the server listens, and a restart should not wait for it.
 */
import { got, type OptionsOfJSONResponseBody } from 'got';
import { LICENSE_OFFERS_HEADER, LICENSE_OFFERS_VALUE, formatIssues, jwksSchema, type Jwks } from '@iamanager/protocol';
import { APPLIANCE_VERSION } from './config.js';
import { ApplianceError } from './errors.js';

export { HTTPError, RequestError } from 'got';

const APPLIANCE_USER_AGENT = `iamanager-appliance/${APPLIANCE_VERSION}`;

/**
 * Every request also says that this appliance reads the license's vendor contact and plan offers
 * (protocol/src/licenseOffers.ts): the control plane then puts them in the licenses it issues it.
 */
export const controlPlaneHttp = got.extend({
  headers: { 'user-agent': APPLIANCE_USER_AGENT, [LICENSE_OFFERS_HEADER]: LICENSE_OFFERS_VALUE },
});

/** The control plane's JSON error body (`{ error, message, details }`), or nothing when it is not JSON. */
export function controlPlaneAnswer(body: unknown): { error?: string; message?: string; details?: { lastSeq?: unknown } } {
  try {
    return JSON.parse(String(body)) as { error?: string; message?: string; details?: { lastSeq?: unknown } };
  } catch {
    return {};
  }
}

/** The vendor's published license keys (`GET /v1/keys`), checked to be a key set; pins decide what is trusted. */
export async function fetchVendorKeys(
  controlPlaneUrl: string,
  options: Pick<OptionsOfJSONResponseBody, 'timeout' | 'retry' | 'signal'>,
): Promise<Jwks> {
  const parsed = jwksSchema.safeParse(await controlPlaneHttp.get(new URL('/v1/keys', controlPlaneUrl), options).json());
  if (!parsed.success)
    throw new ApplianceError(
      'control_plane_error',
      `the control plane's /v1/keys is not a key set: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  return parsed.data;
}
