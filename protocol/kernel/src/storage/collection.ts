/**
 * A folder of documents, one aggregate per file (one case, one cabinet…), so a write costs the
 * size of what changed rather than of the whole store. Ids become file names only after passing
 * a strict pattern: no path from a user reaches the file system unchecked.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '@iamanager/protocol';
import { openDocument, type Document } from './document.js';
import { isAuxiliaryFile, removeFileDurable, StorageError, sweepTempFiles } from './durableWrite.js';
import type { JsonAdapterOptions } from './jsonAdapter.js';

export interface CollectionOptions<T> extends JsonAdapterOptions<T> {
  /**
   * Called for a document that cannot be read and has no usable last good copy (`storage_corrupt`);
   * once it resolves, the collection opens without that document. Without it, such a document
   * stops the opening: a service chooses which of its records it can do without (see quarantine.ts).
   */
  onUnreadable?: (file: string, err: StorageError) => Promise<void>;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const OPEN_BATCH = 64;

export function assertSafeId(id: string): void {
  if (!SAFE_ID.test(id))
    throw new DomainError('invalid_id', `"${id.slice(0, 80)}" is not a valid id (letters, digits, "_" and "-", at most 128)`);
}

export class DocumentCollection<T> {
  readonly dir: string;
  private readonly options: CollectionOptions<T>;
  private readonly docs = new Map<string, Document<T>>();
  /** Documents whose creation is under way (see `create`). */
  private readonly creating = new Map<string, Promise<Document<T>>>();

  private constructor(dir: string, options: CollectionOptions<T>) {
    this.dir = dir;
    this.options = options;
  }

  /** Opens the folder and loads every document in it (recovering any that are damaged). */
  static async open<T>(dir: string, options: CollectionOptions<T> = {}): Promise<DocumentCollection<T>> {
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    await sweepTempFiles(dir);
    const collection = new DocumentCollection<T>(dir, options);
    const names = await fs.readdir(dir);
    const ids = new Set<string>();
    for (const name of names) {
      if (isAuxiliaryFile(name)) {
        // A `.bak` whose main file vanished is a document to recover, not leftovers.
        if (name.endsWith('.json.bak')) ids.add(name.slice(0, -'.json.bak'.length));
        continue;
      }
      if (name.endsWith('.json')) ids.add(name.slice(0, -'.json'.length));
    }
    // Read in parallel batches: start-up time with 10 000 documents is dominated by file I/O
    // latency, which overlapping hides; a bound keeps file descriptors in check.
    const safe = [...ids].filter((id) => SAFE_ID.test(id));
    for (let i = 0; i < safe.length; i += OPEN_BATCH) {
      const batch = safe.slice(i, i + OPEN_BATCH);
      const docs = await Promise.all(batch.map((id) => collection.openOne(id)));
      docs.forEach((doc, j) => {
        if (doc && doc.data !== null) collection.docs.set(batch[j]!, doc as Document<T>);
      });
    }
    return collection;
  }

  /** One document at open; `undefined` when it was unreadable and `onUnreadable` took it away. */
  private async openOne(id: string): Promise<Document<T | null> | undefined> {
    const file = this.fileOf(id);
    try {
      return await openDocument<T | null>(file, null, this.options as JsonAdapterOptions<T | null>);
    } catch (err) {
      if (!this.options.onUnreadable || !(err instanceof StorageError) || err.code !== 'storage_corrupt') throw err;
      await this.options.onUnreadable(file, err);
      return undefined;
    }
  }

  fileOf(id: string): string {
    assertSafeId(id);
    return path.join(this.dir, `${id}.json`);
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  get(id: string): Document<T> | undefined {
    return this.docs.get(id);
  }

  get size(): number {
    return this.docs.size;
  }

  ids(): IterableIterator<string> {
    return this.docs.keys();
  }

  *values(): IterableIterator<T> {
    for (const doc of this.docs.values()) yield doc.data;
  }

  /** Creates a document durably; refuses an id already in use or being created. */
  async create(id: string, data: T): Promise<Document<T>> {
    const file = this.fileOf(id);
    if (this.docs.has(id) || this.creating.has(id)) throw new DomainError('already_exists', `"${id}" already exists`, { id });
    // Reserved before the first await: two creations of one id racing in cannot both pass.
    const created = this.createNow(id, file, data).finally(() => this.creating.delete(id));
    this.creating.set(id, created);
    return await created;
  }

  /** The document `id`, created from `init()` if there is none yet; concurrent calls share one creation. */
  async getOrCreate(id: string, init: () => T): Promise<Document<T>> {
    return this.docs.get(id) ?? this.creating.get(id) ?? this.create(id, init());
  }

  private async createNow(id: string, file: string, data: T): Promise<Document<T>> {
    const doc = await openDocument<T>(file, data, this.options);
    doc.data = data;
    this.docs.set(id, doc);
    try {
      await doc.write();
    } catch (err) {
      this.docs.delete(id);
      throw err;
    }
    return doc;
  }

  async remove(id: string): Promise<void> {
    const doc = this.docs.get(id);
    if (!doc) return;
    await doc.adapter.flushed();
    this.docs.delete(id);
    await removeFileDurable(this.fileOf(id));
  }

  async flushed(): Promise<void> {
    await Promise.all([...this.docs.values()].map((d) => d.adapter.flushed()));
  }
}
