/**
 * The encrypted backup file: a small authenticated header, then the archive in chunks sealed with
 * AES-256-GCM, so any size streams through a fixed amount of memory.
 *
 *   "IAMBACKUP" · format (1 byte) · header length (u32 BE) · header (JSON)
 *   then per chunk: plaintext length (u32 BE) · flags (1 byte, 1 = final) · ciphertext · GCM tag (16)
 *
 * The key comes from scrypt(passphrase, random salt); its parameters and salt are in the header.
 * scrypt gives 64 bytes: the first 32 are the AES key, the last 32 make `keyCheck`, an HMAC that
 * tells a wrong passphrase apart from a damaged file without decrypting anything. A fresh salt
 * makes a fresh key for every file, so the chunk index can serve as the GCM nonce. Each chunk's
 * additional data is the header's SHA-256, the chunk index, its length and its final flag: an
 * edited header, a reordered, dropped, altered or appended chunk fails authentication, and a file
 * cut short ends without its final chunk — each reported with its own stable code.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  scrypt as scryptCallback,
  timingSafeEqual,
  randomBytes,
  type ScryptOptions,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { z } from 'zod';
import type { DomainError } from '@iamanager/protocol';
import { ApplianceError } from '../../errors.js';

const MAGIC = Buffer.from('IAMBACKUP', 'latin1');
const FORMAT_VERSION = 1;
const PREAMBLE = MAGIC.length + 1 + 4;
const MAX_HEADER_BYTES = 64 * 1024;
/** The most a file's preamble and header can take: what to read to parse the header. */
export const MAX_HEADER_FILE_BYTES = PREAMBLE + MAX_HEADER_BYTES;
const TAG_BYTES = 16;
const CHUNK_BYTES = 1024 * 1024;
/** 2^17 × 8 × 128 B = 128 MiB of memory per guess: slow for an attacker with a stolen backup, ~0.5 s for us. */
const DEFAULT_KDF = { N: 2 ** 17, r: 8, p: 1 };

export const BACKUP_KINDS = ['scheduled', 'manual', 'pre-update'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

const base64 = (min: number, max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => {
      const n = Buffer.from(s, 'base64').length;
      return n >= min && n <= max;
    });

// Bounds on what a header may ask of us, so a crafted file cannot make scrypt eat the machine.
const headerSchema = z.strictObject({
  cipher: z.literal('aes-256-gcm'),
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(2 ** 14)
      .max(2 ** 20)
      .refine((n) => (n & (n - 1)) === 0),
    r: z.number().int().min(1).max(16),
    p: z.number().int().min(1).max(4),
    salt: base64(16, 64),
  }),
  chunkBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024),
  keyCheck: base64(16, 16),
  createdAt: z.iso.datetime(),
  kind: z.enum(BACKUP_KINDS),
  applianceVersion: z.string().max(40),
});
export type BackupHeader = z.infer<typeof headerSchema>;

export interface BackupKeys {
  encryption: Buffer;
  check: Buffer;
}

