/**
 * The mandatory mentions a draft is checked for before it may be finalized (art. 242 nonies A
 * annexe II CGI; C. com. L. 441-9, L. 441-10, D. 441-5), and the French VAT number of a cabinet
 * (FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97), checked as the CLI and API take it.
 */
import { describe, expect, it } from 'vitest';
import { describeMissing, missingMentions, RECOVERY_INDEMNITY_CENTS } from '../../../control-plane/src/domain/billing/mandatoryMentions.js';
import { vatNumberSchema } from '../../../control-plane/src/domain/cabinetFields.js';
import type { Customer, VendorIdentity } from '../../../control-plane/src/storage/billingRecords.js';

const vendor: VendorIdentity = {
  name: 'IAManager SAS',
  address: '10 rue de Rivoli, 75004 Paris',
  siret: '73282932000074',
  vatNumber: 'FR44732829320',
  legalForm: null,
  rcs: null,
  email: null,
  iban: null,
  paymentTermsDays: 30,
};

const complete: Customer = {
  cabinetId: 'bernard',
  name: 'Cabinet Bernard',
  address: '5 place Bellecour, 69002 Lyon',
  siret: '55501234000017',
  email: null,
  vatNumber: null,
};

describe('mandatory invoice mentions', () => {
  it('lets a draft with both parties named, addressed and identified be finalized (the customer VAT number is optional)', () => {
    expect(missingMentions(vendor, complete)).toEqual([]);
  });

  it("names the customer's missing address and SIRET, with the article and the command that fills each", () => {
    const missing = missingMentions(vendor, { ...complete, cabinetId: 'martin', address: null, siret: '  ' });
    expect(missing.map((m) => [m.cabinetId, m.party, m.field])).toEqual([
      ['martin', 'customer', 'address'],
      ['martin', 'customer', 'siret'],
    ]);
    expect(missing[0]).toMatchObject({
      article: 'art. 242 nonies A, I-1° annexe II CGI',
      fix: 'control-plane cabinet update martin --address "STREET, POSTCODE CITY"',
    });
    expect(missing[1]!.fix).toBe('control-plane cabinet update martin --siret SIRET');
    expect(describeMissing(missing)).toMatch(/^cabinet "martin" lacks the customer's address \(art\. 242 nonies A, I-1° annexe II CGI;/);
  });

  it("names the vendor's variable when its identity or payment terms would be missing", () => {
    const missing = missingMentions({ ...vendor, vatNumber: '', paymentTermsDays: 90 }, complete);
    expect(missing.map((m) => [m.party, m.field, m.fix])).toEqual([
      ['vendor', 'vatNumber', 'set VENDOR_VAT_NUMBER and restart'],
      ['vendor', 'paymentTerms', 'set PAYMENT_TERMS_DAYS (0 to 60) and restart'],
    ]);
  });

  it('charges the fixed recovery indemnity of 40 € (D. 441-5 C. com.)', () => {
    expect(RECOVERY_INDEMNITY_CENTS).toBe(4_000);
  });
});

describe('a cabinet VAT number', () => {
  it('takes FR, the key and the SIREN, spaces and case aside', () => {
    // SIREN 732829320: 97 × 7 554 941 = 732 829 277, remainder 43; key = (12 + 3 × 43) mod 97 = 141 mod 97 = 44.
    expect(vatNumberSchema.parse('fr 44 732 829 320')).toBe('FR44732829320');
    // SIREN 555012340: 97 × 5 721 776 = 555 012 272, remainder 68; key = (12 + 204) mod 97 = 216 mod 97 = 22.
    expect(vatNumberSchema.parse('FR22555012340')).toBe('FR22555012340');
  });

  it('refuses another country, a short number or a wrong key, saying what a French one is', () => {
    expect(vatNumberSchema.safeParse('DE123456789').error?.issues[0]?.message).toMatch(/^must be a French VAT number: FR, a 2-digit key/);
    expect(vatNumberSchema.safeParse('FR4473282932').success).toBe(false);
    expect(vatNumberSchema.safeParse('FR45732829320').error?.issues[0]?.message).toMatch(/^has a wrong key for its SIREN/);
  });
});
