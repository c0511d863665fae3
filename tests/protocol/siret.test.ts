import { describe, expect, it } from 'vitest';
import { isValidSiret } from '@iamanager/protocol';

describe('isValidSiret', () => {
  it('accepts 14 digits with a valid Luhn checksum', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('35600000000048')).toBe(true); // La Poste head office, Luhn-valid
  });

  it("refuses the seed's placeholder 12345678901234 (its checksum is wrong)", () => {
    expect(isValidSiret('12345678901234')).toBe(false);
  });

  it('refuses a wrong length or anything but digits', () => {
    for (const value of ['7328293200007', '732829320000740', '7328293200007A', ' 73282932000074', ''])
      expect(isValidSiret(value), value).toBe(false);
  });

  it('checks La Poste establishments by their digit sum, as INSEE does', () => {
    expect(isValidSiret('35600000049837')).toBe(true); // digit sum 45
    expect(isValidSiret('35600000049838')).toBe(false);
  });
});
