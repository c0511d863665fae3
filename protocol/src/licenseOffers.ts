/**
 * What a license may carry besides the terms it grants: how to reach the vendor and what the
 * plans above the cabinet's add and cost. Signed with the license, so the appliance shows them as
 * the vendor's word — a cabinet asking to upgrade sees the contact and the prices the vendor
 * stands by, not figures from an editable file. Both claims are optional: a license issued before
 * them still verifies, and the appliance then says what it can without them.
 *
 * An appliance that verifies licenses with a strict schema from before these claims would refuse
 * a license carrying them, so the control plane adds them only for an appliance that says it
 * reads them: the `LICENSE_OFFERS_HEADER` on its enrollment and heartbeat requests.
 */
import { z } from 'zod';
import { AI_MODELS_LIST } from './aiModels.js';

/** Sent by an appliance that reads `vendorContact` and `offers` (value: `LICENSE_OFFERS_VALUE`). */
export const LICENSE_OFFERS_HEADER = 'x-iamanager-license-claims';
export const LICENSE_OFFERS_VALUE = 'vendor-contact offers';
/** More than the catalog ladder ever holds above one plan; a bound on what a license carries. */
export const MAX_LICENSE_OFFERS = 8;

const count = z.int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).max(Number.MAX_SAFE_INTEGER);

/** Whether a header value names the offers claims (the appliance may list other claims later). */
export function acceptsLicenseOffers(headerValue: string | undefined): boolean {
  return (headerValue ?? '').split(/[\s,]+/).includes('offers');
}

/** The vendor's commercial contact: a name and at least one way to reach it. */
export const vendorContactSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: 'is required' }).max(200, { error: 'must be at most 200 characters' }),
    email: z.email({ error: 'must be an email address, e.g. commercial@vendor.fr' }).max(200).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9 .()-]{6,30}$/, { error: 'must be a phone number, e.g. +33 1 23 45 67 89' })
      .optional(),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(300)
      .optional(),
  })
  .refine((c) => c.email !== undefined || c.phone !== undefined || c.url !== undefined, {
    error: 'must give an email, a phone number or a URL: a contact nobody can reach is no contact',
  });
export type VendorContact = z.infer<typeof vendorContactSchema>;

/** One plan the cabinet may move to: its catalog terms and monthly price excl. VAT. */
export const planOfferSchema = z.strictObject({
  plan: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  /** Per month, excl. VAT, in euro cents. */
  priceCents: count,
  limits: z.strictObject({ maxUsers: count, maxCases: count, maxAnalysesMonthly: count }),
  aiModel: z.enum(AI_MODELS_LIST),
  advancedFeatures: z.boolean(),
  overageAllowed: z.boolean(),
  /** Per analysis over the monthly quota, excl. VAT, in euro cents (when overage is allowed). */
  overagePriceCents: count,
});
export type PlanOffer = z.infer<typeof planOfferSchema>;

/** The optional claims, spread into the license claims schema. */
export const licenseOfferClaims = {
  vendorContact: vendorContactSchema.optional(),
  /** The cabinet's own plan's monthly price excl. VAT, so the page can say what an upgrade adds. */
  planPriceCents: count.optional(),
  /** The plans above the cabinet's, cheapest first. */
  offers: z.array(planOfferSchema).max(MAX_LICENSE_OFFERS).optional(),
};

/**
 * Where a use stands against a plan limit, the same for both sides: the appliance's banner (from
 * 80 %) and the vendor's fleet flags. Near at 80 % of it, reached at 100 % (or when the plan allows
 * none); whole numbers, so 8 of 10 is exactly 80 %.
 */
export const NEAR_LIMIT_PERCENT = 80;
export type LimitFlag = 'ok' | 'near_limit' | 'at_limit';

export function limitFlag(used: number, max: number): LimitFlag {
  if (used >= max) return 'at_limit';
  if (used * 100 >= max * NEAR_LIMIT_PERCENT) return 'near_limit';
  return 'ok';
}
