/**
 * The single sign-on settings saved from `/admin/connexion-unique` (docs/single-sign-on.md), in
 * `oidc-settings.json`. It holds the client secret the identity provider issued, so the file is
 * created readable by the appliance's user only (mode 0600) and the secret is never shown back:
 * the page says only whether one is saved.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const providerSchema = z.object({
  /** The issuer identifier (discovery is at `<issuer>/.well-known/openid-configuration`). */
  issuer: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  /** What the login page's button says: « Se connecter avec <displayName> ». */
  displayName: z.string(),
  /** Lowercase domains an e-mail must end with; empty: any domain the provider vouches for. */
  allowedDomains: z.array(z.string()),
  /** Unknown e-mails become users (within the plan's seats) with `newUserRole`; otherwise refused. */
  createUsers: z.boolean(),
  newUserRole: z.string(),
  /** Password login refused for everyone but `breakGlassUserId` (an active admin). */
  localLoginOff: z.boolean(),
  breakGlassUserId: z.string().nullable(),
});
export type SavedOidcProvider = z.infer<typeof providerSchema>;

const fileSchema = z.object({
  /** Null: single sign-on is not configured (the login page shows the password form only). */
  provider: providerSchema.nullable(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type OidcSettingsFile = z.infer<typeof fileSchema>;

export const OIDC_SETTINGS_FILE = 'oidc-settings.json';

export async function openOidcSettingsStore(dataDir: string, log: Logger): Promise<Document<OidcSettingsFile>> {
  return openDocument<OidcSettingsFile>(
    path.join(dataDir, OIDC_SETTINGS_FILE),
    { provider: null, updatedAt: null, updatedBy: null },
    // The client secret is in it: readable by the appliance's user only.
    { schema: fileSchema, log, mode: 0o600 },
  );
}
