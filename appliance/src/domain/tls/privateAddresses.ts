/**
 * The address ranges the appliance's local CA may vouch for: a cabinet's LAN, the loopback and
 * IPv6 unique-local addresses. Kept apart from the certificate code (no node-forge) so the
 * configuration can check TLS_NAMES against the same list the CA is constrained to.
 */
import net from 'node:net';

export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export const PRIVATE_RANGES: readonly AddressRange[] = [
  { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '172.16.0.0', prefix: 12, family: 'ipv4' },
  { address: '192.168.0.0', prefix: 16, family: 'ipv4' },
  { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '::1', prefix: 128, family: 'ipv6' },
  { address: 'fc00::', prefix: 7, family: 'ipv6' },
];

const privateList = new net.BlockList();
for (const r of PRIVATE_RANGES) privateList.addSubnet(r.address, r.prefix, r.family);

/** Whether an IP address lies in one of PRIVATE_RANGES (false for anything that is not an address). */
export function isPrivateAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return false;
  return privateList.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** The bytes of an IPv4 or IPv6 address in network order (4 or 16 of them). */
export function addressBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(Number.parseInt(g, 16), i * 2));
  return out;
}

/** The netmask of a prefix length, as many bytes as the family's addresses. */
export function maskBytes(prefix: number, family: AddressRange['family']): Buffer {
  const out = Buffer.alloc(family === 'ipv4' ? 4 : 16);
  for (let bit = 0; bit < prefix; bit++) out[bit >> 3]! |= 0x80 >> (bit & 7);
  return out;
}

/** A DNS name a certificate may carry: letters, digits and hyphens in dot-separated labels, no wildcard. */
export function isHostName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(name);
}
