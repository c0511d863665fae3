/**
 * Writes an install bundle where the vendor asked: a folder `<out>/<cabinet id>/` and the same
 * files as `<out>/<cabinet id>.tar.gz`, ready to send. The `.env` (it holds the enrollment code)
 * is mode 0600 in both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { ValidationError } from '@iamanager/protocol';
import type { BundleFile } from '../domain/installBundle.js';

export async function writeBundle(
  out: string | undefined,
  cabinetId: string,
  files: readonly BundleFile[],
): Promise<{ folder: string; archive: string }> {
  if (!out) throw new ValidationError(['out: is required, e.g. --out ./bundles']);
  const folder = path.resolve(out, cabinetId);
  fs.mkdirSync(folder, { recursive: true, mode: 0o750 });
  for (const f of files) {
    fs.writeFileSync(path.join(folder, f.name), f.content, { mode: f.mode });
    fs.chmodSync(path.join(folder, f.name), f.mode);
  }
  const archive = `${folder}.tar.gz`;
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: `${cabinetId}/${f.name}`, mode: f.mode, mtime: new Date() }, f.content);
  pack.finalize();
  await pipeline(pack, createGzip(), fs.createWriteStream(archive, { mode: 0o600 }));
  return { folder, archive };
}
