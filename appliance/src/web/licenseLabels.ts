/**
 * The license's state and warnings on the administration page, in the page's language, from the
 * license store's structured status (its English `warnings` serve the API and the logs).
 */
import type { LicenseStatus } from '../domain/license/licenseStore.js';
import { formatDate } from './format.js';
import { fill, type Locale, type Messages } from './messages.js';

export function licenseStateLabel(state: LicenseStatus['state'], m: Messages): string {
  const labels: Record<LicenseStatus['state'], string> = {
    valid: m.licenseStateValid,
    grace: m.licenseStateGrace,
    expired: m.licenseStateExpired,
    not_yet_valid: m.licenseStateNotYetValid,
    unenrolled: m.licenseStateUnenrolled,
    invalid: m.licenseStateInvalid,
  };
  return labels[state];
}

/** What the admin must act on; `ignoredEnvSettings` are the .env values the signed license overrides. */
export function licenseWarnings(status: LicenseStatus, ignoredEnvSettings: readonly string[], m: Messages, locale: Locale): string[] {
  const warnings: string[] = [];
  if (ignoredEnvSettings.length > 0) warnings.push(m.warnEnvIgnored);
  if (status.clockSetBack) warnings.push(m.warnClockSetBack);
  if (status.state === 'grace')
    warnings.push(fill(m.warnGrace, { expired: formatDate(status.expiresAt, locale), ends: formatDate(status.graceEndsAt, locale) }));
  if (status.state === 'invalid') warnings.push(m.licenseInvalid);
  if (status.state === 'expired') warnings.push(m.licenseExpired);
  if (status.state === 'not_yet_valid') warnings.push(m.licenseNotYetValid);
  if (!status.vendorKeysPinned) warnings.push(m.warnUnpinned);
  return warnings;
}
