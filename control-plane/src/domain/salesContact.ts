/**
 * The vendor's commercial contact, carried in every license issued to an appliance that reads it
 * (protocol/src/licenseOffers.ts): whom a cabinet at its plan's limit should ask. Read from the
 * environment with the rest of the configuration: SALES_CONTACT_NAME (else VENDOR_NAME), and at
 * least one of SALES_CONTACT_EMAIL (else VENDOR_EMAIL), SALES_CONTACT_PHONE, SALES_CONTACT_URL.
 * None of them set: licenses carry no contact, and the appliance says to ask the vendor.
 */
import { z } from 'zod';
import { vendorContactSchema, type VendorContact } from '@iamanager/protocol';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .optional()
    .transform((v) => v || undefined);

export const salesContactEnvFields = {
  SALES_CONTACT_NAME: optionalText(200),
  SALES_CONTACT_EMAIL: z.email({ error: 'must be an email address, e.g. commercial@vendor.fr' }).optional(),
  SALES_CONTACT_PHONE: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,30}$/, { error: 'must be a phone number, e.g. +33 1 23 45 67 89' })
    .optional(),
  SALES_CONTACT_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://vendor.fr/contact' }).optional(),
};

interface SalesEnv {
  SALES_CONTACT_NAME?: string | undefined;
  SALES_CONTACT_EMAIL?: string | undefined;
  SALES_CONTACT_PHONE?: string | undefined;
  SALES_CONTACT_URL?: string | undefined;
  VENDOR_NAME?: string | undefined;
  VENDOR_EMAIL?: string | undefined;
}

/** The contact licenses carry, or undefined when no way to reach the vendor is configured. */
export function salesContactFrom(env: SalesEnv): VendorContact | undefined {
  const email = env.SALES_CONTACT_EMAIL ?? env.VENDOR_EMAIL;
  const phone = env.SALES_CONTACT_PHONE;
  const url = env.SALES_CONTACT_URL;
  if (!email && !phone && !url) return undefined;
  const contact = {
    name: env.SALES_CONTACT_NAME ?? env.VENDOR_NAME ?? 'Service commercial',
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(url ? { url } : {}),
  };
  return vendorContactSchema.parse(contact);
}
