/**
 * The second factor primitives: TOTP against RFC 6238's own test vectors, the ±1 step window, the
 * one-use rule, recovery codes and the QR code. Codes are computed here by tests/support/totp.ts,
 * written from the RFCs, not by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { checkTotp, matchRecoveryCode, newRecoveryCodes, newTotpSecret, totpQrSvg, totpUri } from '@iamanager/kernel/secondFactor';
import { base32Decode, totpCode } from '../support/totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890", base32-encoded here.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

// Appendix B's table gives 8-digit values; a 6-digit code is the same truncated binary modulo 10^6,
// that is the last six digits of each.
const RFC_VECTORS: Array<[seconds: number, eightDigits: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('the test helper agrees with Appendix B (so it can be trusted below)', () => {
    expect(base32Decode(RFC_SECRET).toString('ascii')).toBe('12345678901234567890');
    for (const [seconds, code] of RFC_VECTORS) expect(totpCode(RFC_SECRET, seconds, 8)).toBe(code);
  });

  it.each(RFC_VECTORS)('accepts the Appendix B code at T = %i s', (seconds, eightDigits) => {
    const result = checkTotp(RFC_SECRET, eightDigits.slice(2), new Date(seconds * 1000), null);
    // The step is T / 30 rounded down (RFC 6238 §4.2, T0 = 0), e.g. 59 s → step 1.
    expect(result).toEqual({ ok: true, step: Math.floor(seconds / 30) });
  });

  it('accepts one step either side and nothing further', () => {
    // 1111111111 s is in step 37037037 (37037037 × 30 = 1111111110). Codes of steps 37037036 and
    // 37037038 are accepted; 37037035 and 37037039 are not.
    const now = new Date(1111111111 * 1000);
    const at = (step: number) => totpCode(RFC_SECRET, step * 30);
    expect(checkTotp(RFC_SECRET, at(37037036), now, null)).toEqual({ ok: true, step: 37037036 });
    expect(checkTotp(RFC_SECRET, at(37037038), now, null)).toEqual({ ok: true, step: 37037038 });
    expect(checkTotp(RFC_SECRET, at(37037035), now, null)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkTotp(RFC_SECRET, at(37037039), now, null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a used step as replayed, and any earlier one, but takes a later one', () => {
    const now = new Date(1111111111 * 1000); // step 37037037, as above
    const code = totpCode(RFC_SECRET, now);
    expect(checkTotp(RFC_SECRET, code, now, 37037037)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkTotp(RFC_SECRET, totpCode(RFC_SECRET, 37037036 * 30), now, 37037037)).toEqual({ ok: false, reason: 'replayed' });
    expect(checkTotp(RFC_SECRET, totpCode(RFC_SECRET, 37037038 * 30), now, 37037037)).toEqual({ ok: true, step: 37037038 });
    // A used step one before the current one does not block the current code.
    expect(checkTotp(RFC_SECRET, code, now, 37037036)).toEqual({ ok: true, step: 37037037 });
  });

  it('takes a code typed with a space, refuses malformed ones as invalid', () => {
    const now = new Date(1234567890 * 1000);
    expect(checkTotp(RFC_SECRET, '005 924', now, null).ok).toBe(true);
    for (const bad of ['', '00592', '0059245', 'abcdef', '005924\n1']) {
      expect(checkTotp(RFC_SECRET, bad, now, null)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('makes 160-bit base32 secrets, different each time', () => {
    const a = newTotpSecret();
    const b = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]+$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(a).not.toBe(b);
  });

  it('writes the otpauth URI apps read', () => {
    const uri = new URL(totpUri({ issuer: 'Cabinet Martin', account: 'avocat@cabinet.fr', secret: RFC_SECRET }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Cabinet Martin:avocat@cabinet.fr');
    expect(uri.searchParams.get('secret')).toBe(RFC_SECRET);
    expect(uri.searchParams.get('issuer')).toBe('Cabinet Martin');
  });

  it('draws the QR code as inline SVG without active content', async () => {
    const svg = await totpQrSvg(totpUri({ issuer: 'Cabinet', account: 'a@b.fr', secret: RFC_SECRET }));
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
    expect(svg).not.toMatch(/<script|on\w+=/i);
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes by default, stored only as hashes', () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    for (const [i, hash] of hashes.entries()) {
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).not.toContain(codes[i]!.replace(/-/g, ''));
    }
    expect(newRecoveryCodes(3).codes).toHaveLength(3);
  });

  it('finds the code typed loosely (case, spaces, dashes) and says which it is', () => {
    const { codes, hashes } = newRecoveryCodes(5);
    expect(matchRecoveryCode(hashes, codes[3]!)).toBe(3);
    expect(matchRecoveryCode(hashes, ` ${codes[1]!.toUpperCase().replace(/-/g, ' ')} `)).toBe(1);
    expect(matchRecoveryCode(hashes, codes[0]!.replace(/-/g, ''))).toBe(0);
  });

  it('refuses unknown and malformed codes, and codes of another set', () => {
    const { hashes } = newRecoveryCodes(5);
    const other = newRecoveryCodes(1).codes[0]!;
    expect(matchRecoveryCode(hashes, other)).toBe(-1);
    expect(matchRecoveryCode(hashes, '')).toBe(-1);
    expect(matchRecoveryCode(hashes, 'abcd')).toBe(-1);
    expect(matchRecoveryCode([], other)).toBe(-1);
  });

  it('refuses a count out of range', () => {
    expect(() => newRecoveryCodes(0)).toThrow(RangeError);
    expect(() => newRecoveryCodes(1.5)).toThrow(RangeError);
  });
});
