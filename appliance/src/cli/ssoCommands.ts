/**
 * `appliance sso show` and `appliance sso allow-local-login` (docs/single-sign-on.md): what single
 * sign-on is set to, and the way back in from the machine when the identity provider is broken
 * and password login was turned off: everyone may log in with a password again.
 */
import type { Appliance } from '../appliance.js';

export function showSsoCommand(appliance: Appliance): Promise<unknown> {
  const { updatedAt, updatedBy, ...view } = appliance.oidcSettings.view();
  return Promise.resolve({ ...view, redirectUri: appliance.sso.redirectUri, updatedAt, updatedBy });
}

export async function allowLocalLoginCommand(appliance: Appliance): Promise<unknown> {
  const changed = await appliance.oidcSettings.allowLocalLogin('appliance CLI');
  if (changed) await appliance.audit.append({ actor: 'appliance CLI', action: 'sso.allow_local_login' });
  return {
    localLogin: 'on',
    changed,
    note: changed ? 'password login works again for every user' : 'password login was not turned off',
  };
}
