/**
 * How the vendor admins' TOTP secrets are kept. Unlike a password, a TOTP secret must be read
 * back to check a code, so it cannot be hashed: it is sealed with AES-256-GCM under a key of its
 * own, generated on first start and kept in DATA_DIR/second-factor-key.json (mode 0600, like the
 * dashboard's session secret and the vendor's signing keys). admins.json (also 0600) holds only
 * the sealed form: a copy of that one file — pasted into a ticket, kept in an export — yields no
 * usable secret. The admin's id is the seal's associated data, so a sealed secret moved onto
 * another admin's record does not open.
 *
 * With several nodes (DATABASE_URL) every node must seal and open with the same key, and the key
 * must not be in the database — whoever reads a dump would then read the TOTP secrets too. It is
 * then read from SECOND_FACTOR_KEY_FILE, a secret file every node mounts (`readSecondFactorKeyFile`,
 * checked at start-up by config.ts), never generated: a node that made its own would seal secrets
 * the others cannot open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { openDocument } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';

export const SECOND_FACTOR_KEY_FILE = 'second-factor-key.json';
const VERSION = 'v1';

const keyFileSchema = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{43}$/), createdAt: z.string() });
/** 32 bytes: 44 characters of base64 (`openssl rand -base64 32`) or 43 of base64url. */
const KEY_TEXT = /^(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9_-]{43})$/;
export const GENERATE_KEY_COMMAND = 'umask 077 && openssl rand -base64 32 > FILE';

/**
 * The key in a SECOND_FACTOR_KEY_FILE: one line of base64 (what GENERATE_KEY_COMMAND writes), or a
 * copy of DATA_DIR/second-factor-key.json — so an installation moving to PostgreSQL keeps the key
 * its admins' secrets are sealed with. Refused unless only its owner can read it (mode 0600 or
 * 0400). Throws an Error whose message says what is wrong and how to fix it, never the key.
 */
export function readSecondFactorKeyFile(file: string): Buffer {
  const create = `create it with: ${GENERATE_KEY_COMMAND.replace('FILE', file)} (or copy DATA_DIR/${SECOND_FACTOR_KEY_FILE} to keep the current key)`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${create}`, { cause: err });
  }
  if (!stat.isFile()) throw new Error(`${file} is not a file: ${create}`);
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(`${file} can be read or written by other users (mode ${mode}): chmod 600 ${file} (owned by the control plane's user)`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): give the control plane's user read access (chown it, mode 0600)`,
      { cause: err },
    );
  }
  const fromJson = text.startsWith('{') ? keyFileSchema.safeParse(safeJson(text)) : undefined;
  const key = fromJson?.success ? fromJson.data.key : text;
  if (!KEY_TEXT.test(key)) {
    throw new Error(
      `${file} does not hold a 256-bit key (44 characters of base64 on one line, or a copy of DATA_DIR/${SECOND_FACTOR_KEY_FILE}): ${create}`,
    );
  }
  return Buffer.from(key.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
type KeyFile = z.infer<typeof keyFileSchema> | { key: null; createdAt: null };

export class SecondFactorSeal {
  private constructor(private readonly key: Buffer) {}

  /** The key every node shares (SECOND_FACTOR_KEY_FILE, see `readSecondFactorKeyFile`). */
  static fromKeyFile(file: string): SecondFactorSeal {
    return new SecondFactorSeal(readSecondFactorKeyFile(file));
  }

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
