/**
 * Query rules for the fleet and its alerts, shared by the API and the dashboard so both accept
 * the same filters with the same messages. An empty value (a form's "all" choice) means no filter.
 */
import { z } from 'zod';
import { applianceIdSchema, cabinetIdSchema } from '@iamanager/protocol';
import { FLEET_SORTS } from './fleet.js';
import { FLEET_STATUSES } from './fleetStatus.js';

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);
const wholeNumber = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int({ error: `must be a whole number from ${min} to ${max}` })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` })
      .default(fallback),
  );

export const MAX_PER_PAGE = 1000;

export const fleetQuerySchema = z.strictObject({
  status: z.preprocess(blankIsUnset, z.enum(FLEET_STATUSES, { error: `must be one of ${FLEET_STATUSES.join(', ')}` }).optional()),
  plan: z.preprocess(
    blankIsUnset,
    z.string({ error: 'must be a plan id, e.g. professional' }).max(64, { error: 'must be at most 64 characters' }).optional(),
  ),
  sort: z.preprocess(blankIsUnset, z.enum(FLEET_SORTS, { error: `must be one of ${FLEET_SORTS.join(', ')}` }).default('status')),
  revoked: z.enum(['include', 'exclude'], { error: 'must be "include" or "exclude"' }).default('exclude'),
  page: wholeNumber(1, 1_000_000, 1),
  perPage: wholeNumber(1, MAX_PER_PAGE, 100),
});
export type FleetQueryInput = z.output<typeof fleetQuerySchema>;

export const alertQuerySchema = z.strictObject({
  applianceId: z.preprocess(blankIsUnset, applianceIdSchema.optional()),
  cabinetId: z.preprocess(blankIsUnset, cabinetIdSchema.optional()),
  status: z.preprocess(blankIsUnset, z.enum(FLEET_STATUSES, { error: `must be one of ${FLEET_STATUSES.join(', ')}` }).optional()),
  limit: wholeNumber(1, 1000, 100),
});
