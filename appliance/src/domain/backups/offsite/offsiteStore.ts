/**
 * `offsite-targets.json` in DATA_DIR: the off-site targets' settings and each one's last push.
 * Secrets (SFTP password or key, S3 secret) are in it, so the file is readable by the appliance's
 * user only (mode 0600). It is part of the encrypted backups: a restored appliance keeps pushing
 * to the same places.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import { targetSettingsSchema } from './targetSettings.js';

const failureSchema = z.object({ at: z.string(), code: z.string(), message: z.string() });

/** One target's last results: a failure does not erase the last success (the page shows both). */
export const targetStatusSchema = z.object({
  lastSuccessAt: z.string().nullable(),
  /** The name of the archive the last successful push sent. */
  lastCopy: z.string().nullable(),
  lastError: failureSchema.nullable(),
});
export type TargetStatus = z.infer<typeof targetStatusSchema>;

const fileSchema = z.object({
  targets: z.array(targetSettingsSchema),
  status: z.record(z.string(), targetStatusSchema),
});
export type OffsiteFileContent = z.infer<typeof fileSchema>;

export const OFFSITE_FILE = 'offsite-targets.json';

export function openOffsiteStore(dataDir: string, log: Logger): Promise<Document<OffsiteFileContent>> {
  return openDocument<OffsiteFileContent>(
    path.join(dataDir, OFFSITE_FILE),
    { targets: [], status: {} },
    // Passwords, private keys and secret keys are in it: readable by the appliance's user only.
    { schema: fileSchema, log, mode: 0o600 },
  );
}
