/**
 * The cabinet's rule for closing deadlines (docs/deadlines.md), in `deadline-rules.json` (the
 * kernel's durable document): whether closing or setting aside a deadline needs a second person's
 * confirmation. Off until an admin turns it on, so a one-lawyer cabinet can close its own deadlines.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const rulesSchema = z.object({
  secondConfirmation: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type DeadlineRules = z.infer<typeof rulesSchema>;

export async function openDeadlineRules(dataDir: string, log: Logger): Promise<Document<DeadlineRules>> {
  return openDocument<DeadlineRules>(
    path.join(dataDir, 'deadline-rules.json'),
    { secondConfirmation: false, updatedBy: null, updatedAt: null },
    { schema: rulesSchema, log },
  );
}
