/**
 * One case as a tar archive: `case.json` (the whole record) and its documents under
 * `documents/`, each named as uploaded (prefixed with its id so names never collide). Streamed,
 * so a case with large scans never sits in memory.
 */
import { PassThrough, pipeline as pipe, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { DocumentFiles } from '../documents/documentFiles.js';
import type { CaseRecord } from './caseSchema.js';

export function exportCase(record: CaseRecord, files: DocumentFiles): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  void (async () => {
    const json = Buffer.from(`${JSON.stringify(record, null, 2)}\n`);
    pack.entry({ name: 'case.json', size: json.length, mode: 0o640 }, json);
    for (const d of record.documents) {
      const entry = pack.entry({ name: `documents/${d.id.slice(0, 8)}-${d.name}`, size: d.size, mode: 0o640 });
      await pipeline(files.open(record.id, d.id), entry);
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  // Not pack.pipe(out): a client that goes away (or a HEAD request) closes `out`, and the pack's
  // "premature close" error would have no listener and bring the whole appliance down. Here any
  // failure ends both streams, and a failure reading a document reaches Koa through `out`.
  pipe(pack, out, () => undefined);
  return out;
}
