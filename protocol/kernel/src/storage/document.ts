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
  if (adapter.missingAtRead) adapter.whenMissing = JSON.stringify(db.data);
  adapter.onRollback = (stored) => (db.data = restoredInPlace(db.data, stored));
  return db;
}

/**
 * The on-disk value, written into the current top-level object when both are plain objects: code
 * that holds the record (an index, a request handler) then sees the rollback too.
 */
function restoredInPlace<T>(current: T, stored: T): T {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(current) || !isRecord(stored)) return stored;
  for (const key of Object.keys(current)) if (!(key in stored)) delete current[key];
  Object.assign(current, stored);
  return current;
}
