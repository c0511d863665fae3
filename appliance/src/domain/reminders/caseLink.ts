/**
 * The case page's address on the cabinet's network, for the link a reminder carries: the first
 * TLS_NAMES name (what the cabinet's browsers reach the appliance by) else the machine's host
 * name, on the public HTTPS port; plain HTTP on PORT when TLS is off (tests, a proxy in front).
 */
import os from 'node:os';
import type { Config } from '../../config.js';

export function caseUrlOf(config: Pick<Config, 'tls' | 'tlsNames' | 'tlsPublicPort' | 'port'>, caseId: string): string {
  const host = config.tlsNames[0] ?? os.hostname();
  const origin = config.tls
    ? `https://${host}${config.tlsPublicPort === 443 ? '' : `:${config.tlsPublicPort}`}`
    : `http://${host}:${config.port}`;
  return `${origin}/dossiers/${encodeURIComponent(caseId)}`;
}
