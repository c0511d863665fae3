/**
 * Support bundles appliances sent (docs/support-bundle.md): verified (appliance key, cabinet,
 * fresh token, the body is the one signed), kept in DATA_DIR/support-bundles for 30 days for the
 * vendor's support staff, then pruned — on every upload and when the control plane starts (listings
 * and reads leave out what expired meanwhile). The index is a durable document; each bundle a file written durably beside it.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MAX_SUPPORT_BUNDLE_BYTES, ProtocolError, verifySupportUpload, type VerifyHeartbeatOptions } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, removeFileDurable, writeFileDurable, type Document } from '@iamanager/kernel/storage';
import { ControlPlaneError } from '../errors.js';

/** Long enough for a support case to be worked on, short enough that diagnostics do not pile up. */
export const SUPPORT_BUNDLE_RETENTION_DAYS = 30;
/** Per cabinet: a loop of uploads cannot fill the vendor's disk. */
export const MAX_BUNDLES_PER_CABINET = 10;

const entrySchema = z.strictObject({
  id: z.string().uuid(),
  cabinetId: z.string(),
  applianceId: z.string(),
  receivedAt: z.string(),
  expiresAt: z.string(),
  bytes: z.number().int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SupportBundleEntry = z.infer<typeof entrySchema>;
const fileSchema = z.strictObject({ bundles: z.array(entrySchema) });
type IndexFile = z.infer<typeof fileSchema>;

const DAY_MS = 86_400_000;

export class SupportBundleStore {
  private constructor(
    private readonly dir: string,
    private readonly doc: Document<IndexFile>,
  ) {}

  static async open(dataDir: string, log: Logger, now: Date): Promise<SupportBundleStore> {
    const dir = path.join(dataDir, 'support-bundles');
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    const doc = await openDocument<IndexFile>(path.join(dir, 'index.json'), { bundles: [] }, { schema: fileSchema, log, mode: 0o600 });
    const store = new SupportBundleStore(dir, doc);
    await store.prune(now);
    return store;
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.tar.gz`);
  }

  /**
   * `POST /v1/support-bundles`: the token (Authorization: Bearer) and the base64 bundle. Refusals
   * carry the heartbeat's codes: `unknown_appliance`, `bad_signature`, `revoked_appliance`,
   * `wrong_audience`, `clock_skew`, `malformed` (the body is not the bundle signed, or not a gzip).
   */
  async receive(
    token: string,
    bundleBase64: string,
    options: { findAppliance: VerifyHeartbeatOptions['findAppliance']; now: Date; maxSkewSeconds: number },
  ): Promise<SupportBundleEntry> {
    const claims = await verifySupportUpload(token, options);
    const bytes = Buffer.from(bundleBase64, 'base64');
    if (bytes.length > MAX_SUPPORT_BUNDLE_BYTES)
      throw new ControlPlaneError('payload_too_large', `bundle: ${bytes.length} bytes, at most ${MAX_SUPPORT_BUNDLE_BYTES}`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== claims.sha256 || bytes.length !== claims.size)
      throw new ProtocolError(
        'malformed',
        'bundle: its SHA-256 or size is not the one the token signs: send the bundle the token was made for',
      );
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new ProtocolError('malformed', 'bundle: must be a .tar.gz (gzip)');
    await this.prune(options.now);
    // The same signed upload replayed (a retry whose answer was lost) is the bundle already kept.
    const kept = this.doc.data.bundles.find((b) => b.cabinetId === claims.sub && b.sha256 === sha256);
    if (kept) return kept;
    const entry: SupportBundleEntry = {
      id: randomUUID(),
      cabinetId: claims.sub,
      applianceId: claims.iss,
      receivedAt: options.now.toISOString(),
      expiresAt: new Date(options.now.getTime() + SUPPORT_BUNDLE_RETENTION_DAYS * DAY_MS).toISOString(),
      bytes: bytes.length,
      sha256,
    };
    // The file first: an index entry never points at a bundle that is not on disk.
    await writeFileDurable(this.fileOf(entry.id), bytes, { mode: 0o600, keepBackup: false });
    const mine = this.doc.data.bundles.filter((b) => b.cabinetId === entry.cabinetId);
    const over = mine.slice(0, Math.max(0, mine.length + 1 - MAX_BUNDLES_PER_CABINET)).map((b) => b.id);
    await this.doc.update((d) => {
      d.bundles = d.bundles.filter((b) => !over.includes(b.id));
      d.bundles.push(entry);
    });
    for (const id of over) await removeFileDurable(this.fileOf(id));
    return entry;
  }

  /** A cabinet's bundles still kept, newest first. */
  async list(cabinetId: string, now: Date): Promise<SupportBundleEntry[]> {
    // Expired ones are left out here and pruned on the next upload or start: a read writes nothing.
    return this.doc.data.bundles.filter((b) => b.cabinetId === cabinetId && Date.parse(b.expiresAt) > now.getTime()).reverse();
  }

  async read(cabinetId: string, id: string, now: Date): Promise<{ entry: SupportBundleEntry; bytes: Buffer }> {
    const entry = (await this.list(cabinetId, now)).find((b) => b.id === id);
    if (!entry) throw new ControlPlaneError('not_found', `support bundle "${id}" of cabinet "${cabinetId}" does not exist or has expired`);
    return { entry, bytes: await fs.readFile(this.fileOf(id)) };
  }

  /** Drops what expired: the index first (nothing lists it), then the file. */
  async prune(now: Date): Promise<number> {
    const expired = this.doc.data.bundles.filter((b) => Date.parse(b.expiresAt) <= now.getTime()).map((b) => b.id);
    if (expired.length === 0) return 0;
    await this.doc.update((d) => {
      d.bundles = d.bundles.filter((b) => !expired.includes(b.id));
    });
    for (const id of expired) await removeFileDurable(this.fileOf(id));
    return expired.length;
  }
}
