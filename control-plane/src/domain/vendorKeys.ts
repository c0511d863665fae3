/**
 * The vendor's license signing keys, kept by a `VendorKeyStore` (DATA_DIR/keys, or the
 * `vendor_keys` table shared by every node). The newest key signs; the two newest are published at
 * `GET /v1/keys`, so licenses signed before a rotation keep verifying on appliances until they are
 * renewed. Private keys are PKCS#8 PEM, never sent anywhere.
 *
 * Each node keeps the list it last read and reads it again once it is `refreshSeconds` old (30 s):
 * a rotation made on one node (CLI `keys rotate` through that node's socket) reaches every other
 * node's signing and published set within that delay, without a query per license or heartbeat.
 * The node that rotates uses the new key at once.
 */
import type { KeyObject } from 'node:crypto';
import { generateSigningKey, keyId, privateKeyFromPem, privateKeyToPem, publicJwk, toJwks, type Jwks } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import type { Clock } from '../clock.js';
import type { VendorKeysFile } from '../storage/records.js';
import type { VendorKeyEntry, VendorKeyStore } from '../storage/stores.js';

/** How many keys are published at once: the signing key and the one before it. */
const PUBLISHED = 2;

/** How old the list a node signs and publishes with may get before it is read again from the store. */
export const KEYS_REFRESH_SECONDS = 30;

export interface VendorKeySummary {
  kid: string;
  createdAt: string;
  signing: boolean;
}

export interface VendorKeysOptions {
  clock: Clock;
  log: Logger;
  /** Default KEYS_REFRESH_SECONDS; tests move the clock past it rather than wait. */
  refreshSeconds?: number;
}

type ListedKey = VendorKeysFile['keys'][number];

/** A new Ed25519 key with its kid (the JWK thumbprint), dated `now`. */
export async function newVendorKey(now: Date): Promise<VendorKeyEntry> {
  const key = generateSigningKey();
  const jwk = publicJwk(key.publicKey);
  return { kid: await keyId(jwk), createdAt: now.toISOString(), publicKey: jwk, privatePem: privateKeyToPem(key.privateKey) };
}

export class VendorKeys {
  private keys: ListedKey[] = [];
  /** Parsed once per kid: a key's private half never changes. */
  private readonly privateKeys = new Map<string, KeyObject>();
  /** Clock time (ms) of the read `keys` comes from. */
  private readAt = Number.NEGATIVE_INFINITY;
  /** Reads are numbered so that a slow one finishing after a newer one does not put older keys back. */
  private readsStarted = 0;
  private readApplied = 0;
  private refreshing: Promise<void> | undefined;

  private constructor(
    private readonly store: VendorKeyStore,
    private readonly options: VendorKeysOptions,
  ) {}

  /** Opens the keys, the first node to start on an empty store making the first key. */
  static async open(store: VendorKeyStore, options: VendorKeysOptions): Promise<VendorKeys> {
    await store.ensureFirst(() => newVendorKey(options.clock()));
    const keys = new VendorKeys(store, options);
    await keys.reload();
    return keys;
  }

  /** Reads the keys from the store now, whatever the age of the list (after a rotation, or on demand). */
  async reload(): Promise<void> {
    const read = ++this.readsStarted;
    const at = this.options.clock().getTime();
    const entries = await this.store.list();
    if (entries.length === 0) throw new Error('the vendor key store has no key: it is opened with ensureFirst');
    // The published keys' private halves are parsed now, so a damaged PEM shows at the read that brings it.
    for (const entry of entries.slice(-PUBLISHED)) this.parsePrivate(entry);
    if (read < this.readApplied) return;
    this.readApplied = read;
    this.keys = entries.map(({ privatePem: _private, ...listed }) => listed);
    this.readAt = at;
  }

  /**
   * Makes a new signing key. The store keeps the private half durable before the key is listed, so
   * a crash never leaves a published key without it. This node signs with it at once.
   */
  async rotate(now: Date): Promise<{ kid: string; published: string[] }> {
    const key = await newVendorKey(now);
    await this.store.add(key);
    this.parsePrivate(key);
    await this.reload();
    return { kid: key.kid, published: this.published().map((k) => k.kid) };
  }

  /** The key new licenses, receipts and manifests are signed with (the newest). */
  async signingKey(): Promise<{ privateKey: KeyObject; kid: string }> {
    await this.fresh();
    const newest = this.keys.at(-1);
    const privateKey = newest && this.privateKeys.get(newest.kid);
    if (!newest || !privateKey) throw new Error('no vendor signing key is loaded');
    return { privateKey, kid: newest.kid };
  }

  async jwks(): Promise<Jwks> {
    await this.fresh();
    return toJwks(this.published().map((k) => ({ kid: k.kid, jwk: k.publicKey })));
  }

  async list(): Promise<VendorKeySummary[]> {
    await this.fresh();
    const signing = this.keys.at(-1)?.kid;
    return this.published().map((k) => ({ kid: k.kid, createdAt: k.createdAt, signing: k.kid === signing }));
  }

  private published(): ListedKey[] {
    return this.keys.slice(-PUBLISHED);
  }

  private parsePrivate(entry: VendorKeyEntry): void {
    if (!this.privateKeys.has(entry.kid)) this.privateKeys.set(entry.kid, privateKeyFromPem(entry.privatePem).privateKey);
  }

  /**
   * Reads the list again when it is older than the refresh delay (or the clock went back before the
   * read). One read at a time for all callers. When the store cannot be read (PostgreSQL away), the
   * keys already held still sign and publish — they are valid, only possibly not the newest — and
   * the read is tried again after another delay.
   */
  private async fresh(): Promise<void> {
    const now = this.options.clock().getTime();
    const age = now - this.readAt;
    if (age >= 0 && age < (this.options.refreshSeconds ?? KEYS_REFRESH_SECONDS) * 1000) return;
    this.refreshing ??= this.reload()
      .catch((err: unknown) => {
        if (this.keys.length === 0) throw err;
        // Tried again after another delay, not on every request while the store is away.
        this.readAt = now;
        this.options.log.warn({ err }, 'vendor keys: could not read the keys again; signing with the ones held');
      })
      .finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }
}
