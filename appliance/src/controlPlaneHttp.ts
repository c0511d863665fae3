/**
 * The HTTP client the appliance talks to the control plane with (enrollment, heartbeats, the
 * doctor's reachability check): a User-Agent naming the appliance and its version, so the vendor's
 * logs — and the test suite's privacy scan — can tell what the appliance software sent.
 */
import { got } from 'got';
import { APPLIANCE_VERSION } from './config.js';

export const APPLIANCE_USER_AGENT = `iamanager-appliance/${APPLIANCE_VERSION}`;

export const controlPlaneHttp = got.extend({ headers: { 'user-agent': APPLIANCE_USER_AGENT } });
