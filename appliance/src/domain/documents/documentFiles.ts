/**
 * Uploaded documents, stored under DATA_DIR/documents/<case id>/<document id> — names chosen by
 * us, never by the user (the original name is kept as metadata only). The upload is streamed to a
 * temp file while its size is capped and its SHA-256 computed, its first bytes are checked against
 * the declared type, then it is fsynced and renamed into place.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { duringWrite, fsyncDir, storageFailure } from '@iamanager/kernel/storage';
import { ApplianceError } from '../../errors.js';

/** What a cabinet files: scans and office documents. Each type with the signature its bytes start with. */
export const ALLOWED_TYPES: Readonly<Record<string, { extensions: string[]; magic: (head: Buffer) => boolean }>> = {
  'application/pdf': { extensions: ['.pdf'], magic: (h) => h.subarray(0, 5).toString('latin1') === '%PDF-' },
  'image/jpeg': { extensions: ['.jpg', '.jpeg'], magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  'image/png': {
    extensions: ['.png'],
    magic: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    extensions: ['.docx'],
    magic: (h) => h.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')),
  },
  'application/vnd.oasis.opendocument.text': {
    extensions: ['.odt'],
    magic: (h) => h.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')),
  },
  'text/plain': { extensions: ['.txt'], magic: (h) => !h.includes(0) },
};

export interface StoredFile {
  id: string;
  size: number;
  sha256: string;
}

export class DocumentFiles {
  constructor(
    private readonly root: string,
    readonly maxBytes: number,
  ) {}

  private dirOf(caseId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(caseId)) throw new ApplianceError('invalid_id', 'not a case id');
    return path.join(this.root, caseId);
  }

  pathOf(caseId: string, documentId: string): string {
    if (!/^[0-9a-f]{32}$/.test(documentId)) throw new ApplianceError('invalid_id', 'not a document id');
    return path.join(this.dirOf(caseId), documentId);
  }

  /** Streams an upload into place; throws (and leaves nothing behind) if it is too large or not what it claims. */
  async store(caseId: string, contentType: string, stream: Readable): Promise<StoredFile> {
    const allowed = ALLOWED_TYPES[contentType];
    if (!allowed)
      throw new ApplianceError(
        'unsupported_media_type',
        `file: ${contentType} is not accepted; send PDF, JPEG, PNG, DOCX, ODT or plain text`,
      );
    const dir = this.dirOf(caseId);
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    const id = randomBytes(16).toString('hex');
    const tmp = path.join(dir, `.${id}.upload.tmp`);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let tooLarge = false;
    const handle = await fs.open(tmp, 'wx', 0o640);
    try {
      // The loop always reads the stream to its end (breaking out would destroy it and leave the
      // multipart parser waiting): past the limit, bytes are read and dropped.
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (tooLarge || size > this.maxBytes) {
          tooLarge = true;
          continue;
        }
        if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
        hash.update(chunk);
        await handle.write(chunk);
      }
      if (tooLarge || (stream as { truncated?: boolean }).truncated)
        throw new ApplianceError(
          'payload_too_large',
          `file: larger than ${Math.round(this.maxBytes / 2 ** 20)} MiB; split or compress it`,
          { limit: this.maxBytes },
        );
      if (size === 0) throw new ApplianceError('invalid_input', 'file: is empty');
      if (!allowed.magic(head))
        throw new ApplianceError(
          'unsupported_media_type',
          `file: its content is not ${contentType} (the name or type says one thing, the bytes another)`,
        );
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmp, { force: true });
      // Drain what the client still sends, so the error answer reaches it.
      stream.resume();
      throw storageFailure(err, tmp);
    }
    await handle.close();
    // The rename is what a backup's snapshot may see, so it goes through the write gate.
    await duringWrite(async () => {
      await fs.rename(tmp, path.join(dir, id));
      await fsyncDir(dir);
    });
    return { id, size, sha256: hash.digest('hex') };
  }

  open(caseId: string, documentId: string): Readable {
    return createReadStream(this.pathOf(caseId, documentId));
  }

  /** The whole file, for the Télérecours export (which bounds the total it reads, telerecoursExport.ts). */
  read(caseId: string, documentId: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(caseId, documentId));
  }

  /**
   * Removes a deleted pièce's file from disk (the case's history keeps its name and number, not its
   * bytes). Through the write gate, like the rename that put it there, so a backup sees it or not.
   */
  async remove(caseId: string, documentId: string): Promise<void> {
    const file = this.pathOf(caseId, documentId);
    await duringWrite(async () => {
      await fs.rm(file, { force: true });
      await fsyncDir(path.dirname(file));
    });
  }
}
