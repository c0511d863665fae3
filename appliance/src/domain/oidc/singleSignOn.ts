/**
 * OpenID Connect login (docs/single-sign-on.md), with openid-client: the authorization code flow
 * with PKCE (S256), a state and a nonce, the ID token checked by openid-client (signature against
 * the provider's keys, issuer, audience, expiry, nonce). `begin` sends the browser to the provider
 * with its flow sealed in a cookie (flowCookie.ts); `finish` reads the provider's answer, and
 * returns the appliance's user (oidcAccounts.ts) for the route to start a session.
 *
 * A callback is used once: its state is remembered until the flow cookie would have expired, so
 * the same answer posted again (a reload, a copied address) is refused here before the provider
 * is even asked, and the provider refuses a used code anyway.
 */
import * as client from 'openid-client';
import type { Logger } from '@iamanager/kernel/log';
import { ApplianceError } from '../../errors.js';
import type { User } from '../../storage/userStore.js';
import { accountFor, type AccountDeps } from './oidcAccounts.js';
import { discoverProvider } from './oidcDiscovery.js';
import type { OidcSettings } from './oidcSettings.js';
import { FLOW_MINUTES, openFlow, sealFlow } from './flowCookie.js';

export type CallbackProblem = 'no_flow' | 'state_mismatch' | 'replayed' | 'provider_error' | 'token_refused';

export interface SingleSignOnDeps extends AccountDeps {
  settings: OidcSettings;
  /** The address the provider sends the browser back to (redirectUri.ts). */
  redirectUri: string;
  secretKey: string;
  clock: () => Date;
  log: Logger;
}

/** States of the answers already used, at most this many (older ones expired with their cookie). */
const MAX_USED_STATES = 10_000;

export class SingleSignOn {
  private discovered: { key: string; config: Promise<client.Configuration>; settled: boolean } | null = null;
  private readonly usedStates = new Map<string, number>();

  constructor(private readonly deps: SingleSignOnDeps) {}

  get redirectUri(): string {
    return this.deps.redirectUri;
  }

  /** The provider as configured now (`oidc_not_configured` otherwise). */
  private provider() {
    const p = this.deps.settings.provider();
    if (!p)
      throw new ApplianceError('oidc_not_configured', 'single sign-on is not configured: an admin sets it up on /admin/connexion-unique');
    return p;
  }

  /** openid-client's configuration, discovered once per provider and client (again after a failure). */
  private configuration(): Promise<client.Configuration> {
    const p = this.provider();
    const key = JSON.stringify([p.issuer, p.clientId, p.clientSecret]);
    if (this.discovered?.key !== key) {
      const entry = { key, config: discoverProvider(p), settled: false };
      entry.config.then(
        () => (entry.settled = true),
        () => {
          entry.settled = true;
          if (this.discovered === entry) this.discovered = null;
        },
      );
      this.discovered = entry;
    }
    return this.discovered.config;
  }

  /** « Tester la découverte »: fetches the discovery document of the saved provider (throws `oidc_discovery_failed`). */
  async test(): Promise<{ issuer: string; authorizationEndpoint: string }> {
    // Fetched afresh, unless a discovery is still on its way: clicks on the button never pile up
    // lookups of an unreachable provider (each holds one of Node's few resolver threads).
    if (this.discovered?.settled) this.discovered = null;
    const meta = (await this.configuration()).serverMetadata();
    return { issuer: meta.issuer, authorizationEndpoint: String(meta.authorization_endpoint) };
  }

  /** Where to send the browser, and the sealed flow to set as its cookie. `next` is a local path (checked by the route). */
  async begin(next: string): Promise<{ url: string; cookie: string }> {
    const config = await this.configuration();
    const verifier = client.randomPKCECodeVerifier();
    const flow = { state: client.randomState(), nonce: client.randomNonce(), verifier, next };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.deps.redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url: url.href, cookie: await sealFlow(this.deps.secretKey, flow, this.deps.clock()) };
  }

  /**
   * The provider's answer (the callback's query string) with the browser's flow cookie: the user
   * it lets in, and where they were going. Throws `oidc_callback_invalid` or `oidc_refused`.
   */
  async finish(query: string, cookie: string | undefined): Promise<{ user: User; created: boolean; next: string }> {
    const provider = this.provider();
    const now = this.deps.clock();
    const flow = await openFlow(this.deps.secretKey, cookie, now);
    if (!flow)
      throw callbackError(
        'no_flow',
        `this answer from the provider belongs to no login started in this browser in the last ${FLOW_MINUTES} minutes: start again`,
      );
    const params = new URLSearchParams(query);
    if (params.get('state') !== flow.state)
      throw callbackError('state_mismatch', 'the answer does not match the login this browser started (state): start again');
    this.forgetExpiredStates(now.getTime());
    if (this.usedStates.has(flow.state)) throw callbackError('replayed', 'this answer from the provider was already used: start again');
    this.usedStates.set(flow.state, now.getTime() + FLOW_MINUTES * 60_000);
    const config = await this.configuration();
    let claims: Record<string, unknown> | undefined;
    try {
      const currentUrl = new URL(this.deps.redirectUri);
      currentUrl.search = params.toString();
      const tokens = await client.authorizationCodeGrant(
        config,
        currentUrl,
        { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true },
        { redirect_uri: this.deps.redirectUri },
      );
      claims = tokens.claims();
    } catch (err) {
      throw this.grantError(err);
    }
    if (!claims) throw callbackError('token_refused', 'the provider sent no ID token');
    try {
      const account = await accountFor(this.deps, provider, claims);
      await this.deps.audit.append({
        actor: account.user.email,
        action: 'user.login_oidc',
        detail: `${provider.displayName} (${provider.issuer})`,
      });
      return { ...account, next: flow.next };
    } catch (err) {
      if (err instanceof ApplianceError && err.code === 'oidc_refused')
        await this.deps.audit.append({
          actor: typeof err.details?.email === 'string' ? err.details.email : '-',
          action: 'user.login_oidc_refused',
          detail: String(err.details?.reason ?? ''),
        });
      throw err;
    }
  }

  /** The provider's refusal (`error=access_denied`…) or a failed token exchange, said without echoing anything long or odd. */
  private grantError(err: unknown): ApplianceError {
    if (err instanceof ApplianceError) return err;
    const clean = (v: unknown) =>
      String(v ?? '')
        .replace(/[^\p{L}\p{N} .,:;'()_-]/gu, ' ')
        .slice(0, 200);
    if (err instanceof client.AuthorizationResponseError)
      return callbackError('provider_error', `the provider refused the login: ${clean(err.error)} ${clean(err.error_description)}`.trim(), {
        providerError: clean(err.error),
      });
    this.deps.log.warn({ err }, 'oidc: the token exchange or the ID token check failed');
    const e = err as { code?: unknown; error?: unknown; message?: unknown };
    return callbackError('token_refused', `the provider's tokens were refused: ${clean(e.error ?? e.code)} ${clean(e.message)}`.trim());
  }

  private forgetExpiredStates(now: number): void {
    for (const [state, until] of this.usedStates) if (until <= now) this.usedStates.delete(state);
    // Past the bound (a flood of answers), the oldest go first: the provider still refuses a used code.
    for (const state of this.usedStates.keys()) {
      if (this.usedStates.size < MAX_USED_STATES) break;
      this.usedStates.delete(state);
    }
  }
}

function callbackError(reason: CallbackProblem, message: string, extra: Record<string, unknown> = {}): ApplianceError {
  return new ApplianceError('oidc_callback_invalid', message, { reason, ...extra });
}
