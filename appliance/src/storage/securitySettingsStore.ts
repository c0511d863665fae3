/**
 * The cabinet's security policy set on `/admin/securite`, in `security-settings.json`: who must
 * have a second factor (docs/second-factor.md).
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

export const SECOND_FACTOR_REQUIREMENTS = ['off', 'everyone', 'roles'] as const;
export type SecondFactorRequirement = (typeof SECOND_FACTOR_REQUIREMENTS)[number];

const fileSchema = z.object({
  secondFactor: z.object({
    required: z.enum(SECOND_FACTOR_REQUIREMENTS),
    /** The roles that must have one when `required` is 'roles'. */
    roles: z.array(z.string()),
  }),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type SecuritySettingsFile = z.infer<typeof fileSchema>;

export async function openSecuritySettingsStore(dataDir: string, log: Logger): Promise<Document<SecuritySettingsFile>> {
  return openDocument<SecuritySettingsFile>(
    path.join(dataDir, 'security-settings.json'),
    { secondFactor: { required: 'off', roles: [] }, updatedAt: null, updatedBy: null },
    { schema: fileSchema, log, mode: 0o600 },
  );
}
