/**
 * The HTTP client the appliance talks to the control plane with (enrollment, heartbeats, the
 * doctor's reachability check): a User-Agent naming the appliance and its version, so the vendor's
 * logs — and the test suite's privacy scan — can tell what the appliance software sent.
 * Importers load it with `await import()` when they first talk to the control plane: got is not
 * needed before the server listens, and a restart should not wait for it.
 */
import { got } from 'got';

export { HTTPError, RequestError } from 'got';
import { APPLIANCE_VERSION } from './config.js';

export const APPLIANCE_USER_AGENT = `iamanager-appliance/${APPLIANCE_VERSION}`;

export const controlPlaneHttp = got.extend({ headers: { 'user-agent': APPLIANCE_USER_AGENT } });
