/**
 * SIRET check (INSEE): 14 digits whose Luhn checksum is valid. La Poste's establishments
 * (SIREN 356 000 000) are numbered outside Luhn; INSEE checks them by a digit sum divisible by 5.
 */
const LA_POSTE_SIREN = '356000000';

export function isValidSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIREN) && value !== '35600000000048') {
    return [...value].reduce((sum, d) => sum + Number(d), 0) % 5 === 0;
  }
  return luhn(value);
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
