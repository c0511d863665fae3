/**
 * One JSON document on disk, held by lowdb's `Low` over our durable adapter. One module owns each
 * document; nothing else opens its file.
 */
import { Low } from 'lowdb';
import { DurableJsonAdapter, type JsonAdapterOptions } from './jsonAdapter.js';

export type Document<T> = Low<T> & { adapter: DurableJsonAdapter<T> };

/** Opens (and reads, recovering if needed) the document at `file`, starting from `defaults`. */
export async function openDocument<T>(file: string, defaults: T, options: JsonAdapterOptions<T> = {}): Promise<Document<T>> {
  const adapter = new DurableJsonAdapter<T>(file, options);
  const db = new Low<T>(adapter, defaults) as Document<T>;
  await db.read();
  return db;
}
