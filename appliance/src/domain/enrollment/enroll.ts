/**
 * Enrollment: the appliance generates a new key pair, sends the one-time code and its public key
 * to the control plane, and installs the signed license it gets back. Every enrollment uses a new
 * key — the control plane revokes the previous one — so a restored or moved appliance never shares
 * a key with its former self.
 *
 * For a cabinet without outbound network, `enrollmentRequest` writes the same request to a file the
 * vendor posts for it; the answer is imported with `appliance license import FILE`.
 */
import {
  DomainError,
  enrollResponseSchema,
  formatIssues,
  partitionByPins,
  publicJwk,
  type EnrollRequest,
  type EnrollResponse,
} from '@iamanager/protocol';
import type { Appliance } from '../../appliance.js';
import {
  loadApplianceKey,
  newApplianceKey,
  promotePendingApplianceKey,
  savePendingApplianceKey,
  saveApplianceKey,
} from './applianceKey.js';
import type { KeyObject } from 'node:crypto';
import type * as ControlPlaneHttp from '../../controlPlaneHttp.js';
import { ApplianceError } from '../../errors.js';

export function enrollmentRequest(appliance: Appliance, code: string, publicKey: KeyObject): EnrollRequest {
  return {
    code: code.trim(),
    publicKey: publicJwk(publicKey),
    instanceName: appliance.config.instanceName ?? appliance.config.clientId ?? 'appliance',
    version: appliance.config.version,
  };
}

export async function enroll(
  appliance: Appliance,
  code: string,
  controlPlaneUrl = appliance.config.controlPlaneUrl,
): Promise<EnrollResponse> {
  if (!controlPlaneUrl)
    throw new ApplianceError('invalid_input', 'controlPlaneUrl: no control plane URL: set CONTROL_PLANE_URL or pass --control-plane URL');
  if (!/^[A-Za-z0-9 -]{4,64}$/.test(code.trim()))
    throw new ApplianceError('invalid_input', 'code: must be the enrollment code from your vendor (letters, digits and dashes)');
  const key = newApplianceKey();
  const request = enrollmentRequest(appliance, code, key.publicKey);
  let body: unknown;
  // got is loaded when first needed: `serve` should not pay for it before it listens.
  const http = await import('../../controlPlaneHttp.js');
  try {
    await checkPinsFirst(appliance, controlPlaneUrl, http);
    body = await http.controlPlaneHttp
      .post(new URL('/v1/enroll', controlPlaneUrl), {
        json: request,
        timeout: { connect: 5_000, request: 20_000 },
        // A code is single-use: only retry when the request cannot have reached the server.
        retry: {
          limit: 2,
          methods: ['POST'],
          statusCodes: [502, 503, 504],
          errorCodes: ['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH'],
        },
      })
      .json();
  } catch (err) {
    throw enrollmentFailure(err, controlPlaneUrl, http);
  }
  const parsed = enrollResponseSchema.safeParse(body);
  if (!parsed.success)
    throw new ApplianceError(
      'control_plane_error',
      `the control plane's answer is not an enrollment: ${formatIssues(parsed.error.issues).join('; ')}`,
    );
  await installEnrollment(appliance, parsed.data, key);
  return parsed.data;
}

/** Writes an enrollment request for the vendor to post (cabinets without outbound network). */
export async function offlineEnrollmentRequest(appliance: Appliance, code: string): Promise<EnrollRequest> {
  if (!/^[A-Za-z0-9 -]{4,64}$/.test(code.trim()))
    throw new ApplianceError('invalid_input', 'code: must be the enrollment code from your vendor (letters, digits and dashes)');
  const key = newApplianceKey();
  await savePendingApplianceKey(appliance.config.dataDir, key);
  return enrollmentRequest(appliance, code, key.publicKey);
}

/** Installs an enrollment answer (from the network, or a file for air-gapped cabinets). */
export async function installEnrollment(
  appliance: Appliance,
  response: EnrollResponse,
  key?: Awaited<ReturnType<typeof newApplianceKey>>,
): Promise<void> {
  if (appliance.config.clientId && appliance.config.clientId !== response.cabinetId) {
    throw new ApplianceError(
      'wrong_cabinet',
      `this code enrolls cabinet "${response.cabinetId}", but CLIENT_ID is "${appliance.config.clientId}": check the code or CLIENT_ID`,
    );
  }
  await appliance.license.install({
    license: response.license,
    vendorKeys: response.vendorKeys,
    applianceId: response.applianceId,
    cabinetId: response.cabinetId,
    heartbeatIntervalSeconds: response.heartbeatIntervalSeconds,
    reset: true,
  });
  if (key) await saveApplianceKey(appliance.config.dataDir, key);
  else if (!(await promotePendingApplianceKey(appliance.config.dataDir)) && !(await loadApplianceKey(appliance.config.dataDir))) {
    throw new ApplianceError(
      'no_appliance_key',
      'this appliance has no key for that enrollment: run `appliance enroll --code CODE --offline --out request.json` first and have the vendor answer that request',
    );
  }
  await appliance.heartbeats.resetForNewEnrollment(response.applianceId);
  await appliance.upgradeRequests.resetForNewEnrollment();
  appliance.log.info({ applianceId: response.applianceId, cabinetId: response.cabinetId }, 'enrolled');
}

/**
 * With VENDOR_KEY_PINS, a control plane none of whose published keys is pinned (a mistyped pin,
 * another vendor's URL) is refused before the code is sent: the control plane spends a code — and
 * revokes the cabinet's previous appliance — as soon as it answers, even if that answer is then
 * refused here. Pins that hold only some of the published keys get the full check on the license.
 */
async function checkPinsFirst(appliance: Appliance, controlPlaneUrl: string, http: typeof ControlPlaneHttp): Promise<void> {
  const pins = appliance.config.vendorKeyPins;
  if (!pins) return;
  const published = await http.fetchVendorKeys(controlPlaneUrl, { timeout: { connect: 5_000, request: 20_000 }, retry: { limit: 2 } });
  const { pinned } = await partitionByPins(published, pins);
  if (pinned.length === 0) {
    throw new ApplianceError(
      'untrusted_vendor_key',
      `none of the keys the control plane at ${controlPlaneUrl} publishes is in VENDOR_KEY_PINS (the enrollment code was not used): check CONTROL_PLANE_URL and copy the VENDOR_KEY_PINS line of your install bundle's .env into the appliance configuration`,
    );
  }
}

function enrollmentFailure(err: unknown, url: string, { HTTPError, RequestError }: typeof ControlPlaneHttp): DomainError {
  if (err instanceof DomainError) return err; // already says what to do (the pins check)
  if (err instanceof HTTPError) {
    let answer: { error?: string; message?: string } = {};
    try {
      answer = JSON.parse(String(err.response.body)) as typeof answer;
    } catch {
      // not JSON
    }
    return new ApplianceError(
      answer.error === 'rate_limited' ? 'rate_limited' : 'enrollment_refused',
      `the control plane refused the enrollment (${err.response.statusCode}${answer.error ? ` ${answer.error}` : ''}): ${answer.message ?? 'no reason given'}`,
      { status: err.response.statusCode, error: answer.error },
    );
  }
  if (err instanceof RequestError) {
    return new ApplianceError(
      'control_plane_unreachable',
      `cannot reach the control plane at ${url} (${err.code}): check the URL and the cabinet's outbound network, or enroll offline with a license file`,
    );
  }
  return new ApplianceError('control_plane_error', `enrollment failed: ${(err as Error).message}`);
}
