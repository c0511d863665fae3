/** Input rules for a custom plan, shared by the HTTP API and the CLI. */
import { z } from 'zod';
import { AI_MODELS, cabinetIdSchema } from '@iamanager/protocol';
import { DEFAULT_OVERAGE_CENTS } from './planCatalog.js';

const cents = z
  .int({ error: 'must be a whole number of cents, e.g. 29900 for 299 €' })
  .min(0, { error: 'must not be negative' })
  .max(100_000_000);
const limit = z.int({ error: 'must be a whole number, e.g. 10' }).min(0, { error: 'must not be negative' }).max(1_000_000_000);

export const newPlanSchema = z.strictObject({
  id: cabinetIdSchema,
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100),
  priceCents: cents,
  limits: z.strictObject({ maxUsers: limit, maxCases: limit, maxAnalysesMonthly: limit }),
  aiModel: z.enum(AI_MODELS, { error: `must be one of ${AI_MODELS.join(', ')}` }),
  advancedFeatures: z.boolean({ error: 'must be true or false' }),
  overage: z
    .strictObject({ allowed: z.boolean({ error: 'must be true or false' }), pricePerAnalysisCents: cents.default(DEFAULT_OVERAGE_CENTS) })
    .default({ allowed: true, pricePerAnalysisCents: DEFAULT_OVERAGE_CENTS }),
});
