/**
 * The support bundle as a file: a .tar.gz under `support-bundle/`, with `manifest.json` listing
 * every file, its size, SHA-256 and why it is there, what was left out on purpose, and how many
 * log lines were dropped. Built in memory: a bundle is a few hundred KiB of text at most, and
 * MAX_SUPPORT_BUNDLE_BYTES is checked here so a bundle that could not be uploaded is never written.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import tar from 'tar-stream';
import { MAX_SUPPORT_BUNDLE_BYTES } from '@iamanager/protocol';
import { ApplianceError } from '../../errors.js';
import type { CollectedSupport, SupportFile } from './collectSupport.js';

const gzipped = promisify(gzip);

/** Said in every manifest: what a bundle never holds, whatever the appliance's state. */
export const NEVER_INCLUDED = [
  'case files: client names, facts, notes, deadlines, analyses',
  'documents and document names',
  'users’ names, emails and passwords, sessions and API tokens',
  'secrets: SECRET_KEY, BACKUP_PASSPHRASE, the appliance key, the signed license',
  'the audit log (it names who read which case)',
];

export interface SupportBundle {
  bytes: Buffer;
  sha256: string;
  createdAt: string;
  /** The files as they are in the archive, manifest first: what the admin page shows before anything leaves. */
  files: SupportFile[];
}

export async function buildSupportBundle(collected: CollectedSupport, createdAt: Date, applianceVersion: string): Promise<SupportBundle> {
  const manifest: SupportFile = {
    path: 'manifest.json',
    why: 'this list',
    content: `${JSON.stringify(
      {
        format: 1,
        createdAt: createdAt.toISOString(),
        applianceVersion,
        files: collected.files.map((f) => ({
          path: f.path,
          bytes: Buffer.byteLength(f.content),
          sha256: createHash('sha256').update(f.content).digest('hex'),
          why: f.why,
        })),
        logs: collected.logs,
        detailsWithheld: collected.withheld,
        neverIncluded: NEVER_INCLUDED,
      },
      null,
      2,
    )}\n`,
  };
  const files = [manifest, ...collected.files];
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const f of files) pack.entry({ name: `support-bundle/${f.path}`, mtime: createdAt, mode: 0o644 }, f.content);
  pack.finalize();
  await ended;
  const bytes = await gzipped(Buffer.concat(chunks));
  if (bytes.length > MAX_SUPPORT_BUNDLE_BYTES)
    throw new ApplianceError(
      'support_bundle_too_large',
      `the support bundle is ${bytes.length} bytes, over the ${MAX_SUPPORT_BUNDLE_BYTES} the control plane takes`,
    );
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), createdAt: createdAt.toISOString(), files };
}
