/**
 * The vendor's signing keys in DATA_DIR/keys, the files the control plane has always written: the
 * list in keys.json (public halves, oldest first) and each private half in KID.pem (PKCS#8, mode
 * 0600, in a 0700 directory); an existing DATA_DIR opens unchanged.
 *
 * `list()` reads keys.json again each time: it is the truth on disk, and a CLI run while the server
 * was stopped may have rotated. Every operation runs after the previous one ended (one queue), so a
 * read never sees a half-made rotation and two first starts in this process make one key.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { openDocument, writeFileDurable, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../../errors.js';
import { vendorKeysFileSchema, type VendorKeysFile } from '../records.js';
import type { VendorKeyEntry, VendorKeyStore } from '../stores.js';

const PEM_HEADER = '-----BEGIN PRIVATE KEY-----';

export class EmbeddedVendorKeyStore implements VendorKeyStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly doc: Document<VendorKeysFile>,
  ) {}

  static async open(dataDir: string, log: Logger): Promise<EmbeddedVendorKeyStore> {
    const dir = path.join(dataDir, 'keys');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const doc = await openDocument<VendorKeysFile>(path.join(dir, 'keys.json'), { keys: [] }, { schema: vendorKeysFileSchema, log });
    return new EmbeddedVendorKeyStore(dir, doc);
  }

  list(): Promise<VendorKeyEntry[]> {
    return this.serially(async () => {
      await this.doc.read();
      return this.entries();
    });
  }

  add(key: VendorKeyEntry): Promise<void> {
    return this.serially(() => this.append(key));
  }

  ensureFirst(generate: () => Promise<VendorKeyEntry>): Promise<void> {
    return this.serially(async () => {
      await this.doc.read();
      if (this.doc.data.keys.length === 0) await this.append(await generate());
    });
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private pemFile(kid: string): string {
    return path.join(this.dir, `${kid}.pem`);
  }

  private async entries(): Promise<VendorKeyEntry[]> {
    const entries: VendorKeyEntry[] = [];
    for (const key of this.doc.data.keys) {
      let privatePem: string;
      try {
        privatePem = await fs.readFile(this.pemFile(key.kid), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw new ControlPlaneError(
          'vendor_key_missing',
          `${this.pemFile(key.kid)} is missing: keys.json lists key ${key.kid} but its private half is gone; restore DATA_DIR/keys from a backup`,
          { kid: key.kid },
        );
      }
      entries.push({ ...structuredClone(key), privatePem });
    }
    return entries;
  }

  /**
   * The private half is durable before the key is listed, so a crash never leaves a listed key
   * without it (at worst an unlisted KID.pem, which nothing reads).
   */
  private async append(key: VendorKeyEntry): Promise<void> {
    if (!key.privatePem.startsWith(PEM_HEADER)) throw new Error(`vendor key ${key.kid}: the private key is not a PKCS#8 PEM`);
    await writeFileDurable(this.pemFile(key.kid), key.privatePem, { mode: 0o600, keepBackup: false });
    const { privatePem: _private, ...listed } = key;
    this.doc.data.keys.push(vendorKeysFileSchema.shape.keys.element.parse(listed));
    await this.doc.write();
  }
}
