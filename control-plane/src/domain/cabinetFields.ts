/**
 * Field rules for cabinets, shared by the HTTP API and the CLI so both give the same messages,
 * e.g. `siret: must be 14 digits with a valid checksum`.
 */
import { z } from 'zod';
import { AI_MODELS, cabinetIdSchema } from '@iamanager/protocol';
import { CABINET_STATUSES } from '../storage/records.js';
import { isValidSiret } from '@iamanager/protocol';
import { frenchVatNumber } from './billing/vendorIdentity.js';

export const siretSchema = z
  .string({ error: 'must be 14 digits with a valid checksum' })
  .transform((s) => s.replace(/\s/g, ''))
  .refine(isValidSiret, { error: 'must be 14 digits with a valid checksum' });

/**
 * A French intra-community VAT number: FR, a two-digit key, the SIREN (CGI art. 286 ter; the key is
 * (12 + 3 × (SIREN mod 97)) mod 97). Spaces are dropped and letters upper-cased.
 */
export const vatNumberSchema = z
  .string({ error: 'must be a French VAT number: FR, a 2-digit key and the 9-digit SIREN, e.g. FR44732829320' })
  .transform((s) => s.replace(/\s/g, '').toUpperCase())
  .refine((v) => /^FR\d{11}$/.test(v), {
    error: 'must be a French VAT number: FR, a 2-digit key and the 9-digit SIREN, e.g. FR44732829320',
  })
  .refine((v) => !/^FR\d{11}$/.test(v) || v === frenchVatNumber(v.slice(4)), {
    error: 'has a wrong key for its SIREN: the key is (12 + 3 × (SIREN mod 97)) mod 97, e.g. FR44732829320 for SIREN 732829320',
  });

export const cabinetFields = {
  id: cabinetIdSchema,
  name: z
    .string({ error: 'must be the cabinet name' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(200, { error: 'must be at most 200 characters' }),
  siret: siretSchema,
  address: z.string().trim().min(1, { error: 'must not be empty' }).max(300, { error: 'must be at most 300 characters' }),
  phone: z
    .string()
    .trim()
    .regex(/^[+0-9][0-9 .()-]{5,39}$/, { error: 'must be a phone number, e.g. 01.23.45.67.89 or +33 1 23 45 67 89' }),
  email: z.email({ error: 'must be an email address, e.g. contact@cabinet-dupont.fr' }).max(254),
  vatNumber: vatNumberSchema,
  plan: z
    .string({ error: 'must be a plan id, e.g. professional' })
    .trim()
    .min(1, { error: 'must be a plan id, e.g. professional' })
    .max(64),
  status: z.enum(CABINET_STATUSES, { error: `must be one of ${CABINET_STATUSES.join(', ')}` }),
  limit: z.int({ error: 'must be a whole number, e.g. 10' }).min(0, { error: 'must not be negative' }).max(1_000_000_000),
  aiModel: z.enum(AI_MODELS, { error: `must be one of ${AI_MODELS.join(', ')}` }),
};

/** Per-limit overrides on top of the plan; `null` removes one (back to the plan's figure). */
export const overridesPatchSchema = z.strictObject({
  maxUsers: cabinetFields.limit.nullable().optional(),
  maxCases: cabinetFields.limit.nullable().optional(),
  maxAnalysesMonthly: cabinetFields.limit.nullable().optional(),
  aiModel: cabinetFields.aiModel.nullable().optional(),
  advancedFeatures: z.boolean({ error: 'must be true or false' }).nullable().optional(),
});
export type OverridesPatch = z.infer<typeof overridesPatchSchema>;

export const newCabinetSchema = z.strictObject({
  id: cabinetFields.id,
  name: cabinetFields.name,
  siret: cabinetFields.siret.optional(),
  address: cabinetFields.address.optional(),
  phone: cabinetFields.phone.optional(),
  email: cabinetFields.email.optional(),
  vatNumber: cabinetFields.vatNumber.optional(),
  plan: cabinetFields.plan,
  overrides: overridesPatchSchema.optional(),
});
export type NewCabinet = z.infer<typeof newCabinetSchema>;

export const cabinetPatchSchema = z.strictObject({
  name: cabinetFields.name.optional(),
  siret: cabinetFields.siret.nullable().optional(),
  address: cabinetFields.address.nullable().optional(),
  phone: cabinetFields.phone.nullable().optional(),
  email: cabinetFields.email.nullable().optional(),
  vatNumber: cabinetFields.vatNumber.nullable().optional(),
  plan: cabinetFields.plan.optional(),
  overrides: overridesPatchSchema.optional(),
  status: cabinetFields.status.optional(),
  /**
   * A plan change with overrides in force says what becomes of them (domain/planChange.ts): `keep`
   * them on the new plan or `drop` them (back to the new plan's figures). Required then, ignored otherwise.
   */
  overridesOnPlanChange: z.enum(['keep', 'drop'], { error: 'must be "keep" or "drop"' }).optional(),
  /** Confirms a change that lowers a limit, or leaves one below current usage (refused otherwise). */
  acceptLowerLimits: z.boolean({ error: 'must be true or false' }).optional(),
});
export type CabinetPatch = z.infer<typeof cabinetPatchSchema>;
