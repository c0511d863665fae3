/**
 * The vendor's identity printed on every invoice (art. 242 nonies A, I-1° and 2° annexe II CGI:
 * full name, identification number and address; the intra-community VAT number), read from the
 * environment with the rest of the configuration and checked at start-up.
 *
 * Billing is optional for a control plane: with none of the VENDOR_* variables set the service
 * runs and closing a month is refused (`billing_not_configured`); with some set, every required
 * one must be set and valid, or start-up stops listing what is wrong.
 */
import { z } from 'zod';
import { envInt } from '@iamanager/kernel/config';
import { isValidSiret } from '@iamanager/protocol';
import type { VendorIdentity } from '../../storage/billingRecords.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .optional();

export const REQUIRED_VENDOR_VARIABLES = ['VENDOR_NAME', 'VENDOR_ADDRESS', 'VENDOR_SIRET', 'VENDOR_VAT_NUMBER'] as const;

export const vendorEnvFields = {
  VENDOR_NAME: text(200),
  VENDOR_ADDRESS: text(300),
  VENDOR_SIRET: text(20),
  VENDOR_VAT_NUMBER: text(20),
  /** e.g. "SAS au capital de 10 000 €" (Code de commerce R. 123-238). */
  VENDOR_LEGAL_FORM: text(200),
  /** e.g. "RCS Paris 732 829 320" (Code de commerce R. 123-237). */
  VENDOR_RCS: text(200),
  VENDOR_EMAIL: z.email({ error: 'must be an email address, e.g. facturation@vendor.fr' }).optional(),
  VENDOR_IBAN: text(42),
  /** Days from the issue date to the due date; Code de commerce L. 441-10 caps it at 60. */
  PAYMENT_TERMS_DAYS: envInt(0, 60, 30),
};

type VendorEnv = z.output<z.ZodObject<typeof vendorEnvFields>>;

/** The French intra-community VAT number of a SIREN: FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97. */
export function frenchVatNumber(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

function validIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const digit of rearranged) rest = (rest * 10 + Number(digit)) % 97;
  return rest === 1;
}

const compact = (v: string | undefined) => v?.replace(/\s/g, '').toUpperCase() || undefined;

/** Adds an issue for each missing or invalid vendor variable (called from the config schema's refinement). */
export function checkVendorEnv(env: VendorEnv, ctx: z.RefinementCtx): void {
  const anySet = REQUIRED_VENDOR_VARIABLES.some((name) => env[name]);
  if (!anySet) return;
  for (const name of REQUIRED_VENDOR_VARIABLES) {
    if (!env[name])
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `is required to issue invoices once any VENDOR_* variable is set (set all of ${REQUIRED_VENDOR_VARIABLES.join(', ')}, or none to run without billing)`,
      });
  }
  const siret = compact(env.VENDOR_SIRET);
  if (siret && !isValidSiret(siret))
    ctx.addIssue({
      code: 'custom',
      path: ['VENDOR_SIRET'],
      message: 'must be 14 digits with a valid checksum (the SIRET of the establishment that invoices)',
    });
  const vat = compact(env.VENDOR_VAT_NUMBER);
  if (vat && siret && isValidSiret(siret) && vat !== frenchVatNumber(siret.slice(0, 9))) {
    ctx.addIssue({
      code: 'custom',
      path: ['VENDOR_VAT_NUMBER'],
      message: `must be the VAT number of SIREN ${siret.slice(0, 9)}, i.e. ${frenchVatNumber(siret.slice(0, 9))}`,
    });
  }
  const iban = compact(env.VENDOR_IBAN);
  if (iban && !validIban(iban))
    ctx.addIssue({
      code: 'custom',
      path: ['VENDOR_IBAN'],
      message: 'must be an IBAN with a valid checksum, e.g. FR76 3000 6000 0112 3456 7890 189',
    });
}

/** The vendor identity, or `undefined` when billing is not configured. Call after `checkVendorEnv` passed. */
export function vendorIdentityFrom(env: VendorEnv): VendorIdentity | undefined {
  if (!env.VENDOR_NAME || !env.VENDOR_ADDRESS || !env.VENDOR_SIRET || !env.VENDOR_VAT_NUMBER) return undefined;
  return {
    name: env.VENDOR_NAME,
    address: env.VENDOR_ADDRESS,
    siret: compact(env.VENDOR_SIRET)!,
    vatNumber: compact(env.VENDOR_VAT_NUMBER)!,
    legalForm: env.VENDOR_LEGAL_FORM || null,
    rcs: env.VENDOR_RCS || null,
    email: env.VENDOR_EMAIL ?? null,
    iban: compact(env.VENDOR_IBAN) ?? null,
    paymentTermsDays: env.PAYMENT_TERMS_DAYS,
  };
}
