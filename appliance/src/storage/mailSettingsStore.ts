/**
 * The SMTP settings saved from the admin page or the setup wizard, in `mail-settings.json`
 * (docs/reminders.md). It holds the mail server's password, so the file is created readable by the
 * appliance's user only (mode 0600) and its content is never shown back: the pages show every
 * field but the password.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

export const SMTP_SECURITY = ['starttls', 'starttls-required', 'tls'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

const smtpSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  security: z.enum(SMTP_SECURITY),
  user: z.string().nullable(),
  password: z.string().nullable(),
  from: z.string(),
});
export type SavedSmtp = z.infer<typeof smtpSchema>;

const fileSchema = z.object({
  /** Null: nothing saved from the pages, `.env` (SMTP_URL, MAIL_FROM) applies. */
  smtp: smtpSchema.nullable(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type MailSettingsFile = z.infer<typeof fileSchema>;

export const MAIL_SETTINGS_FILE = 'mail-settings.json';

export async function openMailSettingsStore(dataDir: string, log: Logger): Promise<Document<MailSettingsFile>> {
  return openDocument<MailSettingsFile>(
    path.join(dataDir, MAIL_SETTINGS_FILE),
    { smtp: null, updatedAt: null, updatedBy: null },
    // The password is in it: readable by the appliance's user only.
    { schema: fileSchema, log, mode: 0o600 },
  );
}
