/**
 * An S3-compatible off-site target (docs/backup.md « Copies hors site », S3): AWS, or any server
 * speaking its API (Scaleway, OVHcloud, MinIO, Garage, Ceph…). The archives are the same
 * encrypted `.iambak` files as in BACKUP_DIR, stored as `<prefix>/<name>`.
 *
 * No temporary name: an S3 PUT (or the completion of a multipart upload) is atomic — the object
 * appears whole under its key or not at all, and an interrupted upload leaves nothing visible —
 * so, unlike a folder or SFTP, a half-sent copy can never look complete.
 *
 * Integrity end to end, whatever the server checks: the archive's SHA-256 is computed here before
 * sending and (1) sent as `x-amz-checksum-sha256` on a single PUT — S3 then refuses a body that
 * does not match — or as per-part SHA-256 checksums on a multipart upload; (2) stored as the
 * object's metadata `sha256`; (3) checked after the upload (HEAD: size and metadata, and the
 * server's own checksum when it returns one) and again on every download. Some S3-compatible
 * servers ignore the checksum headers (the test server, s3rver, does): (2) and (3) still catch a
 * truncated or altered copy.
 *
 * Sizes: up to MULTIPART_THRESHOLD one streamed PUT (nothing held in memory); above, a multipart
 * upload (@aws-sdk/lib-storage) in parts of PART_SIZE (or larger, to stay under 10 000 parts),
 * two at a time — a single PUT stops at 5 GiB, and a cabinet's archive with its scanned pieces
 * can pass that.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import { ApplianceError } from '../../../errors.js';
import { parseBackupName } from '../backupFiles.js';
import type { S3Settings } from './targetSettings.js';
import type { OffsiteFile, OffsiteTarget } from './target.js';

const MiB = 1024 * 1024;
export const MULTIPART_THRESHOLD = 256 * MiB;
export const PART_SIZE = 32 * MiB;
/** S3 allows 10 000 parts; a margin keeps the part count under it for any size. */
const MAX_PARTS = 9_000;
const PROBE = '.iamanager-offsite-probe';
const QUIET = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The SDK is loaded only when an S3 target is used: the appliance without one never pays for it. */
let sdk: Promise<[typeof ClientS3, typeof LibStorage]> | undefined;
const loadSdk = () => (sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]));

export interface S3TargetOptions {
  /** Above this size a multipart upload is used (tests lower it to exercise that path). */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

/** SHA-256 of a file, hex and base64 (S3's checksum headers are base64). */
async function sha256Of(file: string): Promise<{ hex: string; base64: string }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  const digest = hash.digest();
  return { hex: digest.toString('hex'), base64: digest.toString('base64') };
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
]);

export class S3Target implements OffsiteTarget {
  readonly kind = 's3' as const;
  readonly id: string;
  readonly label: string;
  private client: S3Client | undefined;
  private readonly threshold: number;
  private readonly partSize: number;

  constructor(
    private readonly settings: S3Settings,
    options: S3TargetOptions = {},
  ) {
    this.id = settings.id;
    this.label = settings.label;
    this.threshold = options.multipartThresholdBytes ?? MULTIPART_THRESHOLD;
    this.partSize = options.partSizeBytes ?? PART_SIZE;
  }

  /** Where it writes, for messages: never the secret. */
  private get where(): string {
    const { endpoint, bucket, prefix } = this.settings;
    return `${endpoint.replace(/\/$/, '')} bucket ${bucket}${prefix ? ` under ${prefix}/` : ''}`;
  }

  private key(name: string): string {
    return this.settings.prefix ? `${this.settings.prefix}/${name}` : name;
  }

  private async s3(): Promise<{ client: S3Client; sdk: Awaited<ReturnType<typeof loadSdk>>[0] }> {
    const [client] = await loadSdk();
    this.client ??= new client.S3Client({
      endpoint: this.settings.endpoint,
      region: this.settings.region,
      forcePathStyle: this.settings.pathStyle,
      credentials: { accessKeyId: this.settings.accessKeyId, secretAccessKey: this.settings.secretAccessKey },
      // A network blip is retried; a dead endpoint fails in seconds, not at the OS's TCP timeout.
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
      // Every failure comes back as a typed error with its fix (failure()); the SDK's own console
      // warnings (e.g. that a streamed PUT is not retried) would only be unstructured noise in the logs.
      logger: QUIET,
    });
    return { client: this.client, sdk: client };
  }

