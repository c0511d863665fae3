/**
 * What is inside the encryption: a tar of the snapshot, each file under `data/`, and last
 * `manifest.json` listing every file with its size and SHA-256 (plus counts an operator can check
 * at a glance). Writing streams the snapshot's files through tar and the cipher into a temp file,
 * fsyncs it and renames it into place; reading streams the other way, checking every chunk, every
 * file against the manifest, and that nothing is missing or extra — so `verify` proves a backup
 * restorable without writing a byte of it, and `restore` writes only what it has checked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { z } from 'zod';
import { DomainError } from '@iamanager/protocol';
import { fsyncDir, storageFailure } from '@iamanager/kernel/storage';
import { DecryptStream, EncryptStream, corrupt, type BackupHeader, type BackupKeys } from './backupFormat.js';
import type { SnapshotFile } from './snapshot.js';
import { ApplianceError } from '../../errors.js';

const MANIFEST = 'manifest.json';
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const countsSchema = z.strictObject({
  cases: z.number().int(),
  documents: z.number().int(),
  users: z.number().int(),
  auditEntries: z.number().int(),
});
export type BackupCounts = z.infer<typeof countsSchema>;

const manifestSchema = z.strictObject({
  format: z.literal(1),
  createdAt: z.string(),
  applianceVersion: z.string(),
  files: z.array(
    z.strictObject({ path: z.string(), size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/), mode: z.number().int() }),
  ),
  counts: countsSchema,
});
export type Manifest = z.infer<typeof manifestSchema>;

/** A path inside the archive that stays inside DATA_DIR once extracted. */
function safeDataPath(name: string): string | undefined {
  if (!name.startsWith('data/')) return undefined;
  const relative = name.slice('data/'.length);
  const parts = relative.split('/');
  if (relative === '' || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0') || p.includes('\\'))) return undefined;
  return relative;
}

function hashing(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onChunk(chunk);
      done(null, chunk);
    },
  });
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/** The users in users.json's content (0 if it does not parse: the backup still holds the file as it is). */
function usersIn(content: Buffer): number {
  try {
    const parsed = JSON.parse(content.toString('utf8')) as { users?: unknown[] };
    return Array.isArray(parsed.users) ? parsed.users.length : 0;
  } catch {
    return 0;
  }
}

const SMALL_FILE = 1024 * 1024;

async function readPrefix(file: string, size: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buf, read, size - read, read);
      if (bytesRead === 0) throw new Error(`${file} is shorter than at the snapshot`);
      read += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}

/** The archive of a snapshot, as a stream; the manifest it ends with is returned once it is written. */
function packSnapshot(
  files: readonly SnapshotFile[],
  meta: { createdAt: string; applianceVersion: string },
): { stream: Readable; manifest: Promise<Manifest> } {
  const pack = tar.pack();
  const manifest = (async () => {
    const counts: BackupCounts = { cases: 0, documents: 0, users: 0, auditEntries: 0 };
    const listed: Manifest['files'] = [];
    for (const file of files) {
      const hash = createHash('sha256');
      const isAudit = /^audit\/[^/]+\.log$/.test(file.path);
      const header = { name: `data/${file.path}`, size: file.size, mode: file.mode, mtime: file.mtime, type: 'file' as const };
      const seen = (c: Buffer) => {
        hash.update(c);
        if (isAudit) counts.auditEntries += countNewlines(c);
      };
      // Only the size noted at the snapshot is read: an append-only file may have grown since.
      if (file.size <= SMALL_FILE || file.path === 'users.json') {
        // Most files are case files of a few KB: one read each, no stream to set up.
        const content = await readPrefix(file.source, file.size);
        seen(content);
        if (file.path === 'users.json') counts.users = usersIn(content);
        pack.entry(header, content);
      } else {
        await pipeline(createReadStream(file.source, { start: 0, end: file.size - 1 }), hashing(seen), pack.entry(header));
      }
      listed.push({ path: file.path, size: file.size, sha256: hash.digest('hex'), mode: file.mode });
      if (/^cases\/[^/]+\.json$/.test(file.path)) counts.cases++;
      if (/^documents\/[^/]+\/[^/]+$/.test(file.path)) counts.documents++;
    }
    const result: Manifest = { format: 1, ...meta, files: listed, counts };
    pack.entry({ name: MANIFEST, mode: 0o600 }, Buffer.from(JSON.stringify(result)));
    pack.finalize();
    return result;
  })();
  manifest.catch((err: unknown) => pack.destroy(err as Error));
  return { stream: pack as unknown as Readable, manifest };
}

