/**
 * Support bundles over today's files: the index DATA_DIR/support-bundles/index.json (a durable
 * document) and each bundle beside it as ID.tar.gz, written durably — same paths, same format as
 * before the storage seam. One process holds DATA_DIR, so the cabinet's bound is checked and the
 * index changed without another upload in between.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, removeFileDurable, writeFileDurable, type Document } from '@iamanager/kernel/storage';
import type { SupportBundleArchive } from '../stores.js';
import { supportBundleIndexSchema, type SupportBundleEntry, type SupportBundleIndex } from '../supportBundleRecords.js';

export class EmbeddedSupportBundleArchive implements SupportBundleArchive {
  private constructor(
    private readonly dir: string,
    private readonly doc: Document<SupportBundleIndex>,
  ) {}

  static async open(dataDir: string, log: Logger): Promise<EmbeddedSupportBundleArchive> {
    const dir = path.join(dataDir, 'support-bundles');
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    const doc = await openDocument<SupportBundleIndex>(
      path.join(dir, 'index.json'),
      { bundles: [] },
      { schema: supportBundleIndexSchema, log, mode: 0o600 },
    );
    return new EmbeddedSupportBundleArchive(dir, doc);
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.tar.gz`);
  }

  async keep(entry: SupportBundleEntry, bytes: Buffer, maxPerCabinet: number): Promise<SupportBundleEntry> {
    const now = Date.parse(entry.receivedAt);
    const kept = this.doc.data.bundles.find(
      (b) => b.cabinetId === entry.cabinetId && b.sha256 === entry.sha256 && Date.parse(b.expiresAt) > now,
    );
    if (kept) return { ...kept };
    // The file first: an index entry never points at a bundle that is not on disk.
    await writeFileDurable(this.fileOf(entry.id), bytes, { mode: 0o600, keepBackup: false });
    const mine = this.doc.data.bundles.filter((b) => b.cabinetId === entry.cabinetId);
    const over = mine.slice(0, Math.max(0, mine.length + 1 - maxPerCabinet)).map((b) => b.id);
    await this.doc.update((d) => {
      d.bundles = d.bundles.filter((b) => !over.includes(b.id));
      d.bundles.push({ ...entry });
    });
    for (const id of over) await removeFileDurable(this.fileOf(id));
    return { ...entry };
  }

  list(cabinetId: string, now: Date): Promise<SupportBundleEntry[]> {
    // Expired ones are left out here and pruned by retention: a read writes nothing.
    return Promise.resolve(
      this.doc.data.bundles
        .filter((b) => b.cabinetId === cabinetId && Date.parse(b.expiresAt) > now.getTime())
        .reverse()
        .map((b) => ({ ...b })),
    );
  }

  async read(cabinetId: string, id: string, now: Date): Promise<{ entry: SupportBundleEntry; bytes: Buffer } | undefined> {
    const entry = (await this.list(cabinetId, now)).find((b) => b.id === id);
    if (!entry) return undefined;
    return { entry, bytes: await fs.readFile(this.fileOf(id)) };
  }

  /** The index first (nothing lists an expired bundle any more), then the files. */
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
