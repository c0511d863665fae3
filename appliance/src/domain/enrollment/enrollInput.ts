/**
 * What a person gives to enroll the appliance: the one-time code from the vendor and, when the
 * configuration has none, the control plane's address. Parsed at the edges (the setup API, the
 * setup wizard's form); the code's shape is checked again by `enroll`, which the CLI also calls.
 */
import { z } from 'zod';

export const enrollInputSchema = z.strictObject({
  code: z.string().trim().min(1, { error: 'is required: the enrollment code from your vendor' }).max(64),
  controlPlaneUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});
export type EnrollInput = z.infer<typeof enrollInputSchema>;