/** Streams `source` into `file` durably: a temp file beside it, fsynced, renamed, folder fsynced. */
async function writeStreamDurable(file: string, source: Readable): Promise<number> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        await handle.write(chunk);
        bytes += chunk.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    await fsyncDir(path.dirname(file));
    return bytes;
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw storageFailure(err, file);
  }
}

/** Writes the encrypted backup of a snapshot to `file`; returns its manifest and size. */
export async function writeBackupFile(
  file: string,
  files: readonly SnapshotFile[],
  header: BackupHeader,
  keys: BackupKeys,
): Promise<{ manifest: Manifest; bytes: number }> {
  const packed = packSnapshot(files, { createdAt: header.createdAt, applianceVersion: header.applianceVersion });
  const encrypt = new EncryptStream(header, keys);
  packed.stream.on('error', (err) => encrypt.destroy(err));
  const [bytes, manifest] = await Promise.all([writeStreamDurable(file, packed.stream.pipe(encrypt)), packed.manifest]);
  return { manifest, bytes };
}

export interface BackupEntry {
  path: string;
  size: number;
  mode: number;
  stream: Readable;
}

/**
 * Reads a backup file end to end: decrypts and authenticates every chunk, hashes every file,
 * and checks the result against the manifest. `onFile` (restore) receives each file's content
 * as it goes and must consume it; nothing it wrote may be trusted until this resolves.
 */
export async function readBackupFile(
  file: string,
  passphrase: string,
  onFile?: (entry: BackupEntry) => Promise<void>,
): Promise<{ header: BackupHeader; manifest: Manifest }> {
  const handle = await fs.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new ApplianceError('backup_not_found', `${file}: no such backup; \`appliance backup list\` shows those in BACKUP_DIR`);
    throw err;
  });
  const decrypt = new DecryptStream(passphrase);
  const extract = tar.extract();
  const piping = pipeline(handle.createReadStream(), decrypt, extract);
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifest: Manifest | undefined;
  let failure: unknown;
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      if (name === MANIFEST && !manifest) {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const c of entry as AsyncIterable<Buffer>) {
          size += c.length;
          if (size > MAX_MANIFEST_BYTES) throw corrupt('manifest too large');
          chunks.push(c);
        }
        const parsed = manifestSchema.safeParse(parseJson(Buffer.concat(chunks)));
        if (!parsed.success) throw corrupt('manifest is not valid');
        manifest = parsed.data;
        continue;
      }
      const relative = entry.header.type === 'file' ? safeDataPath(name) : undefined;
      if (!relative || seen.has(relative) || manifest) throw corrupt(`unexpected entry ${JSON.stringify(name.slice(0, 200))}`);
      const hash = createHash('sha256');
      let size = 0;
      const counted = entry.pipe(
        hashing((c) => {
          hash.update(c);
          size += c.length;
        }),
      );
      if (onFile) await onFile({ path: relative, size: entry.header.size ?? 0, mode: entry.header.mode ?? 0o640, stream: counted });
      else for await (const _ of counted) void _;
      seen.set(relative, { size, sha256: hash.digest('hex') });
    }
  } catch (err) {
    failure = err;
  }
  try {
    await piping;
  } catch (err) {
    // The cipher's verdict (truncated, altered, wrong passphrase) explains any archive error after it.
    if (err instanceof DomainError || !(failure instanceof DomainError)) failure = err;
  }
  if (failure) throw failure;
  if (!manifest) throw corrupt('no manifest');
  for (const f of manifest.files) {
    const got = seen.get(f.path);
    if (!got) throw corrupt(`${f.path} is listed but missing`);
    if (got.size !== f.size || got.sha256 !== f.sha256) throw corrupt(`${f.path} does not match its SHA-256`);
  }
  if (seen.size !== manifest.files.length) throw corrupt('files not in the manifest');
  return { header: decrypt.header!, manifest };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
