/** Who may enroll or import a license once the appliance has an owner (see api/setup.ts). */
import type { Context } from 'koa';
import type { Appliance } from '../appliance.js';
import { hasOwner } from '../domain/enrollment/setupState.js';
import { ApplianceError } from '../errors.js';
import { requirePermission, type Caller } from './authenticate.js';

/**
 * Who may enroll or import a license now: anyone while the appliance has no owner yet (the wizard's
 * visitor), afterwards an admin only. Returns the admin (undefined before setup); throws
 * `setup_locked` (401) for an anonymous caller and `forbidden` (403) for another role.
 */
export function setupAuthority(appliance: Appliance, ctx: Context): Caller | undefined {
  if (!hasOwner(appliance)) return undefined;
  if (!ctx.state.caller)
    throw new ApplianceError(
      'setup_locked',
      'this appliance is already set up: enrolling it again or importing a license needs an admin (log in as an admin, or run `appliance enroll` / `appliance license import` on the machine)',
    );
  return requirePermission(ctx, 'license.manage');
}
