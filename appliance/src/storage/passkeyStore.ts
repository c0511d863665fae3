/**
 * The users' passkeys (WebAuthn credentials), in `passkeys.json` through the kernel's durable
 * document: what the appliance must keep to check a later login (the credential id, its public
 * key, the signature counter it last saw) and what the user sees on « Clés d'accès » (the name
 * they gave it, when it was added and last used). No secret is in it: a public key proves
 * nothing without the authenticator that holds the private key. Kept apart from `users.json`
 * since a login with a passkey writes its counter, and the user file is written for other reasons.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';

const passkeySchema = z.object({
  /** The credential id the authenticator chose (base64url), unique across the appliance. */
  id: z.string(),
  userId: z.string(),
  /** The COSE public key (base64url). */
  publicKey: z.string(),
  /** The authenticator's signature counter at its last use (0 for those that keep none). */
  counter: z.number().int().nonnegative(),
  /** How the browser reaches the authenticator (usb, nfc, ble, internal, hybrid): a hint for the next login. */
  transports: z.array(z.string()),
  /** The host name the passkey is bound to (WebAuthn RP ID): it works only on that name. */
  rpId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type StoredPasskey = z.infer<typeof passkeySchema>;

const fileSchema = z.object({ passkeys: z.array(passkeySchema) });
export type PasskeysFile = z.infer<typeof fileSchema>;

export const PASSKEYS_FILE = 'passkeys.json';

export async function openPasskeyStore(dataDir: string, log: Logger): Promise<Document<PasskeysFile>> {
  return openDocument<PasskeysFile>(path.join(dataDir, PASSKEYS_FILE), { passkeys: [] }, { schema: fileSchema, log, mode: 0o600 });
}