function scrypt(passphrase: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase.normalize('NFC'), salt, 64, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

async function deriveKeys(passphrase: string, kdf: BackupHeader['kdf']): Promise<BackupKeys> {
  const key = await scrypt(passphrase, Buffer.from(kdf.salt, 'base64'), { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 128 * kdf.N * kdf.r * 2 });
  return { encryption: key.subarray(0, 32), check: key.subarray(32) };
}

function keyCheckOf(keys: BackupKeys): Buffer {
  return createHmac('sha256', keys.check).update('iamanager backup key check v1').digest().subarray(0, 16);
}

function encodeHeader(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const preamble = Buffer.alloc(PREAMBLE);
  MAGIC.copy(preamble);
  preamble.writeUInt8(FORMAT_VERSION, MAGIC.length);
  preamble.writeUInt32BE(json.length, MAGIC.length + 1);
  return Buffer.concat([preamble, json]);
}

/**
 * A new header (fresh salt) and the keys it describes. `tuning` exists for tests (cheaper key, small
 * chunks); the appliance always uses the defaults, and a reader takes whatever the header says.
 */
export async function newHeader(
  passphrase: string,
  meta: Pick<BackupHeader, 'createdAt' | 'kind' | 'applianceVersion'>,
  tuning: { kdf?: typeof DEFAULT_KDF; chunkBytes?: number } = {},
): Promise<{ header: BackupHeader; keys: BackupKeys }> {
  const kdf = tuning.kdf ?? DEFAULT_KDF;
  const partial = {
    cipher: 'aes-256-gcm' as const,
    kdf: { name: 'scrypt' as const, ...kdf, salt: randomBytes(16).toString('base64') },
    chunkBytes: tuning.chunkBytes ?? CHUNK_BYTES,
    ...meta,
  };
  const keys = await deriveKeys(passphrase, partial.kdf);
  return { header: { ...partial, keyCheck: keyCheckOf(keys).toString('base64') }, keys };
}

/** A backup whose bytes are not what was written: the code every integrity failure shares. */
export function corrupt(message: string): DomainError {
  return new ApplianceError('backup_corrupt', `the backup is damaged or was altered (${message}): use another backup`);
}

/** Parses the header at the start of `bytes`; undefined while more bytes are needed. */
export function parseHeader(bytes: Buffer): { header: BackupHeader; length: number } | undefined {
  if (bytes.length < PREAMBLE) {
    if (!MAGIC.subarray(0, bytes.length).equals(bytes.subarray(0, MAGIC.length)))
      throw new ApplianceError('backup_unsupported', 'this file is not an IAManager backup');
    return undefined;
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new ApplianceError('backup_unsupported', 'this file is not an IAManager backup');
  const version = bytes.readUInt8(MAGIC.length);
  if (version !== FORMAT_VERSION)
    throw new ApplianceError(
      'backup_unsupported',
      `this backup has format ${version}; this appliance reads format ${FORMAT_VERSION}: restore it with a newer appliance`,
    );
  const length = bytes.readUInt32BE(MAGIC.length + 1);
  if (length > MAX_HEADER_BYTES) throw corrupt('header too large');
  if (bytes.length < PREAMBLE + length) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bytes.subarray(PREAMBLE, PREAMBLE + length).toString('utf8'));
  } catch {
    throw corrupt('header is not readable');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw corrupt('header is not valid');
  return { header: parsed.data, length: PREAMBLE + length };
}

function chunkCrypto(headerDigest: Buffer, index: number, length: number, final: boolean): { nonce: Buffer; prefix: Buffer; aad: Buffer } {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(length, 0);
  prefix.writeUInt8(final ? 1 : 0, 4);
  const position = Buffer.alloc(8);
  position.writeBigUInt64BE(BigInt(index));
  return { nonce, prefix, aad: Buffer.concat([headerDigest, position, prefix]) };
}

/** Buffers that arrive in pieces, read back by exact lengths without copying everything each time. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.length += b.length;
  }

  /** The first `n` bytes (n ≤ length), removed. */
  take(n: number): Buffer {
    const out = this.peek(n);
    let left = n;
    while (left > 0) {
      const first = this.parts[0]!;
      if (first.length <= left) {
        this.parts.shift();
        left -= first.length;
      } else {
        this.parts[0] = first.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return out;
  }

  peek(n: number): Buffer {
    if (this.parts.length === 1 || (this.parts[0] && this.parts[0].length >= n)) return this.parts[0]!.subarray(0, n);
    const joined = Buffer.concat(this.parts);
    this.parts = [joined];
    return joined.subarray(0, n);
  }
}

/** Encrypts a byte stream into the backup format: header first, then sealed chunks. */
export class EncryptStream extends Transform {
  private readonly queue = new ByteQueue();
  private readonly digest: Buffer;
  private readonly chunkBytes: number;
  private index = 0;

  constructor(
    header: BackupHeader,
    private readonly keys: BackupKeys,
  ) {
    super();
    const encoded = encodeHeader(header);
    this.digest = createHash('sha256').update(encoded).digest();
    this.chunkBytes = header.chunkBytes;
    this.push(encoded);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.queue.push(chunk);
    // Keep at least one byte back: the last chunk must carry the final flag, and only the end of
    // the input says which chunk is last.
    while (this.queue.length > this.chunkBytes) this.push(this.seal(this.queue.take(this.chunkBytes), false));
    done();
  }

  override _flush(done: TransformCallback): void {
    this.push(this.seal(this.queue.take(this.queue.length), true));
    done();
  }

  private seal(plain: Buffer, final: boolean): Buffer {
    const { nonce, prefix, aad } = chunkCrypto(this.digest, this.index++, plain.length, final);
    const cipher = createCipheriv('aes-256-gcm', this.keys.encryption, nonce);
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([prefix, body, cipher.getAuthTag()]);
  }
}

/**
 * Decrypts a backup file's bytes back into the archive, checking everything on the way; emits
 * `header` once the header is read and the passphrase checked. Errors are DomainErrors with the
 * codes `backup_unsupported`, `backup_wrong_passphrase`, `backup_corrupt`, `backup_truncated`.
 */
export class DecryptStream extends Transform {
  private readonly queue = new ByteQueue();
  private state: 'header' | 'chunks' | 'done' = 'header';
  private keys: BackupKeys | undefined;
  private digest = Buffer.alloc(0);
  private chunkBytes = 0;
  private index = 0;
  header: BackupHeader | undefined;

  constructor(private readonly passphrase: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.queue.push(chunk);
    this.drain().then(
      () => done(),
      (err: unknown) => done(err as Error),
    );
  }

  override _flush(done: TransformCallback): void {
    if (this.state === 'header')
      done(
        this.queue.length === 0
          ? new ApplianceError('backup_truncated', 'the backup file is empty: use another backup')
          : new ApplianceError('backup_truncated', 'the backup file ends inside its header: use another backup'),
      );
    else if (this.state === 'chunks')
      done(
        new ApplianceError(
          'backup_truncated',
          `the backup file ends after ${this.index} chunk(s), before its last one (copied only in part?): use another backup`,
        ),
      );
    else done();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.state === 'header') {
        const parsed = parseHeader(this.queue.peek(this.queue.length));
        if (!parsed) return;
        const encoded = this.queue.take(parsed.length);
        const keys = await deriveKeys(this.passphrase, parsed.header.kdf);
        if (!timingSafeEqual(keyCheckOf(keys), Buffer.from(parsed.header.keyCheck, 'base64'))) {
          throw new ApplianceError(
            'backup_wrong_passphrase',
            'wrong passphrase for this backup (or its header was altered): give the passphrase that was set when the backup was made',
          );
        }
        this.keys = keys;
        this.digest = createHash('sha256').update(encoded).digest();
        this.chunkBytes = parsed.header.chunkBytes;
        this.header = parsed.header;
        this.state = 'chunks';
        this.emit('header', parsed.header);
      } else if (this.state === 'chunks') {
        if (this.queue.length < 5) return;
        const prefix = this.queue.peek(5);
        const length = prefix.readUInt32BE(0);
        const flags = prefix.readUInt8(4);
        if (length > this.chunkBytes || flags > 1) throw corrupt(`chunk ${this.index} has an impossible length or flag`);
        if (this.queue.length < 5 + length + TAG_BYTES) return;
        const record = this.queue.take(5 + length + TAG_BYTES);
        const final = flags === 1;
        const { nonce, aad } = chunkCrypto(this.digest, this.index, length, final);
        const decipher = createDecipheriv('aes-256-gcm', this.keys!.encryption, nonce);
        decipher.setAAD(aad);
        decipher.setAuthTag(record.subarray(5 + length));
        let plain: Buffer;
        try {
          plain = Buffer.concat([decipher.update(record.subarray(5, 5 + length)), decipher.final()]);
        } catch {
          throw corrupt(`chunk ${this.index} fails authentication`);
        }
        this.index++;
        if (final) this.state = 'done';
        this.push(plain);
      } else {
        if (this.queue.length > 0) throw corrupt('bytes after the last chunk');
        return;
      }
    }
  }
}
