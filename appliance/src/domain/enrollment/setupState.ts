/**
 * Where setup stands: done, owned, and which control plane an enrollment may call. Read by the
 * setup API, the wizard's pages and the fence that keeps everything else closed until setup is done.
 */
import type { Appliance } from '../../appliance.js';
import type { Caller } from '../../auth/authenticate.js';
import { ApplianceError } from '../../errors.js';

/**
 * Setup is done once a license was installed and an admin exists. A license that later stops
 * verifying does not bring the fence back: lawyers keep reading and exporting their files.
 */
export function isSetupDone(appliance: Appliance): boolean {
  return appliance.license.everInstalled && appliance.users.all().some((u) => u.role === 'admin' && u.active);
}

/** An admin exists (active or not): setup was finished once, and the appliance has an owner. */
export function hasOwner(appliance: Appliance): boolean {
  return appliance.users.all().some((u) => u.role === 'admin');
}

/**
 * The control plane to enroll with. Before setup the wizard's visitor may name one; afterwards only
 * CONTROL_PLANE_URL is called from the network side, so even a stolen admin session cannot make the
 * appliance post to a URL of its choosing (the CLI on the machine still takes `--control-plane`).
 */
export function enrollmentUrl(appliance: Appliance, admin: Caller | undefined, requested: string | undefined): string | undefined {
  const configured = appliance.config.controlPlaneUrl;
  if (!admin || !requested || requested === configured) return requested ?? configured;
  throw new ApplianceError(
    'invalid_input',
    'controlPlaneUrl: once set up, the appliance enrolls with its configured control plane (CONTROL_PLANE_URL) only: leave it out, or run `appliance enroll --code CODE --control-plane URL` on the machine',
  );
}
