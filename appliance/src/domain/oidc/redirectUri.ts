/**
 * The redirect URI to register at the provider: `<origin>/connexion/oidc/retour`. The origin is
 * PUBLIC_URL when set, else the address the cabinet's browsers reach the appliance by, as the
 * reminders' links build it (the first TLS_NAMES name, else the host name, on the public HTTPS
 * port; plain HTTP on PORT with TLS off). Never the request's Host header: a provider must be
 * given one fixed address, and a forged Host must not choose where codes are sent.
 */
import os from 'node:os';
import type { Config } from '../../config.js';

export const OIDC_CALLBACK_PATH = '/connexion/oidc/retour';

export function publicOriginOf(config: Pick<Config, 'publicUrl' | 'tls' | 'tlsNames' | 'tlsPublicPort' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.tlsNames[0] ?? os.hostname();
  return config.tls ? `https://${host}${config.tlsPublicPort === 443 ? '' : `:${config.tlsPublicPort}`}` : `http://${host}:${config.port}`;
}

export function redirectUriOf(config: Parameters<typeof publicOriginOf>[0]): string {
  return `${publicOriginOf(config)}${OIDC_CALLBACK_PATH}`;
}
