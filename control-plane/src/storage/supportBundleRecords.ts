/**
 * Support bundles as the control plane keeps them (docs/support-bundle.md): the index entry of each
 * bundle an appliance sent — in DATA_DIR/support-bundles/index.json with the embedded files, a row
 * of `support_bundles` with PostgreSQL. The schema lives in storage/ so both backends validate the
 * same shape in and out.
 */
import { z } from 'zod';

export const supportBundleEntrySchema = z.strictObject({
  id: z.string().uuid(),
  cabinetId: z.string(),
  applianceId: z.string(),
  receivedAt: z.string(),
  expiresAt: z.string(),
  bytes: z.number().int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SupportBundleEntry = z.infer<typeof supportBundleEntrySchema>;

export const supportBundleIndexSchema = z.strictObject({ bundles: z.array(supportBundleEntrySchema) });
export type SupportBundleIndex = z.infer<typeof supportBundleIndexSchema>;
