/**
 * The mentions a French invoice must carry, checked on each draft before it may be finalized: an
 * invoice issued without one is an offence for both parties (CGI art. 1737, I-3: a 15 € fine per
 * missing or inaccurate mention) and cannot be corrected but by a credit note. What the product
 * fills itself is not checked here: the number and its continuous series, the issue date, the
 * description, quantities, unit prices, VAT rate and totals (draftInvoice.ts, documentNumbers.ts).
 *
 * - CGI art. 242 nonies A, I annexe II:
 *   1° the name and address of the vendor and of the customer;
 *   the customer's SIREN, added to its list by the electronic-invoicing reform (décret n° 2022-1299
 *      of 7 October 2022) — the SIRET of a cabinet holds it (its first nine digits);
 *   2° the vendor's intra-community VAT number (the customer's is printed when known; it is required
 *      only when the customer owes the VAT, which a French cabinet buying from a French vendor does not);
 *   8° the date of the sale (the billed period), 9° the due date — C. com. L. 441-9, I.
 * - C. com. L. 441-9, I and L. 441-10, II: the payment date, the terms of the discount, and the
 *   late-payment penalty rate.
 * - C. com. L. 441-10, II and D. 441-5: for a business customer, the fixed 40 € recovery indemnity.
 *   A cabinet is always a business customer (a law firm buying a professional service).
 *
 * The vendor's identity is checked at start-up (vendorIdentity.ts): a control plane missing one of
 * its variables issues nothing (`billing_not_configured`); it is checked again here so a draft
 * names everything an invoice lacks.
 */
import type { Customer, VendorIdentity } from '../../storage/billingRecords.js';

/** Late-payment penalties when the contract sets no rate: the ECB refinancing rate plus 10 points (C. com. L. 441-10, II). */
export const LATE_PAYMENT_PENALTY_TEXT =
  'pénalités de retard au taux de refinancement de la BCE majoré de 10 points (art. L. 441-10 C. com.)';
/** Due by a business customer on any late payment, on top of the penalties (C. com. D. 441-5). */
export const RECOVERY_INDEMNITY_CENTS = 4_000;

export type MentionField = 'name' | 'address' | 'siret' | 'vatNumber' | 'paymentTerms';

/** One mention a draft lacks: whose it is, which field, and how to fill it. */
export interface MissingMention {
  cabinetId: string;
  party: 'customer' | 'vendor';
  field: MentionField;
  /** The article that requires it. */
  article: string;
  /** What to run (or set) to fill it. */
  fix: string;
}

const CUSTOMER_FIELDS: ReadonlyArray<{ field: MentionField; flag: string; example: string; article: string }> = [
  { field: 'name', flag: '--name', example: '"NAME"', article: 'art. 242 nonies A, I-1° annexe II CGI' },
  { field: 'address', flag: '--address', example: '"STREET, POSTCODE CITY"', article: 'art. 242 nonies A, I-1° annexe II CGI' },
  {
    field: 'siret',
    flag: '--siret',
    example: 'SIRET',
    article: 'art. 242 nonies A annexe II CGI, SIREN du client (décret n° 2022-1299)',
  },
];

const VENDOR_FIELDS: ReadonlyArray<{ field: MentionField; variable: string; article: string }> = [
  { field: 'name', variable: 'VENDOR_NAME', article: 'art. 242 nonies A, I-1° annexe II CGI' },
  { field: 'address', variable: 'VENDOR_ADDRESS', article: 'art. 242 nonies A, I-1° annexe II CGI' },
  { field: 'siret', variable: 'VENDOR_SIRET', article: 'art. 242 nonies A, I-1° annexe II CGI' },
  { field: 'vatNumber', variable: 'VENDOR_VAT_NUMBER', article: 'art. 242 nonies A, I-2° annexe II CGI' },
];

const blank = (v: string | null | undefined) => v === null || v === undefined || v.trim() === '';

/** What the invoice of `customer` would lack, issued by `vendor` (an empty list: it may be finalized). */
export function missingMentions(vendor: VendorIdentity, customer: Customer): MissingMention[] {
  const missing: MissingMention[] = [];
  for (const f of VENDOR_FIELDS) {
    if (blank(vendor[f.field as 'name' | 'address' | 'siret' | 'vatNumber']))
      missing.push({
        cabinetId: customer.cabinetId,
        party: 'vendor',
        field: f.field,
        article: f.article,
        fix: `set ${f.variable} and restart`,
      });
  }
  // The due date and the penalty mentions are printed from the payment terms (L. 441-10 caps them at 60 days).
  if (!Number.isInteger(vendor.paymentTermsDays) || vendor.paymentTermsDays < 0 || vendor.paymentTermsDays > 60)
    missing.push({
      cabinetId: customer.cabinetId,
      party: 'vendor',
      field: 'paymentTerms',
      article: 'art. L. 441-9 and L. 441-10 C. com.',
      fix: 'set PAYMENT_TERMS_DAYS (0 to 60) and restart',
    });
  for (const f of CUSTOMER_FIELDS) {
    if (blank(customer[f.field as 'name' | 'address' | 'siret']))
      missing.push({
        cabinetId: customer.cabinetId,
        party: 'customer',
        field: f.field,
        article: f.article,
        fix: `control-plane cabinet update ${customer.cabinetId} ${f.flag} ${f.example}`,
      });
  }
  return missing;
}

/** "cabinet "martin": address (art. …), siret (art. …)": one sentence per cabinet. */
export function describeMissing(missing: readonly MissingMention[]): string {
  const byCabinet = new Map<string, MissingMention[]>();
  for (const m of missing) byCabinet.set(m.cabinetId, [...(byCabinet.get(m.cabinetId) ?? []), m]);
  return [...byCabinet]
    .map(([id, list]) => `cabinet "${id}" lacks ${list.map((m) => `the ${m.party}'s ${m.field} (${m.article}; ${m.fix})`).join(', ')}`)
    .join('; ');
}
