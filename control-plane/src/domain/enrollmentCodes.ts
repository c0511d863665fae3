/**
 * One-time enrollment codes. 80 random bits in Crockford base32 (no I, L, O, U: nothing to misread
 * over the phone), shown once and stored only as a SHA-256 — the entropy makes a slow hash
 * unnecessary, and guessing is rate-limited per address at `POST /v1/enroll`.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** An enrollment code expires after 7 days and is single use: a leaked one is worth little. */
export const ENROLLMENT_CODE_TTL_DAYS = 7;

export function generateEnrollmentCode(): string {
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += ALPHABET[bytes[i]! & 31];
  return out.match(/.{4}/g)!.join('-');
}

/** Codes are compared without dashes, spaces or case, and with the usual misreadings folded. */
export function normalizeEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

export function hashEnrollmentCode(code: string): string {
  return createHash('sha256').update(normalizeEnrollmentCode(code)).digest('hex');
}
