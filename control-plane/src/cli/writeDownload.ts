/**
 * Writes a file a command returned (a PDF, a CSV) where the vendor asked: `--out FILE`, or into
 * `--out DIR` under its own name, or under its own name in the working directory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export interface Download {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export function hasDownload(result: unknown): result is { download: Download } {
  return typeof result === 'object' && result !== null && 'download' in result;
}

export async function writeDownload(out: string | undefined, download: Download): Promise<{ file: string; bytes: number }> {
  let file = path.resolve(out ?? download.filename);
  const stat = await fs.stat(file).catch(() => undefined);
  if (stat?.isDirectory()) file = path.join(file, download.filename);
  const content = Buffer.from(download.contentBase64, 'base64');
  await fs.writeFile(file, content, { mode: 0o640 });
  return { file, bytes: content.length };
}
