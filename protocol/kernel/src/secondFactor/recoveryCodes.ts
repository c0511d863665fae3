/**
 * Recovery codes: the way back in when the phone with the authenticator app is lost. Shown once at
 * enrolment, kept only as hashes, each good for one login.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Crockford's base-32 alphabet without I, L, O, U: nothing to confuse when a code is read off paper.
 * 16 characters × 5 bits = 80 bits of randomness per code, which is why a plain SHA-256 is enough to
 * store them: unlike a password, nobody can enumerate 2^80 candidates to reverse a stolen hash, so
 * the slow scrypt of passwords would only slow down every check of ten hashes.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_LENGTH = 16;
const GROUP = 4;
export const DEFAULT_RECOVERY_CODES = 10;

function normalise(code: string): string {
  return code.replace(/[\s-]+/g, '').toLowerCase();
}

function hashOf(normalised: string): string {
  return createHash('sha256').update(normalised, 'utf8').digest('hex');
}

function newCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  // 256 is a multiple of 32: taking each byte modulo 32 keeps the characters uniform.
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  return chars.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** Default 10 codes, shown once (`codes`), stored hashed (`hashes`, same order). */
export function newRecoveryCodes(count: number = DEFAULT_RECOVERY_CODES): { codes: string[]; hashes: string[] } {
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new RangeError(`recovery code count must be 1..100, got ${count}`);
  const codes = Array.from({ length: count }, newCode);
  return { codes, hashes: codes.map((c) => hashOf(normalise(c))) };
}

/**
 * The index of the hash the code matches, or -1. Tolerant of spaces, dashes and case (codes are
 * copied by hand). Every hash is compared in constant time, and all of them, so the time taken says
 * nothing about which one matched or how close a guess came.
 */
export function matchRecoveryCode(hashes: readonly string[], code: string): number {
  const typed = normalise(code);
  if (typed.length !== CODE_LENGTH) return -1;
  const candidate = Buffer.from(hashOf(typed), 'hex');
  let found = -1;
  hashes.forEach((stored, index) => {
    const expected = Buffer.from(stored, 'hex');
    if (expected.length === candidate.length && timingSafeEqual(expected, candidate) && found === -1) found = index;
  });
  return found;
}
