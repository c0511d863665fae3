/**
 * The provider's discovery document (OpenID Connect Discovery 1.0): fetched by openid-client,
 * checked, and every way it can fail turned into one `oidc_discovery_failed` error whose
 * `details.reason` the admin page says in French: unreachable, not https, issuer mismatch (the
 * document names another issuer than the one typed: a wrong tenant, a trailing slash), or not a
 * discovery document. Nothing the provider answers is trusted to be well-formed.
 */
import * as client from 'openid-client';
import { ApplianceError } from '../../errors.js';
import { isLoopbackHttp } from './issuerUrl.js';

export type DiscoveryProblem = 'unreachable' | 'not_https' | 'issuer_mismatch' | 'invalid_document';

/** Seconds a discovery, token or key request may take: a login waits on them. */
const REQUEST_TIMEOUT_SECONDS = 10;

export interface ProviderClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Discovers the provider and returns openid-client's configuration for this appliance's client. */
export async function discoverProvider(provider: ProviderClient): Promise<client.Configuration> {
  const issuer = new URL(provider.issuer);
  const loopback = isLoopbackHttp(issuer);
  if (issuer.protocol !== 'https:' && !loopback) throw discoveryError('not_https', provider.issuer, 'the issuer must be https://');
  let config: client.Configuration;
  try {
    config = await client.discovery(issuer, provider.clientId, provider.clientSecret, client.ClientSecretPost(provider.clientSecret), {
      timeout: REQUEST_TIMEOUT_SECONDS,
      // Only a provider on this machine may answer over plain HTTP (see issuerUrl.ts).
      ...(loopback ? { execute: [client.allowInsecureRequests] } : {}),
    });
  } catch (err) {
    throw classify(err, provider.issuer);
  }
  const meta = config.serverMetadata();
  for (const name of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const value = meta[name];
    if (typeof value !== 'string' || value === '')
      throw discoveryError('invalid_document', provider.issuer, `the discovery document has no ${name}`);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw discoveryError('invalid_document', provider.issuer, `the discovery document's ${name} is not an address`);
    }
    if (url.protocol !== 'https:' && !(loopback && isLoopbackHttp(url)))
      throw discoveryError('not_https', provider.issuer, `the discovery document's ${name} (${value}) is not https://`);
  }
  return config;
}

/** What went wrong, from openid-client's error and its causes (codes from oauth4webapi and undici). */
function classify(err: unknown, issuer: string): ApplianceError {
  const chain: Array<{ code?: unknown; name?: unknown; message?: unknown; cause?: unknown; attribute?: unknown; status?: unknown }> = [];
  for (let e: unknown = err; e && typeof e === 'object' && chain.length < 6; e = (e as { cause?: unknown }).cause) chain.push(e as never);
  const codes = new Set(chain.map((e) => String(e.code ?? e.name ?? '')));
  const text = chain.map((e) => String(e.message ?? '')).join(': ');
  if (codes.has('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') && /issuer/i.test(text)) {
    const found = chain
      .map((e) => (e.cause as { body?: { issuer?: unknown } } | undefined)?.body?.issuer)
      .find((v) => typeof v === 'string');
    return discoveryError(
      'issuer_mismatch',
      issuer,
      'the discovery document names another issuer',
      typeof found === 'string' ? found : undefined,
    );
  }
  if (codes.has('OAUTH_HTTP_REQUEST_FORBIDDEN') || codes.has('OAUTH_REQUEST_PROTOCOL_FORBIDDEN'))
    return discoveryError('not_https', issuer, 'the provider sends the appliance to a plain http:// address');
  if (
    codes.has('OAUTH_RESPONSE_IS_NOT_CONFORM') ||
    codes.has('OAUTH_RESPONSE_IS_NOT_JSON') ||
    codes.has('OAUTH_PARSE_ERROR') ||
    codes.has('OAUTH_INVALID_RESPONSE') ||
    codes.has('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')
  )
    return discoveryError('invalid_document', issuer, `no valid discovery document at ${wellKnown(issuer)} (${text.slice(0, 200)})`);
  return discoveryError('unreachable', issuer, `could not reach ${wellKnown(issuer)} (${text.slice(0, 200)})`);
}

function wellKnown(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

function discoveryError(reason: DiscoveryProblem, issuer: string, message: string, found?: string): ApplianceError {
  return new ApplianceError('oidc_discovery_failed', `issuer: ${message}${found ? ` (${found})` : ''}`, {
    field: 'issuer',
    reason,
    issuer,
    ...(found ? { found } : {}),
  });
}
