/**
 * A test's own TOTP (RFC 6238 §4 over RFC 4226 §5.3), written from the RFCs with node:crypto and
 * nothing from the code under test: what an authenticator app on the user's phone computes from the
 * secret shown at enrolment.
 */
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32, padding and spaces ignored. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of a base32 secret for the 30-second step containing `at` (seconds since 1970, or a Date). */
export function totpCode(secretBase32: string, at: Date | number, digits = 6): string {
  const seconds = at instanceof Date ? at.getTime() / 1000 : at;
  const counter = Math.floor(seconds / 30);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f; // RFC 4226 §5.3 dynamic truncation
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
