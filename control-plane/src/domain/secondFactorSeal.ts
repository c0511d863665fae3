/**
 * How the vendor admins' TOTP secrets are kept. Unlike a password, a TOTP secret must be read
 * back to check a code, so it cannot be hashed: it is sealed with AES-256-GCM under a key of its
 * own, generated on first start and kept in DATA_DIR/second-factor-key.json (mode 0600, like the
 * dashboard's session secret and the vendor's signing keys). admins.json (also 0600) holds only
 * the sealed form: a copy of that one file — pasted into a ticket, kept in an export — yields no
 * usable secret. The admin's id is the seal's associated data, so a sealed secret moved onto
 * another admin's record does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { openDocument } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';

export const SECOND_FACTOR_KEY_FILE = 'second-factor-key.json';
const VERSION = 'v1';

const keyFileSchema = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{43}$/), createdAt: z.string() });
type KeyFile = z.infer<typeof keyFileSchema> | { key: null; createdAt: null };

export class SecondFactorSeal {
  private constructor(private readonly key: Buffer) {}

  /** Opens the key, generating it the first time (a control plane from before second factors has none). */
  static async open(dataDir: string, now: Date, log: Logger): Promise<SecondFactorSeal> {
    const doc = await openDocument<KeyFile>(
      path.join(dataDir, SECOND_FACTOR_KEY_FILE),
      { key: null, createdAt: null },
      { schema: keyFileSchema as z.ZodType<KeyFile>, log, mode: 0o600 },
    );
    if (!doc.data.key) {
      doc.data = { key: randomBytes(32).toString('base64url'), createdAt: now.toISOString() };
      await doc.write();
      log.info('second factor sealing key generated');
    }
    return new SecondFactorSeal(Buffer.from(doc.data.key!, 'base64url'));
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each base64url; a fresh 96-bit IV every time. */
  seal(adminId: string, secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(adminId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /**
   * The secret, or undefined when the seal does not open (another key — the key file was replaced
   * — or another admin's record): the admin's second factor must then be reset, which the caller says.
   */
  open(adminId: string, sealed: string): string | undefined {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(adminId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
