/**
 * The single sign-on's errors said in the page's language: a refused login (oidcAccounts.ts), a
 * callback that is not this browser's (singleSignOn.ts), the discovery's verdict (oidcDiscovery.ts).
 * Built from the error's code and details, never from the provider's raw text.
 */
import { DomainError } from '@iamanager/protocol';
import { fill } from './messages.js';
import type { OidcMessages } from './oidcMessages.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function ssoErrorText(err: unknown, o: OidcMessages, provider: string): string | null {
  if (!(err instanceof DomainError)) return null;
  const d = (err.details ?? {}) as Record<string, unknown>;
  const email = str(d.email);
  switch (err.code) {
    case 'oidc_refused':
      switch (d.reason) {
        case 'no_email':
          return fill(o.refusedNoEmail, { provider });
        case 'email_unverified':
          return fill(o.refusedUnverified, { provider, email });
        case 'domain_not_allowed':
          return fill(o.refusedDomain, { email, domains: Array.isArray(d.domains) ? d.domains.join(', ') : '' });
        case 'unknown_user':
          return fill(o.refusedUnknown, { email });
        case 'disabled':
          return fill(o.refusedDisabled, { email });
        case 'plan_full':
          return fill(o.refusedPlanFull, { email });
        default:
          return fill(o.refusedCannotCreate, { email, reason: err.message });
      }
    case 'oidc_callback_invalid':
      switch (d.reason) {
        case 'no_flow':
          return o.callbackNoFlow;
        case 'state_mismatch':
          return o.callbackStateMismatch;
        case 'replayed':
          return o.callbackReplayed;
        case 'provider_error':
          return fill(o.callbackProviderError, { error: str(d.providerError) });
        default:
          return o.callbackTokenRefused;
      }
    case 'oidc_not_configured':
      return o.ssoNotConfigured;
    case 'oidc_discovery_failed':
      return fill(o.providerDown, { reason: discoveryText(err, o) });
    default:
      return null;
  }
}

/** « Tester la découverte »'s verdict when it failed: unreachable, not https, issuer mismatch, no document. */
export function discoveryText(err: DomainError, o: OidcMessages): string {
  const d = (err.details ?? {}) as Record<string, unknown>;
  const issuer = str(d.issuer);
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  switch (d.reason) {
    case 'not_https':
      return fill(o.discoveryNotHttps, { detail: err.message.replace(/^issuer: /, '') });
    case 'issuer_mismatch':
      return fill(o.discoveryIssuerMismatch, { found: str(d.found) || '?', issuer });
    case 'invalid_document':
      return fill(o.discoveryInvalid, { url });
    default:
      return fill(o.discoveryUnreachable, { url });
  }
}
