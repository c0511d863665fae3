/**
 * X.509 name constraints (RFC 5280 §4.2.1.10) for the appliance's local CA. The cabinet installs
 * that CA in its browsers as a trusted root; unconstrained, whoever copied DATA_DIR or a backup
 * could sign a certificate for any site with its key and intercept the cabinet's traffic. With the
 * extension marked critical, browsers and OpenSSL refuse any certificate it signs for a name
 * outside this appliance's own names and the private address ranges.
 *
 * node-forge reads this extension but cannot write it, so its DER value is built here with
 * forge.asn1:
 *   NameConstraints ::= SEQUENCE { permittedSubtrees [0] IMPLICIT GeneralSubtrees OPTIONAL, ... }
 *   GeneralSubtree  ::= SEQUENCE { base GeneralName, ... }   (minimum 0 and no maximum, the defaults)
 *   GeneralName     ::= dNSName [2] IMPLICIT IA5String | iPAddress [7] IMPLICIT OCTET STRING
 * an iPAddress base being the address followed by its mask (8 octets for IPv4, 32 for IPv6).
 */
import net from 'node:net';
import forge from 'node-forge';
import { PRIVATE_RANGES, addressBytes, isPrivateAddress, maskBytes } from './privateAddresses.js';

const { asn1 } = forge;
const DNS_NAME = 2;
const IP_ADDRESS = 7;

function generalSubtree(tag: number, bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag as forge.asn1.Type, false, bytes),
  ]);
}

/** The extension for a CA that may sign for exactly these DNS names (and their subdomains) and the private ranges. */
export function nameConstraintsExtension(dnsNames: readonly string[]): {
  id: string;
  name: string;
  critical: true;
  value: forge.asn1.Asn1;
} {
  const subtrees = [
    ...dnsNames.map((name) => generalSubtree(DNS_NAME, name)),
    ...PRIVATE_RANGES.map((r) =>
      generalSubtree(IP_ADDRESS, Buffer.concat([addressBytes(r.address), maskBytes(r.prefix, r.family)]).toString('binary')),
    ),
  ];
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0 as forge.asn1.Type, true, subtrees);
  return {
    id: '2.5.29.30',
    name: 'nameConstraints',
    critical: true,
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted]),
  };
}

interface ParsedConstraints {
  permittedSubtrees?: Array<{ type: number; value: unknown }>;
}

/**
 * The DNS names a CA certificate's name constraints permit, or null when it has none (a CA made
 * before they existed, to be replaced).
 */
export function permittedDnsNames(ca: forge.pki.Certificate): string[] | null {
  const ext = ca.getExtension('nameConstraints') as ParsedConstraints | null;
  if (!ext?.permittedSubtrees) return null;
  return ext.permittedSubtrees
    .filter((s) => s.type === DNS_NAME && typeof s.value === 'string')
    .map((s) => (s.value as string).toLowerCase());
}

/** RFC 5280: a DNS name is within a constraint when equal to it or below it (more labels on the left). */
export function dnsPermitted(name: string, permitted: readonly string[]): boolean {
  const n = name.toLowerCase();
  return permitted.some((base) => n === base || n.endsWith(`.${base}`));
}

/** Whether a certificate name (DNS name or IP address) is one the constrained CA may sign for. */
export function namePermitted(name: string, permittedDns: readonly string[]): boolean {
  return net.isIP(name) ? isPrivateAddress(name) : dnsPermitted(name, permittedDns);
}
