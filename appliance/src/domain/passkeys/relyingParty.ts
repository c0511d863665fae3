/**
 * Which WebAuthn relying party a request speaks to. A passkey is bound to a host name (its RP ID)
 * and the browser signs the page's origin, so both come from the address the browser used — but
 * only from names this appliance answers to: the TLS_NAMES the operator listed, the machine's own
 * host name, and `localhost`. Anything else (a forged Host header, a name the cabinet never set)
 * is refused rather than trusted. An IP address is refused with its own message: WebAuthn does not
 * accept an IP as RP ID (W3C WebAuthn Level 2 §5.1.3 and §5.1.4: the RP ID must be a
 * registrable domain suffix of the page's effective domain, which an IP address is not), and
 * browsers refuse the ceremony there.
 */
import net from 'node:net';
import { ApplianceError } from '../../errors.js';

export interface RelyingParty {
  /** The RP ID: the host name, without port. */
  id: string;
  /** The origin the browser signs (scheme, host, port), checked against the client data. */
  origin: string;
  /** Shown by the browser's passkey prompt: the cabinet's name. */
  name: string;
}

/** The address a request came in on, as Koa reads it (`ctx.protocol`, `ctx.host`, `ctx.hostname`). */
export interface RequestAddress {
  protocol: string;
  /** Host and port, as in the Host header. */
  host: string;
  hostname: string;
}

/** The names a passkey can be made for: the operator's TLS_NAMES that are names, the machine's, localhost. */
export function passkeyHostNames(tlsNames: readonly string[], machineName: string): string[] {
  const names = [...tlsNames, machineName.toLowerCase(), 'localhost'].filter((n) => n !== '' && net.isIP(n) === 0);
  return [...new Set(names)];
}

export function relyingPartyOf(address: RequestAddress, allowed: readonly string[], cabinetName: string): RelyingParty {
  const hostname = address.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (net.isIP(hostname) !== 0)
    throw new ApplianceError(
      'passkey_host_unsupported',
      `the appliance was opened by its IP address (${hostname}); passkeys work only on a host name: open it as ${allowed
        .map((n) => `https://${n}`)
        .join(' or ')}`,
      { host: hostname, names: [...allowed] },
    );
  if (!allowed.includes(hostname))
    throw new ApplianceError(
      'passkey_host_unsupported',
      `${hostname} is not one of this appliance's names (${allowed.join(', ')}); open it by one of them, or add the name to TLS_NAMES`,
      { host: hostname, names: [...allowed] },
    );
  return { id: hostname, origin: `${address.protocol}://${address.host.toLowerCase()}`, name: cabinetName };
}