  /** The server's refusal as an off-site error naming the setting to fix. */
  private failure(err: unknown, doing: 'write' | 'read'): ApplianceError {
    if (err instanceof ApplianceError) return err;
    const e = err as SdkError;
    const status = e.$metadata?.httpStatusCode;
    const said = `${e.name ?? 'error'}${status ? ` ${status}` : ''}`;
    switch (e.name) {
      case 'InvalidAccessKeyId':
        return new ApplianceError(
          'offsite_auth_failed',
          `accessKeyId: ${this.where} does not know the access key id ${this.settings.accessKeyId} (${said}): copy it again from the provider's console`,
          { field: 'accessKeyId' },
        );
      case 'SignatureDoesNotMatch':
        return new ApplianceError(
          'offsite_auth_failed',
          `secretAccessKey: ${this.where} refused the secret access key of ${this.settings.accessKeyId} (${said}): paste the secret again (it is shown once, when the key is created)`,
          { field: 'secretAccessKey' },
        );
      case 'AccessDenied':
      case 'Forbidden':
        return new ApplianceError(
          'offsite_auth_failed',
          `accessKeyId: ${this.where} refused access to the key ${this.settings.accessKeyId} (${said}): give it the right to list, read, write and delete in the bucket`,
          { field: 'accessKeyId' },
        );
      case 'NoSuchBucket':
        return this.bucketMissing(said);
      case 'PermanentRedirect':
      case 'AuthorizationHeaderMalformed':
        return new ApplianceError(
          'offsite_target_refused',
          `region: ${this.where} says the bucket is in another region than ${this.settings.region} (${said}): give the bucket's region`,
          { field: 'region' },
        );
    }
    if (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError' || NETWORK_CODES.has(e.name ?? ''))
      return new ApplianceError(
        'offsite_unreachable',
        `endpoint: cannot reach ${this.settings.endpoint} (${e.code ?? e.name}: ${e.message ?? ''}): check the address and that the appliance may go out to it`,
        { field: 'endpoint' },
      );
    return new ApplianceError(
      doing === 'write' ? 'offsite_write_failed' : 'offsite_read_failed',
      `cannot ${doing} in ${this.where}: ${said}${e.message && e.message !== e.name ? `: ${e.message}` : ''}`,
    );
  }

  private bucketMissing(said: string): ApplianceError {
    return new ApplianceError(
      'offsite_bucket_missing',
      `bucket: there is no bucket ${this.settings.bucket} at ${this.settings.endpoint} (${said}): create it in the provider's console first, or check the name${this.settings.pathStyle ? '' : ' (and whether the server needs path-style addressing)'}`,
      { field: 'bucket' },
    );
  }

  async put(name: string, localPath: string): Promise<void> {
    const { client, sdk: s3 } = await this.s3();
    const key = this.key(name);
    const { size } = await fs.stat(localPath);
    const sum = await sha256Of(localPath);
    const metadata = { sha256: sum.hex };
    try {
      if (size <= this.threshold) {
        await client.send(
          new s3.PutObjectCommand({
            Bucket: this.settings.bucket,
            Key: key,
            Body: createReadStream(localPath),
            ContentLength: size,
            ChecksumSHA256: sum.base64,
            Metadata: metadata,
          }),
        );
      } else {
        const [, storage] = await loadSdk();
        await new storage.Upload({
          client,
          params: {
            Bucket: this.settings.bucket,
            Key: key,
            Body: createReadStream(localPath),
            ChecksumAlgorithm: 'SHA256',
            Metadata: metadata,
          },
          partSize: Math.max(this.partSize, Math.ceil(size / MAX_PARTS)),
          queueSize: 2,
          // A failed upload is aborted: its parts are dropped rather than billed forever.
          leavePartsOnError: false,
        }).done();
      }
    } catch (err) {
      throw this.failure(err, 'write');
    }
    await this.verify(name, size, sum);
  }

  /** The object as the server holds it now must be the archive sent: same size, same SHA-256. */
  private async verify(name: string, size: number, sum: { hex: string; base64: string }): Promise<void> {
    const { client, sdk: s3 } = await this.s3();
    let head;
    try {
      head = await client.send(new s3.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name), ChecksumMode: 'ENABLED' }));
    } catch (err) {
      throw this.failure(err, 'read');
    }
    const problems: string[] = [];
    if (head.ContentLength !== size) problems.push(`${head.ContentLength ?? 'no'} bytes stored of ${size}`);
    if (head.Metadata?.sha256 !== sum.hex) problems.push(`its SHA-256 is not the archive's`);
    // A multipart object's checksum is a checksum of the parts' ("…-N"): only a single PUT's compares.
    if (head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-') && head.ChecksumSHA256 !== sum.base64)
      problems.push(`the server's SHA-256 differs from the archive's`);
    if (problems.length === 0) return;
    await this.remove(name).catch(() => undefined);
    throw new ApplianceError(
      'offsite_copy_mismatch',
      `${this.where}: the copy of ${name} is not the archive sent (${problems.join('; ')}): it was deleted; the next run sends it again`,
    );
  }

  async list(): Promise<OffsiteFile[]> {
    const { client, sdk: s3 } = await this.s3();
    const prefix = this.settings.prefix ? `${this.settings.prefix}/` : '';
    const out: OffsiteFile[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new s3.ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const name = o.Key?.slice(prefix.length) ?? '';
          // Only the archives right under the prefix: anything else in the bucket is not ours.
          if (!parseBackupName(name)) continue;
          out.push({ name, size: o.Size ?? 0, modifiedAt: (o.LastModified ?? new Date(0)).toISOString() });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.failure(err, 'read');
    }
    return out;
  }

  async get(name: string, localPath: string): Promise<void> {
    if (!parseBackupName(name))
      throw new ApplianceError('backup_not_found', `no backup ${name} in ${this.where} (see appliance backup list --target ${this.id})`);
    const { client, sdk: s3 } = await this.s3();
    const part = `${localPath}.part`;
    try {
      const res = await client.send(new s3.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name) }));
      const hash = createHash('sha256');
      let size = 0;
      const body = res.Body as Readable;
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      await pipeline(body, createWriteStream(part, { mode: 0o600 }));
      const hex = hash.digest('hex');
      const expected = res.Metadata?.sha256;
      if (size !== res.ContentLength || (expected !== undefined && expected !== hex))
        throw new ApplianceError(
          'offsite_copy_mismatch',
          `${this.where}: ${name} came back altered (${size} bytes of ${res.ContentLength ?? '?'}${expected !== undefined && expected !== hex ? ', SHA-256 differs from the one recorded at upload' : ''}): use another copy`,
        );
      await fs.rename(part, localPath);
    } catch (err) {
      await fs.rm(part, { force: true }).catch(() => undefined);
      if ((err as SdkError).name === 'NoSuchKey')
        throw new ApplianceError('backup_not_found', `no backup ${name} in ${this.where} (see appliance backup list --target ${this.id})`);
      throw this.failure(err, 'read');
    }
  }

  async remove(name: string): Promise<void> {
    const { client, sdk: s3 } = await this.s3();
    try {
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name) }));
    } catch (err) {
      throw this.failure(err, 'write');
    }
  }

  /**
   * Lists (credentials, bucket, region), then writes, reads back and deletes a probe object. A
   * listing comes first because its refusals carry S3's error code (a HEAD's carry none), so the
   * message can say whether the key, the secret or the bucket is wrong. One page of it, without
   * MaxKeys: a short page makes S3-compatible servers build a continuation token, which s3rver
   * (the test server) cannot do on OpenSSL 3 (it uses DES) — and a full page costs the same.
   */
  async test(): Promise<void> {
    const { client, sdk: s3 } = await this.s3();
    const Bucket = this.settings.bucket;
    const Key = this.key(PROBE);
    const text = `iamanager off-site probe ${new Date().toISOString()}`;
    try {
      await client.send(new s3.ListObjectsV2Command({ Bucket, Prefix: this.settings.prefix ? `${this.settings.prefix}/` : '' }));
    } catch (err) {
      throw this.failure(err, 'read');
    }
    try {
      await client.send(
        new s3.PutObjectCommand({ Bucket, Key, Body: text, ChecksumSHA256: createHash('sha256').update(text).digest('base64') }),
      );
    } catch (err) {
      throw this.failure(err, 'write');
    }
    try {
      const res = await client.send(new s3.GetObjectCommand({ Bucket, Key }));
      const back = await res.Body?.transformToString();
      if (back !== text)
        throw new ApplianceError(
          'offsite_read_failed',
          `${this.where}: the probe object reads back different from what was written: the server is failing`,
        );
    } catch (err) {
      throw this.failure(err, 'read');
    } finally {
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key })).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
  }
}
