/**
 * The vendor's license signing keys. The newest key signs; the two newest are published at
 * `GET /v1/keys`, so licenses signed before a rotation keep verifying on appliances until they are
 * renewed. Private keys are PKCS#8 PEM files, mode 0600, in DATA_DIR/keys; they never leave it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generateSigningKey, keyId, privateKeyFromPem, privateKeyToPem, publicJwk, toJwks, type Jwks } from '@iamanager/protocol';
import { openDocument, writeFileDurable, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { vendorKeysFileSchema, type VendorKeysFile } from '../storage/records.js';

/** How many keys are published at once: the signing key and the one before it. */
const PUBLISHED = 2;

export interface VendorKeySummary {
  kid: string;
  createdAt: string;
  signing: boolean;
}

export class VendorKeys {
  private readonly privateKeys = new Map<string, KeyObject>();

  private constructor(
    private readonly dir: string,
    private readonly doc: Document<VendorKeysFile>,
  ) {}

  /** Opens the key store, creating the first key on first start. */
  static async open(dataDir: string, log: Logger, now: Date): Promise<VendorKeys> {
    const dir = path.join(dataDir, 'keys');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const doc = await openDocument<VendorKeysFile>(path.join(dir, 'keys.json'), { keys: [] }, { schema: vendorKeysFileSchema, log });
    const keys = new VendorKeys(dir, doc);
    if (doc.data.keys.length === 0) await keys.rotate(now);
    else await keys.loadPrivateKeys();
    return keys;
  }

  private async loadPrivateKeys(): Promise<void> {
    for (const entry of this.published()) {
      const pem = await fs.readFile(this.pemFile(entry.kid), 'utf8');
      this.privateKeys.set(entry.kid, privateKeyFromPem(pem).privateKey);
    }
  }

  private pemFile(kid: string): string {
    return path.join(this.dir, `${kid}.pem`);
  }

  private published(): VendorKeysFile['keys'] {
    return this.doc.data.keys.slice(-PUBLISHED);
  }

  /** Reloads the list after another process (the CLI, offline) rotated the keys. */
  async reload(): Promise<void> {
    await this.doc.read();
    await this.loadPrivateKeys();
  }

  /**
   * Makes a new signing key. The private key is durable before the key is listed, so a crash
   * never leaves a published key without its private half.
   */
  async rotate(now: Date): Promise<{ kid: string; published: string[] }> {
    const key = generateSigningKey();
    const jwk = publicJwk(key.publicKey);
    const kid = await keyId(jwk);
    await writeFileDurable(this.pemFile(kid), privateKeyToPem(key.privateKey), { mode: 0o600, keepBackup: false });
    this.doc.data.keys.push({ kid, createdAt: now.toISOString(), publicKey: jwk });
    await this.doc.write();
    this.privateKeys.set(kid, key.privateKey);
    return { kid, published: this.published().map((k) => k.kid) };
  }

  /** The key new licenses are signed with (the newest). */
  signingKey(): { privateKey: KeyObject; kid: string } {
    const newest = this.doc.data.keys.at(-1);
    const privateKey = newest && this.privateKeys.get(newest.kid);
    if (!newest || !privateKey) throw new Error('no vendor signing key is loaded');
    return { privateKey, kid: newest.kid };
  }

  jwks(): Jwks {
    return toJwks(this.published().map((k) => ({ kid: k.kid, jwk: k.publicKey })));
  }

  list(): VendorKeySummary[] {
    const signing = this.doc.data.keys.at(-1)?.kid;
    return this.published().map((k) => ({ kid: k.kid, createdAt: k.createdAt, signing: k.kid === signing }));
  }
}
